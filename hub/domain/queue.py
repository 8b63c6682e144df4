"""The queue's operations: `op(state, ..., now) -> (state, events)`, pure.

Every operation first rolls the state into `now`'s business day. A refused operation raises
QueueError and, since states are immutable, changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pyrsistent import PMap, pmap, pvector

from hub.domain import allocation, calendar, estimate
from hub.domain.line import EMPTY
from hub.domain.model import (
    Call,
    CounterState,
    CounterStatus,
    Event,
    HallState,
    QueueError,
    Ticket,
    TicketState,
    frozen,
    queue_key,
)
from wire.hall import Counter, Hall, Service

Outcome = tuple[HallState, list[Event]]
RECENT_CALLS = 12
RATE_WINDOW = 60.0


def new_day(hall: Hall, now: float) -> HallState:
    """An empty hall for `now`'s business day."""
    return HallState(hall=hall, business_date=calendar.business_date(now, hall.site))


def roll_day(state: HallState, now: float) -> Outcome:
    """Start a new business day when `now` belongs to another one, later or earlier.

    Live tickets of the old day end (cancelled, reason day_end), counters close, numbering
    starts again. Measured service times are kept: they are what the hall learned. The date
    follows the clock both ways: after a clock set a year ahead and then corrected, keeping the
    future date would stop the daily reset for a year; ending the live tickets on a backwards
    roll too means a restarted numbering never meets a number a visitor still holds.
    """
    today = calendar.business_date(now, state.hall.site)
    if today == state.business_date:
        return state, []
    events = [
        Event(
            "cancelled",
            now,
            dataclasses.replace(t, state=TicketState.CANCELLED, finished=now),
            detail=frozen({"reason": "day_end"}),
        )
        for t in state.tickets.values()
    ]
    events.append(Event("day_opened", now, detail=frozen({"business_date": today})))
    fresh = dataclasses.replace(
        state,
        business_date=today,
        tickets=frozen({}),
        counters=frozen({}),
        cursors=frozen({}),
        recent_calls=(),
        kiosk_issues=frozen({}),
        remote_taken=frozen({}),
        queues=frozen({}),
        labels=frozen({}),
        tokens=frozen({}),
        # Single-day changes of past days mean nothing any more.
        calendar=dataclasses.replace(
            state.calendar, changes=tuple(c for c in state.calendar.changes if c.date.isoformat() >= today)
        ),
    )
    return fresh, events


def _service(state: HallState, service_id: str) -> Service:
    service = state.hall.service(service_id)
    if service is None:
        raise QueueError("unknown_service", f"no service {service_id!r}")
    return service


K = TypeVar("K")
V = TypeVar("V")


def _counter(state: HallState, counter_id: str) -> Counter:
    counter = state.hall.counter(counter_id)
    if counter is None:
        raise QueueError("unknown_counter", f"no counter {counter_id!r}")
    return counter


def _persistent(mapping: Mapping[K, V]) -> PMap[K, V]:
    # A state built elsewhere (a test, an old caller) may hold plain dicts; make them persistent once.
    return mapping if isinstance(mapping, PMap) else pmap(mapping)


def _apply(
    state: HallState,
    events: list[Event],
    *,
    tickets: Iterable[Ticket] = (),
    counters: Iterable[CounterState] = (),
    **changes: Any,
) -> Outcome:
    """Write changed tickets and counters into a new state, keeping its indexes in step.

    Finished tickets leave the state; a waiting ticket moves between lines when its service,
    class or target counter changes. Persistent maps and lines: the cost is O(log n) per ticket
    changed, whatever the number of live tickets.
    """
    ticket_map, labels = _persistent(state.tickets), _persistent(state.labels)
    tokens, lines = _persistent(state.tokens), _persistent(state.queues)
    for t in tickets:
        old = ticket_map.get(t.id)
        old_key = queue_key(old) if old is not None and old.state is TicketState.WAITING else None
        new_key = queue_key(t) if t.state is TicketState.WAITING else None
        if old_key != new_key:
            if old_key is not None:
                lines = lines.set(old_key, lines[old_key].remove(t.id))
            if new_key is not None:
                lines = lines.set(new_key, lines.get(new_key, EMPTY).add(t.id))
        if t.state.live:
            ticket_map = ticket_map.set(t.id, t)
            labels = labels.set(t.label, t.id)
            tokens = tokens.set(t.token_hash, t.id)
        else:
            ticket_map = ticket_map.discard(t.id)
            if labels.get(t.label) == t.id:
                labels = labels.remove(t.label)
            if tokens.get(t.token_hash) == t.id:
                tokens = tokens.remove(t.token_hash)
    counter_map = _persistent(state.counters)
    for c in counters:
        counter_map = counter_map.set(c.id, c)
    new = dataclasses.replace(
        state, tickets=ticket_map, labels=labels, tokens=tokens, queues=lines, counters=counter_map, **changes
    )
    return new, events


def restore(state: HallState, tickets: Iterable[Ticket]) -> HallState:
    """A state holding these live tickets, its indexes rebuilt (after a restart)."""
    empty = dataclasses.replace(state, tickets=pmap(), labels=pmap(), tokens=pmap(), queues=pmap())
    return _apply(empty, [], tickets=sorted(tickets, key=lambda t: t.id))[0]


def _next_number(state: HallState, service: Service) -> int:
    """The next free number in the service's block, after the last one issued today."""
    block = service.numbers
    taken = state.labels
    last = state.cursors.get(service.id, block.first - 1)
    size = block.last - block.first + 1
    for step in range(1, size + 1):
        number = block.first + (last - block.first + step) % size
        if block.label(number) not in taken:
            return number
    raise QueueError("numbers_exhausted", f"every number of {service.id!r} is in use")


def _kiosk_issues(state: HallState, device: str, now: float) -> Mapping[str, Sequence[float]]:
    """The kiosk issue times to keep after this issue; refuses a kiosk past its per-minute limit.

    Only kiosks are limited (a stuck touch screen); the web relay and staff desks are not.
    Times are kept in issue order, so the kiosk is at its limit exactly when the `limit`-th
    newest is less than a minute old: one look, not a scan of the minute (O(1) per issue).
    """
    device_cfg = state.hall.device(device)
    if device_cfg is None or device_cfg.role != "kiosk":
        return state.kiosk_issues
    limit = state.hall.site.tickets_per_minute_per_kiosk
    times = state.kiosk_issues.get(device) or pvector()
    if len(times) >= limit and now - times[-limit] < RATE_WINDOW:
        recent = sum(1 for t in times[-limit:] if now - t < RATE_WINDOW)
        raise QueueError("rate_limited", f"kiosk {device!r} issued {recent} tickets in the last minute")
    times = pvector(times).append(now)
    if len(times) > 2 * limit:  # trimmed now and then, so the cost per issue stays O(1) on average
        times = times[-limit:]
    return _persistent(state.kiosk_issues).set(device, times)


def issue(
    state: HallState,
    service_id: str,
    now: float,
    *,
    token_hash: str,
    device: str,
    priority: bool = False,
    channel: str = "kiosk",
    language: str = "ko",
) -> Outcome:
    """Issue a ticket for a service: the next free number, at the back of its class."""
    state, events = roll_day(state, now)
    service = _service(state, service_id)
    phase = calendar.phase(service, now, state.hall.site, state.calendar)
    if phase is not calendar.Phase.OPEN:
        raise QueueError("service_closed", f"{service.name.ko} ({service.id}) is not taking tickets now: {phase}")
    if priority and not service.priority:
        raise QueueError("priority_not_offered", f"{service.id!r} has no priority tickets")
    kiosk_issues = _kiosk_issues(state, device, now)
    number = _next_number(state, service)
    # A priority ticket waits behind the priority line only; a normal one behind everybody.
    ahead = len(state.line(("service", service.id, True))) if priority else state.waiting_count(service.id)
    ticket = Ticket(
        id=state.next_id,
        number=number,
        label=service.numbers.label(number),
        service=service.id,
        priority=priority,
        channel=channel,
        language=language,
        issued=now,
        business_date=state.business_date,
        token_hash=token_hash,
        device=device,
        ahead_at_issue=ahead,
        estimate_at_issue=estimate.wait_range(state, service.id, ahead, now),
    )
    events.append(Event("issued", now, ticket))
    return _apply(
        state,
        events,
        tickets=[ticket],
        next_id=state.next_id + 1,
        cursors=_persistent(state.cursors).set(service.id, number),
        kiosk_issues=kiosk_issues,
    )


def _end_current(
    state: HallState, counter: Counter, now: float, end: TicketState, events: list[Event]
) -> tuple[HallState, Ticket | None]:
    """End the counter's current ticket (done or no-show); returns the state and that ticket."""
    current = state.counter(counter.id)
    if current.serving is None or current.serving not in state.tickets:
        return state, None
    ticket = dataclasses.replace(state.tickets[current.serving], state=end, finished=now)
    events.append(Event("finished" if end is TicketState.DONE else "no_show", now, ticket, counter.id))
    times = _persistent(state.service_times)
    if end is TicketState.DONE and ticket.called is not None:
        times = times.set(
            ticket.service, estimate.observe(estimate.service_time(state, ticket.service), now - ticket.called)
        )
    state, _ = _apply(
        state, [], tickets=[ticket], counters=[dataclasses.replace(current, serving=None)], service_times=times
    )
    return state, ticket


def _serve(
    state: HallState,
    counter: Counter,
    ticket: Ticket,
    streak: int,
    now: float,
    events: list[Event],
    booked_run: int = 0,
) -> Outcome:
    """Call `ticket` to `counter`, whose priority run becomes `streak` (and booked run `booked_run`)."""
    called = dataclasses.replace(ticket, state=TicketState.CALLED, called=now, counter=counter.id, for_counter=None)
    events.append(Event("called", now, called, counter.id))
    call = Call(called.id, called.label, called.service, counter.id, now, False, called.language)
    return _apply(
        state,
        events,
        tickets=[called],
        counters=[CounterState(counter.id, CounterStatus.OPEN, called.id, streak, booked_run)],
        recent_calls=(call, *state.recent_calls)[:RECENT_CALLS],
    )


def _opened(state: HallState, counter: Counter, now: float, events: list[Event]) -> HallState:
    current = state.counter(counter.id)
    if current.status is CounterStatus.OPEN:
        return state
    events.append(Event("resumed", now, counter=counter.id, detail=frozen({"from": current.status.value})))
    state, _ = _apply(state, [], counters=[dataclasses.replace(current, status=CounterStatus.OPEN)])
    return state


def call_next(state: HallState, counter_id: str, now: float) -> Outcome:
    """Finish the counter's current ticket and call the next one by the hall's single ordering.

    With nobody waiting, the counter is left open and idle (no `called` event).
    """
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    state, _ = _end_current(state, counter, now, TicketState.DONE, events)
    state = _opened(state, counter, now, events)
    ticket, streak, booked_run = allocation.choose(state, counter, now)
    if ticket is None:
        return _apply(state, events)
    return _serve(state, counter, ticket, streak, now, events, booked_run)


def _find(state: HallState, label: str) -> Ticket:
    if label not in state.labels:
        raise QueueError("unknown_ticket", f"no live ticket {label!r} today")
    return state.tickets[state.labels[label]]


def call(state: HallState, counter_id: str, label: str, now: float) -> Outcome:
    """Call a chosen waiting ticket (out of turn) to the counter, finishing its current one."""
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    ticket = _find(state, label)
    if ticket.state is not TicketState.WAITING:
        raise QueueError("invalid_state", f"ticket {label} is {ticket.state}, not waiting")
    served = {s for tier in counter.services for s in tier}
    if ticket.for_counter not in (None, counter.id) or (ticket.for_counter is None and ticket.service not in served):
        raise QueueError("not_served_here", f"counter {counter.id} does not serve ticket {label}")
    state, _ = _end_current(state, counter, now, TicketState.DONE, events)
    state = _opened(state, counter, now, events)
    ticket = state.tickets[ticket.id]
    return _serve(state, counter, ticket, allocation.streak_after_chosen(state, counter, ticket), now, events)


def _serving(state: HallState, counter: Counter) -> Ticket:
    current = state.counter(counter.id)
    if current.serving is None or current.serving not in state.tickets:
        raise QueueError("not_serving", f"counter {counter.id} is not serving anyone")
    return state.tickets[current.serving]


def recall(state: HallState, counter_id: str, now: float) -> Outcome:
    """Call the counter's current ticket again."""
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    serving = _serving(state, counter)
    ticket = dataclasses.replace(serving, recalls=serving.recalls + 1)
    events.append(Event("recalled", now, ticket, counter.id))
    call = Call(ticket.id, ticket.label, ticket.service, counter.id, now, True, ticket.language)
    return _apply(state, events, tickets=[ticket], recent_calls=(call, *state.recent_calls)[:RECENT_CALLS])


def _end(state: HallState, counter_id: str, now: float, end: TicketState) -> Outcome:
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    _serving(state, counter)
    state, _ = _end_current(state, counter, now, end, events)
    return _apply(state, events)


def no_show(state: HallState, counter_id: str, now: float) -> Outcome:
    """The called visitor did not come: their ticket ends as a no-show."""
    return _end(state, counter_id, now, TicketState.NO_SHOW)


def finish(state: HallState, counter_id: str, now: float) -> Outcome:
    """The counter is done with its current visitor."""
    return _end(state, counter_id, now, TicketState.DONE)


def transfer(
    state: HallState, counter_id: str, now: float, *, to_service: str | None = None, to_counter: str | None = None
) -> Outcome:
    """Send the counter's current visitor to another service's queue or to one counter.

    The ticket keeps its number and original issue time, so it does not go to the back.
    """
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    ticket = _serving(state, counter)
    if (to_service is None) == (to_counter is None):
        raise QueueError("bad_request", "transfer needs exactly one of to_service or to_counter")
    service = _service(state, to_service).id if to_service else ticket.service
    target = _counter(state, to_counter).id if to_counter else None
    if target == counter.id:
        raise QueueError("bad_request", "cannot transfer a ticket to the counter that has it")
    moved = dataclasses.replace(
        ticket,
        state=TicketState.WAITING,
        service=service,
        for_counter=target,
        called=None,
        counter=None,
        transfers=ticket.transfers + 1,
    )
    events.append(
        Event(
            "transferred",
            now,
            moved,
            counter.id,
            frozen({"from_service": ticket.service, "to_service": service, "to_counter": target}),
        )
    )
    return _apply(
        state, events, tickets=[moved], counters=[dataclasses.replace(state.counter(counter.id), serving=None)]
    )


def pause(state: HallState, counter_id: str, now: float) -> Outcome:
    """The clerk steps away: the counter takes nobody until it resumes (its current ticket stays)."""
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    current = state.counter(counter.id)
    if current.status is CounterStatus.PAUSED:
        raise QueueError("invalid_state", f"counter {counter.id} is already paused")
    events.append(Event("paused", now, counter=counter.id))
    return _apply(state, events, counters=[dataclasses.replace(current, status=CounterStatus.PAUSED)])


def resume(state: HallState, counter_id: str, now: float) -> Outcome:
    """The counter takes visitors again (it also opens a closed counter)."""
    state, events = roll_day(state, now)
    counter = _counter(state, counter_id)
    if state.counter(counter.id).status is CounterStatus.OPEN:
        raise QueueError("invalid_state", f"counter {counter.id} is already open")
    state = _opened(state, counter, now, events)
    return _apply(state, events)


def cancel(state: HallState, now: float, *, token_hash: str | None = None, label: str | None = None) -> Outcome:
    """A visitor gives up a waiting ticket (by its page's token, or by number at the staff desk)."""
    state, events = roll_day(state, now)
    if token_hash is not None:
        ticket_id = state.tokens.get(token_hash)
        ticket = state.tickets.get(ticket_id) if ticket_id is not None else None
        if ticket is None:
            raise QueueError("unknown_ticket", "no live ticket with that token")
    elif label is not None:
        ticket = _find(state, label)
    else:
        raise QueueError("bad_request", "cancel needs a token or a ticket number")
    if ticket.state is not TicketState.WAITING:
        raise QueueError("invalid_state", f"ticket {ticket.label} is {ticket.state}, it can no longer be cancelled")
    gone = dataclasses.replace(ticket, state=TicketState.CANCELLED, finished=now)
    events.append(Event("cancelled", now, gone, detail=frozen({"reason": "visitor"})))
    return _apply(state, events, tickets=[gone])


def tick(state: HallState, now: float) -> Outcome:
    """Time passing with no command: only a new business day changes anything."""
    rolled, events = roll_day(state, now)
    if not events:
        return state, []
    return _apply(rolled, events)
