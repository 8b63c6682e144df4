"""Remote tickets (원격 번호표): a ticket taken from the status page before leaving home. Pure.

Offered only when the hall allows it for the task (`Service.remote`), the task is open and not
closing, and the expected wait is at least `min_wait_minutes` (a remote ticket must not jump a
short queue); at most `max_waiting` wait at once per task, and `per_person_per_day` per browser
(the relay's hashed key) and, when the resident gives a mobile number, per phone per task (a second
browser does not get round the cap). The number never reaches the hub: the relay sends a hash of
it keyed with its own secret (`phone_owner`), which nobody can turn back into the number by trying
the 10^8 mobile numbers without that key. A ticket's `remote_owner` holds the keys it counts under,
space-separated (the store counts them back after a restart). The ticket is an ordinary one
(same numbering, same page); it is confirmed in the hall at the kiosk by the arrival code its page
shows (wire/protocol.py `confirm_code`; never by its number, which a stranger could guess) or by the
clerk when called, and one never confirmed counts as absent in the report.
"""

from __future__ import annotations

import dataclasses

from hub.domain import allocation, queue, view
from hub.domain.model import Event, HallState, QueueError, Ticket, TicketState, frozen
from hub.domain.queue import Outcome, roll_day
from wire.protocol import CONFIRM_LENGTH, confirm_code


def phone_key(phone_owner: str, service_id: str) -> str:
    """What a phone (the relay's keyed hash of it) counts under for one task."""
    return f"p:{phone_owner}:{service_id}"


def taken_by(state: HallState, key: str) -> int:
    """Remote tickets taken today under `key` (a ticket counts under each key of its owner)."""
    return sum(n for owners, n in state.remote_taken.items() if key in owners.split(" "))


def offer(
    state: HallState, service_id: str, now: float, owner: str | None = None, phone_owner: str | None = None
) -> None:
    """Refuses (QueueError) unless a remote ticket for the task may be taken now (by `owner`, and
    by the phone of `phone_owner` when given)."""
    service = state.hall.service(service_id)
    if service is None:
        raise QueueError("unknown_service", f"no service {service_id!r}")
    if service.remote is None:
        raise QueueError("remote_not_offered", f"{service.id!r} gives no remote tickets")
    most = service.remote.per_person_per_day
    if owner is not None and taken_by(state, owner) >= most:
        raise QueueError("remote_limit", "a remote ticket was already taken today from this browser")
    if phone_owner is not None and taken_by(state, phone_key(phone_owner, service.id)) >= most:
        raise QueueError("remote_limit", "a remote ticket for this task was already taken today with this phone")
    status, wait = view.service_status(state, service.id, now, state.waiting_count(service.id))
    if status != "open":
        raise QueueError("service_closed", f"{service.id} is {status}: no remote ticket now")
    if wait[0] < service.remote.min_wait_minutes:
        raise QueueError(
            "remote_not_needed", f"the wait is short ({wait[0]}–{wait[1]} min): please take a ticket in the hall"
        )
    waiting = sum(
        1
        for t in state.tickets.values()
        if t.service == service.id and t.remote_owner is not None and t.state is TicketState.WAITING
    )
    if waiting >= service.remote.max_waiting:
        raise QueueError("remote_full", f"{waiting} remote tickets already wait for {service.id}")


def take(
    state: HallState,
    service_id: str,
    now: float,
    *,
    owner: str,
    token_hash: str,
    device: str,
    language: str = "ko",
    phone_owner: str | None = None,
) -> Outcome:
    """Issue a remote ticket for `owner` (the relay's browser hash; with `phone_owner`, counted under
    the phone for the task too) when `offer` allows it."""
    state, events = roll_day(state, now)
    offer(state, service_id, now, owner, phone_owner)
    service = state.hall.service(service_id)
    assert service is not None
    owner = owner if phone_owner is None else f"{owner} {phone_key(phone_owner, service.id)}"
    taken = state.remote_taken.get(owner, 0)
    state, issued = queue.issue(
        state, service.id, now, token_hash=token_hash, device=device, channel="web", language=language
    )
    ticket = issued[-1].ticket
    assert ticket is not None
    marked = dataclasses.replace(ticket, remote_owner=owner)
    state, _ = queue._apply(state, [], tickets=[marked])
    issued[-1] = dataclasses.replace(issued[-1], ticket=marked, detail=frozen({"remote": True}))
    counts = queue._persistent(state.remote_taken).set(owner, taken + 1)
    return dataclasses.replace(state, remote_taken=counts), events + issued


def confirm(state: HallState, now: float, ticket: Ticket) -> Outcome:
    """The remote ticket's holder is in the hall."""
    state, events = roll_day(state, now)
    if ticket.remote_owner is None:
        raise QueueError("invalid_state", f"{ticket.label} is not a remote ticket")
    if ticket.confirmed is not None:
        raise QueueError("already_confirmed", f"{ticket.label} is already confirmed")
    confirmed = dataclasses.replace(ticket, confirmed=now)
    events.append(Event("confirmed", now, confirmed))
    return queue._apply(state, events, tickets=[confirmed])


def confirm_by_code(state: HallState, now: float, code: str) -> Outcome:
    """At the kiosk: the visitor types (or scans from the page's QR) the ticket's confirm code.
    Only live remote tickets are looked at: a finished, cancelled or unknown one is `unknown_ticket`."""
    state, _ = roll_day(state, now)
    wanted = "".join(ch for ch in code.upper() if ch not in " -")
    if len(wanted) == CONFIRM_LENGTH:
        for ticket in state.tickets.values():
            if ticket.remote_owner is not None and confirm_code(ticket.token_hash) == wanted:
                return confirm(state, now, ticket)
    raise QueueError("unknown_ticket", "no live remote ticket has this confirm code")


def ahead_of(state: HallState, ticket_id: int) -> int:
    """How many are called before a waiting ticket (its line's call order); 0 once called."""
    ticket = state.tickets.get(ticket_id)
    if ticket is None or ticket.state is not TicketState.WAITING:
        return 0
    if ticket.for_counter is not None:
        order = list(state.line(("counter", ticket.for_counter, False)))
    else:
        order = [t.id for t in allocation.queue_order(state, ticket.service)]
    return order.index(ticket_id) if ticket_id in order else 0


def confirm_serving(state: HallState, now: float, counter_id: str) -> Outcome:
    """At the counter: the clerk confirms the remote ticket just called."""
    current = state.counter(counter_id)
    if current.serving is None or current.serving not in state.tickets:
        raise QueueError("not_serving", f"counter {counter_id} is not serving anyone")
    return confirm(state, now, state.tickets[current.serving])
