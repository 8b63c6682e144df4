"""One command in, one reply out: authorization, dispatch to the queue core, the reply's data.

Pure like the core: the shell gives it the time and a fresh ticket token, and persists and
publishes what it returns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hub.domain import help_requests, queue
from hub.domain.model import Event, HallState, QueueError, Ticket
from hub.domain.view import note_calls, service_status, ticket_view
from wire import protocol as p
from wire.protocol import token_hash


@dataclass(frozen=True)
class Handled:
    """The outcome of one command: the new state, what changed, and the reply."""

    state: HallState
    events: list[Event]
    reply: p.Reply


def _counter_of(state: HallState, device_id: str, command: p.CounterCommand) -> str:
    device = state.hall.device(device_id)
    assert device is not None
    counter = command.counter or device.counter
    if counter is None:
        raise QueueError("bad_request", f"{command.op} needs a counter")
    if device.role == "counter" and counter != device.counter:
        raise QueueError("forbidden", f"device {device_id!r} may only operate counter {device.counter!r}")
    return counter


def _ticket_data(ticket: Ticket | None) -> dict | None:
    return ticket_view(ticket) if ticket is not None else None


def _issue_data(state: HallState, ticket: Ticket, token: str, now: float) -> dict:
    service = state.hall.service(ticket.service)
    assert service is not None
    status, _ = service_status(state, ticket.service, now, ticket.ahead_at_issue)
    return {
        **ticket_view(ticket),
        "token": token,
        "url": f"{state.hall.site.public_url.rstrip('/')}/t/{token}",
        "ahead": ticket.ahead_at_issue,
        "estimate_minutes": list(ticket.estimate_at_issue),
        "service_name": service.name.all(),
        "site_name": state.hall.site.name.all(),
        "closing_warning": status == "closing",
    }


def _dispatch(
    state: HallState, device: str, command: p.Command, counter: str, now: float, token: str
) -> tuple[HallState, list[Event]]:
    # Counter commands arrive here with their counter already resolved and authorised (handle()).
    match command:
        case p.Issue():
            return queue.issue(
                state,
                command.service,
                now,
                token_hash=token_hash(token),
                device=device,
                priority=command.priority,
                channel=command.channel or "kiosk",
                language=command.language,
            )
        case p.CallNext():
            return queue.call_next(state, counter, now)
        case p.Call():
            return queue.call(state, counter, command.ticket, now)
        case p.Recall():
            return queue.recall(state, counter, now)
        case p.NoShow():
            return queue.no_show(state, counter, now)
        case p.Transfer():
            return queue.transfer(state, counter, now, to_service=command.to_service, to_counter=command.to_counter)
        case p.Finish():
            return queue.finish(state, counter, now)
        case p.Pause():
            return queue.pause(state, counter, now)
        case p.Resume():
            return queue.resume(state, counter, now)
        case p.Cancel():
            return queue.cancel(
                state, now, token_hash=token_hash(command.token) if command.token else None, label=command.ticket
            )
        case p.AskHelp():
            return help_requests.ask(state, device, now)
        case p.HelpDone():
            return help_requests.done(state, device, command.device, now)
    raise QueueError("unknown_op", f"unknown op {command.op!r}")  # pragma: no cover - union is closed


def _data(state: HallState, command: p.Command, events: list[Event], token: str, now: float) -> dict:
    # A command that opens a new day also ends yesterday's tickets; those are not its result.
    ticket_events = [e for e in events if e.ticket is not None and e.detail.get("reason") != "day_end"]
    last = ticket_events[-1].ticket if ticket_events else None
    if isinstance(command, p.Issue):
        assert last is not None
        return _issue_data(state, last, token, now)
    if isinstance(command, (p.CallNext, p.Call)):
        called = next((e.ticket for e in events if e.kind == "called"), None)
        return {"ticket": _ticket_data(called), "counter": _counter_data(state, command)}
    if isinstance(command, (p.Pause, p.Resume)):
        return {"ticket": None, "counter": _counter_data(state, command)}
    if isinstance(command, (p.AskHelp, p.HelpDone)):
        return {"help": help_requests.view(state)}
    return {"ticket": _ticket_data(last)}


def _counter_data(state: HallState, command: p.Command) -> dict:
    counter_id = getattr(command, "counter", None)
    counter = state.counter(counter_id) if counter_id else None
    if counter is None:
        return {}
    return {"id": counter.id, "status": counter.status.value, "serving": counter.serving}


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
        new, events = _dispatch(state, device, command, counter, now, token)
    except QueueError as err:
        return Handled(state, [], p.Reply.fail(command.id, err.code, err.message))
    # seq counts changes: a command that changed nothing (an idle call_next) leaves it alone.
    new = dataclasses.replace(new, seq=state.seq + 1) if events else state
    new = note_calls(state, new, events)
    return Handled(new, events, p.Reply.ok(command.id, _data(new, command, events, token, now)))
