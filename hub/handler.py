"""One command in, one reply out: authorization, then the op's handler (HANDLERS) and its typed reply.

Pure like the core: the shell gives it the time and a fresh ticket token, and persists and
publishes what it returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from hub.domain import booking, day_change, help_requests, queue, remote
from hub.domain.model import Booking, Event, HallState, QueueError, Ticket
from hub.domain.view import note_calls, service_status, ticket_view
from wire import protocol as p
from wire.protocol import token_hash


@dataclass(frozen=True)
class Handled:
    """The outcome of one command: the new state, what changed, and the reply."""

    state: HallState
    events: list[Event]
    reply: p.Reply[Any]


def _counter_of(state: HallState, device_id: str, command: p.CounterCommand) -> str:
    device = state.hall.device(device_id)
    assert device is not None
    counter = command.counter or device.counter
    if counter is None:
        raise QueueError("bad_request", f"{command.op} needs a counter")
    if device.role == "counter" and counter != device.counter:
        raise QueueError("forbidden", f"device {device_id!r} may only operate counter {device.counter!r}")
    return counter


@dataclass(frozen=True)
class Context:
    """What a handler gets besides its command: the state before, who asked, when, and the fresh
    page token (used by `issue` only). `counter` is the counter a counter command acts on,
    already resolved and authorised (handle()); "" for the others."""

    state: HallState
    device: str
    counter: str
    now: float
    token: str


# A handler applies one op's command: the new state, what changed, and the ok reply's data.
Outcome = tuple[HallState, list[Event], p.ReplyData]
OpHandler = Callable[[Context, Any], Outcome]


def _ticket_data(ticket: Ticket | None) -> p.TicketData | None:
    return p.TicketData.model_validate(ticket_view(ticket)) if ticket is not None else None


def _touched(events: list[Event]) -> Ticket | None:
    # A command that opens a new day also ends yesterday's tickets; those are not its result.
    ticket_events = [e for e in events if e.ticket is not None and e.detail.get("reason") != "day_end"]
    return ticket_events[-1].ticket if ticket_events else None


def _counter_reply(state: HallState, counter_id: str, events: list[Event]) -> p.CounterReply:
    counter = state.counter(counter_id)
    if counter is None:  # pragma: no cover - the queue core refuses an unknown counter first
        raise QueueError("unknown_counter", f"no counter {counter_id!r}")
    called = next((e.ticket for e in events if e.kind == "called"), None)
    return p.CounterReply(
        ticket=_ticket_data(called),
        counter=p.CounterState(id=counter.id, status=counter.status.value, serving=counter.serving),
    )


def _ticket_reply(new: HallState, events: list[Event]) -> Outcome:
    return new, events, p.TicketReply(ticket=_ticket_data(_touched(events)))


def _issue(c: Context, command: p.Issue) -> Outcome:
    new, events = queue.issue(
        c.state,
        command.service,
        c.now,
        token_hash=token_hash(c.token),
        device=c.device,
        priority=command.priority,
        channel=command.channel or "kiosk",
        language=command.language,
    )
    ticket = _touched(events)
    service = new.hall.service(command.service)
    assert ticket is not None and service is not None
    status, _ = service_status(new, ticket.service, c.now, ticket.ahead_at_issue)
    data = p.IssueReply(
        **ticket_view(ticket),
        token=c.token,
        url=f"{new.hall.site.public_url.rstrip('/')}/t/{c.token}",
        ahead=ticket.ahead_at_issue,
        estimate_minutes=list(ticket.estimate_at_issue),
        service_name=service.name.all(),
        site_name=new.hall.site.name.all(),
        closing_warning=status == "closing",
    )
    return new, events, data


def _call_next(c: Context, command: p.CallNext) -> Outcome:
    new, events = queue.call_next(c.state, c.counter, c.now)
    return new, events, _counter_reply(new, c.counter, events)


def _call(c: Context, command: p.Call) -> Outcome:
    new, events = queue.call(c.state, c.counter, command.ticket, c.now)
    return new, events, _counter_reply(new, c.counter, events)


def _recall(c: Context, command: p.Recall) -> Outcome:
    return _ticket_reply(*queue.recall(c.state, c.counter, c.now))


def _no_show(c: Context, command: p.NoShow) -> Outcome:
    return _ticket_reply(*queue.no_show(c.state, c.counter, c.now))


def _transfer(c: Context, command: p.Transfer) -> Outcome:
    return _ticket_reply(
        *queue.transfer(c.state, c.counter, c.now, to_service=command.to_service, to_counter=command.to_counter)
    )


def _finish(c: Context, command: p.Finish) -> Outcome:
    return _ticket_reply(*queue.finish(c.state, c.counter, c.now))


def _pause(c: Context, command: p.Pause) -> Outcome:
    new, events = queue.pause(c.state, c.counter, c.now)
    return new, events, p.CounterReply(ticket=None, counter=_counter_reply(new, c.counter, []).counter)


def _resume(c: Context, command: p.Resume) -> Outcome:
    new, events = queue.resume(c.state, c.counter, c.now)
    return new, events, p.CounterReply(ticket=None, counter=_counter_reply(new, c.counter, []).counter)


def _cancel(c: Context, command: p.Cancel) -> Outcome:
    return _ticket_reply(
        *queue.cancel(
            c.state, c.now, token_hash=token_hash(command.token) if command.token else None, label=command.ticket
        )
    )


# --- the hall calendar, appointments and remote tickets (issue 15) ---------------------------------


def _issued(c: Context, new: HallState, ticket: Ticket) -> p.IssueReply:
    """What a kiosk prints, for a ticket issued by another op than `issue` (check-in, remote)."""
    service = new.hall.service(ticket.service)
    assert service is not None
    status, _ = service_status(new, ticket.service, c.now, ticket.ahead_at_issue)
    return p.IssueReply(
        **ticket_view(ticket),
        token=c.token,
        url=f"{new.hall.site.public_url.rstrip('/')}/t/{c.token}",
        ahead=ticket.ahead_at_issue,
        estimate_minutes=list(ticket.estimate_at_issue),
        service_name=service.name.all(),
        site_name=new.hall.site.name.all(),
        closing_warning=status == "closing",
    )


def _booking_data(made: Booking | None, *, private: bool = True) -> p.BookingData | None:
    return p.BookingData.model_validate(booking.view(made, private=private)) if made is not None else None


def _booking_reply(new: HallState, events: list[Event]) -> Outcome:
    made = next((e.booking for e in events if e.booking is not None), None)
    return new, events, p.BookingReply(booking=_booking_data(made))


def _change_day(c: Context, command: p.ChangeDay) -> Outcome:
    new, events = day_change.change_day(
        c.state,
        c.now,
        day=date.fromisoformat(command.date) if command.date else None,
        service=command.service,
        closes=time.fromisoformat(command.closes) if command.closes else None,
        closed=command.closed,
        clear=command.clear,
    )
    changed = next((e for e in events if e.kind == "day_changed"), None)
    return new, events, p.DayChangeReply(day=dict(changed.detail) if changed else None)


def _book(c: Context, command: p.Book) -> Outcome:
    device = c.state.hall.device(c.device)
    return _booking_reply(
        *booking.book(
            c.state,
            c.now,
            service_id=command.service,
            day=date.fromisoformat(command.date),
            slot=time.fromisoformat(command.slot),
            token=c.token,
            phone=command.phone,
            owner=command.owner,
            name=command.name,
            language=command.language,
            channel=device.channel if device else "staff",
        )
    )


def _change_booking(c: Context, command: p.ChangeBooking) -> Outcome:
    day, slot = date.fromisoformat(command.date), time.fromisoformat(command.slot)
    return _booking_reply(*booking.change(c.state, c.now, code=command.code, day=day, slot=slot))


def _cancel_booking(c: Context, command: p.CancelBooking) -> Outcome:
    return _booking_reply(*booking.cancel(c.state, c.now, code=command.code))


def _check_in(c: Context, command: p.CheckIn) -> Outcome:
    new, events = booking.check_in(c.state, c.now, code=command.code, token_hash=token_hash(c.token), device=c.device)
    arrived = next(e for e in events if e.kind == "checked_in")
    assert arrived.ticket is not None and arrived.booking is not None
    issued = _issued(c, new, arrived.ticket)
    data = p.CheckInReply(
        **issued.model_dump(), booking=p.BookingData.model_validate(booking.view(arrived.booking, private=False))
    )
    return new, events, data


def _list_bookings(c: Context, command: p.ListBookings) -> Outcome:
    listed = command.date or c.state.business_date
    rows = [_booking_data(b) for b in booking.day_list(c.state, listed, command.service)]
    return c.state, [], p.BookingListReply(date=listed, bookings=[r for r in rows if r is not None])


def _booking_slots(c: Context, command: p.BookingSlots) -> Outcome:
    slots = booking.offered(c.state, command.service, date.fromisoformat(command.date), c.now)
    places = [p.SlotPlaces.model_validate(s) for s in slots]
    reply = p.SlotsReply(service=command.service, date=command.date, slots=places)
    return c.state, [], reply


def _show_booking(c: Context, command: p.ShowBooking) -> Outcome:
    return c.state, [], p.BookingReply(booking=_booking_data(booking.find(c.state, command.code)))


def _remote_issue(c: Context, command: p.RemoteIssue) -> Outcome:
    new, events = remote.take(
        c.state,
        command.service,
        c.now,
        owner=command.owner,
        token_hash=token_hash(c.token),
        device=c.device,
        language=command.language,
        phone_owner=command.phone_owner,
    )
    ticket = _touched(events)
    assert ticket is not None
    return new, events, _issued(c, new, ticket)


def _confirm(c: Context, command: p.Confirm) -> Outcome:
    if command.code is not None:
        new, events = remote.confirm_by_code(c.state, c.now, command.code)
    else:
        device = c.state.hall.device(c.device)
        desk = command.counter or (device.counter if device else None)
        if desk is None:
            raise QueueError("bad_request", "confirm needs the ticket's confirm code or a counter")
        if device is not None and device.role == "counter" and desk != device.counter:
            raise QueueError("forbidden", f"device {c.device!r} may only operate counter {device.counter!r}")
        new, events = remote.confirm_serving(c.state, c.now, desk)
    ticket = _touched(events)
    ahead = remote.ahead_of(new, ticket.id) if ticket is not None else 0
    return new, events, p.ConfirmReply(ticket=_ticket_data(ticket), ahead=ahead)


ISSUE_15_HANDLERS: dict[str, OpHandler] = {
    "change_day": _change_day,
    "book": _book,
    "change_booking": _change_booking,
    "cancel_booking": _cancel_booking,
    "check_in": _check_in,
    "list_bookings": _list_bookings,
    "booking_slots": _booking_slots,
    "show_booking": _show_booking,
    "remote_issue": _remote_issue,
    "confirm": _confirm,
}

# --- end of issue 15's handlers ---------------------------------------------------------------------


def _help_reply(new: HallState, events: list[Event]) -> Outcome:
    entries = [p.HelpEntry(device=h["device"], since=h["since"]) for h in help_requests.view(new)]
    return new, events, p.HelpReply(help=entries)


def _ask_help(c: Context, command: p.AskHelp) -> Outcome:
    return _help_reply(*help_requests.ask(c.state, c.device, c.now))


def _help_done(c: Context, command: p.HelpDone) -> Outcome:
    return _help_reply(*help_requests.done(c.state, c.device, command.device, c.now))


def bind_handlers(operations: dict[str, p.Op[Any]], handlers: dict[str, OpHandler]) -> dict[str, OpHandler]:
    """`handlers` after checking that every declared op has exactly one and every one has its op;
    OpTableError names the first gap (a half-added op)."""
    missing = [name for name in operations if name not in handlers]
    if missing:
        raise p.OpTableError(f"declared ops without a hub handler: {', '.join(missing)}")
    stray = [name for name in handlers if name not in operations]
    if stray:
        raise p.OpTableError(f"hub handlers for undeclared ops: {', '.join(stray)}")
    return handlers


# Each declared op (wire/protocol.py OPERATIONS) bound to its handler, once; checked at import.
HANDLERS: dict[str, OpHandler] = bind_handlers(
    p.OP_BY_NAME,
    {
        "issue": _issue,
        "call_next": _call_next,
        "call": _call,
        "recall": _recall,
        "no_show": _no_show,
        "transfer": _transfer,
        "finish": _finish,
        "pause": _pause,
        "resume": _resume,
        "cancel": _cancel,
        **ISSUE_15_HANDLERS,
        "help": _ask_help,
        "help_done": _help_done,
    },
)


def _authorised(state: HallState, device: str, payload: bytes | dict) -> p.Command:
    """The command, decoded once, checked in order: readable, known device, version and op,
    the device's role may send the op, then every field. ProtocolError at the first failure."""
    raw = p.decode(payload) if not isinstance(payload, dict) else payload
    command_id = p.peek_id(raw)
    device_cfg = state.hall.device(device)
    if device_cfg is None:
        raise p.ProtocolError(
            p.ErrorCode.UNKNOWN_DEVICE, f"device {p.brief(device, 40)} is not in the hall's config", command_id
        )
    op = p.check_header(raw)
    if op not in device_cfg.allowed_ops:
        raise p.ProtocolError(p.ErrorCode.FORBIDDEN, f"a {device_cfg.role} device may not {op}", command_id)
    command = p.validate_command(raw)
    if isinstance(command, p.Issue):
        # The channel is who asked, which the hub knows from the login: a kiosk cannot pass its
        # tickets off as booked on the web (statistics and limits go by channel).
        if command.channel not in (None, device_cfg.channel):
            raise p.ProtocolError(
                p.ErrorCode.FORBIDDEN, f"channel is {device_cfg.channel!r} for a {device_cfg.role} device", command.id
            )
        command = command.model_copy(update={"channel": device_cfg.channel})
    if isinstance(command, p.Cancel) and device_cfg.role == "web" and command.ticket is not None:
        # The relay speaks for anyone on the internet: it may give up only a ticket whose page
        # token it was shown, never one picked by number.
        raise p.ProtocolError(p.ErrorCode.FORBIDDEN, "the web relay cancels by token only", command.id)
    return command


def handle(state: HallState, device: str, payload: bytes | dict, now: float, token: str) -> Handled:
    """Apply one raw command from `device` (bytes, or a dict from protocol.decode).

    A refused command returns the same state and no events.
    """
    try:
        command = _authorised(state, device, payload)
    except p.ProtocolError as err:
        return Handled(state, [], err.reply)
    try:
        counter = ""  # only counter commands use it
        if isinstance(command, p.CounterCommand):
            counter = _counter_of(state, device, command)
            command = command.model_copy(update={"counter": counter})
        new, events, data = HANDLERS[command.op](Context(state, device, counter, now, token), command)
    except QueueError as err:
        return Handled(state, [], p.Reply.fail(command.id, err.code, err.message))
    # seq counts changes: a command that changed nothing (an idle call_next) leaves it alone.
    new = dataclasses.replace(new, seq=state.seq + 1) if events else state
    new = note_calls(state, new, events)
    return Handled(new, events, p.Reply.ok(command.id, data))
