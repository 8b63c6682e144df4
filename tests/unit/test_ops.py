"""Each op is declared once (wire/protocol.py OPERATIONS) and bound to one hub handler
(hub/handler.py HANDLERS). These tests build half-added ops on purpose and check that each kind
of gap is caught, then that the real table is whole and every handler answers with its op's model."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from pydantic import ValidationError

from hub import handler
from hub.domain import queue
from tests.halls import at, hall
from wire import config
from wire import protocol as p

NOON = at("2026-11-23 12:00")
# The required fields of issue 15's ops (the hall calendar, appointments, remote tickets).
BOOKING = {"service": "passport", "date": "2026-11-23", "slot": "12:30"}
ISSUE_15_REQUIRED = {
    "book": BOOKING,
    "change_booking": {"code": "ABCD2345", "date": "2026-11-23", "slot": "12:15"},
    "cancel_booking": {"code": "ABCD2345"},
    "check_in": {"code": "ABCD2345"},
    "show_booking": {"code": "ABCD2345"},
    "booking_slots": {"service": "passport", "date": "2026-11-23"},
    "remote_issue": {"service": "cert", "owner": "browser-0001"},
}


class Stamp(p.Request):
    """A new op, as a helper would add it: stamp a visitor's form at a counter."""

    op: Literal["stamp"] = "stamp"
    form: str


STAMP = p.Op(Stamp, p.TicketReply, frozenset({"counter", "staff"}))
EXISTING = [op.request for op in p.OPERATIONS]


def _stamp(context: handler.Context, command: Stamp) -> handler.Outcome:
    return context.state, [], p.TicketReply(ticket=None)


def test_a_request_model_without_its_declaration_is_caught() -> None:
    # The old way: a model in protocol.py (and maybe a Union entry) but no Op(...) line.
    with pytest.raises(p.OpTableError, match=r"Stamp .*not declared"):
        p.check_operations(p.OPERATIONS, requests=[*EXISTING, Stamp])


def test_a_declared_op_without_a_handler_is_caught() -> None:
    declared = p.check_operations((*p.OPERATIONS, STAMP), requests=[*EXISTING, Stamp])  # whole on the wire side
    with pytest.raises(p.OpTableError, match="without a hub handler: stamp"):
        handler.bind_handlers(declared, dict(handler.HANDLERS))


def test_a_handler_without_a_declared_op_is_caught() -> None:
    with pytest.raises(p.OpTableError, match="undeclared ops: stamp"):
        handler.bind_handlers(p.OP_BY_NAME, {**handler.HANDLERS, "stamp": _stamp})


def test_an_op_without_a_reply_model_is_caught() -> None:
    for reply in (None, dict, object, p.Issue):  # nothing, a plain dict, not a model, a request model
        half = p.Op(Stamp, reply, frozenset({"staff"}))  # type: ignore[arg-type]
        with pytest.raises(p.OpTableError, match="no reply model"):
            p.check_operations((*p.OPERATIONS, half), requests=[*EXISTING, Stamp])


def test_an_op_with_an_unknown_role_or_no_role_is_caught() -> None:
    with pytest.raises(p.OpTableError, match="unknown roles \\['janitor'\\]"):
        p.check_operations((*p.OPERATIONS, p.Op(Stamp, p.TicketReply, frozenset({"janitor"}))), requests=[Stamp])  # type: ignore[arg-type]
    with pytest.raises(p.OpTableError, match="to no role"):
        p.check_operations((*p.OPERATIONS, p.Op(Stamp, p.TicketReply, frozenset())), requests=[Stamp])


def test_an_op_declared_twice_or_without_an_op_literal_is_caught() -> None:
    with pytest.raises(p.OpTableError, match="declared twice"):
        p.check_operations((*p.OPERATIONS, p.ISSUE), requests=EXISTING)
    with pytest.raises(p.OpTableError, match="not a request model"):
        p.check_operations((p.Op(p.CounterCommand, p.TicketReply, frozenset({"staff"})),), requests=[])


def test_a_device_naming_an_undeclared_op_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown ops \\['stamp'\\]"):
        config.Device(id="desk-9", role="staff", ops=("call_next", "stamp"))
    assert config.Device(id="desk-9", role="staff", ops=("call_next",)).allowed_ops == {"call_next"}


def test_the_real_table_is_whole_and_everything_is_derived_from_it() -> None:
    assert p.check_operations(p.OPERATIONS) == p.OP_BY_NAME
    assert set(handler.HANDLERS) == set(p.OPS) == {op.name for op in p.OPERATIONS}
    for role, ops in config.ROLE_OPS.items():
        assert ops == {op.name for op in p.OPERATIONS if role in op.roles}, role
    assert set(config.ROLE_OPS) == set(p.ROLES) and config.ROLE_OPS["display"] == frozenset()
    assert config.ROLE_OPS["staff"] == set(p.OPS)  # staff may do everything
    assert set(p.CONSOLE_OPS) == {
        "call_next",
        "recall",
        "no_show",
        "finish",
        "pause",
        "resume",
        "transfer",
        "help_done",
    }
    required = {"issue": {"service": "cert"}, "call": {"ticket": "1001"}, **ISSUE_15_REQUIRED}
    for op in p.OPERATIONS:  # the decoder knows every declared op, and only those
        raw = {"v": 1, "id": "x", "op": op.name, **required.get(op.name, {})}
        assert type(p.parse_command(json.dumps(raw).encode())) is op.request
    with pytest.raises(p.ProtocolError, match="unknown op 'stamp'"):
        p.parse_command(b'{"v": 1, "id": "x", "op": "stamp", "form": "A"}')


def test_every_handler_answers_with_its_ops_reply_model_and_the_client_reads_it_back() -> None:
    state = queue.new_day(hall(), NOON)
    script = [
        ("kiosk-1", "issue", {"service": "cert"}),
        ("kiosk-1", "issue", {"service": "cert"}),
        ("kiosk-1", "issue", {"service": "cert"}),
        ("staff", "issue", {"service": "cert"}),
        # Issue 15: four wait and no service time is measured yet, so a remote ticket is offered.
        ("web", "remote_issue", {"service": "cert", "owner": "browser-0001"}),
        ("kiosk-1", "confirm", {"code": "REMOTE"}),
        ("counter-3", "call_next", {}),
        ("counter-3", "recall", {}),
        ("counter-3", "no_show", {}),
        ("counter-3", "call", {"ticket": "1003"}),
        ("counter-3", "transfer", {"to_counter": "1"}),
        ("counter-1", "call_next", {}),
        ("counter-1", "finish", {}),
        ("counter-1", "pause", {}),
        ("counter-1", "resume", {}),
        ("staff", "cancel", {"ticket": "1002"}),
        # Issue 15: the hall calendar, appointments (CODE: the code of the booking made just before), remote tickets.
        ("staff", "change_day", {"date": "2026-11-24", "closed": True}),
        ("web", "booking_slots", {"service": "passport", "date": "2026-11-23"}),
        ("web", "book", {**BOOKING, "owner": "browser-0001"}),
        ("web", "show_booking", {"code": "CODE"}),
        ("web", "change_booking", {"code": "CODE", "date": "2026-11-23", "slot": "12:15"}),
        ("kiosk-1", "check_in", {"code": "CODE"}),
        ("staff", "list_bookings", {}),
        ("web", "book", {**BOOKING, "slot": "13:00", "owner": "browser-0002"}),
        ("web", "cancel_booking", {"code": "CODE"}),
        ("kiosk-1", "help", {}),
        ("counter-3", "help_done", {"device": "kiosk-1"}),
    ]
    assert {op for _, op, _ in script} == set(p.OPS), "the script must try every op"
    code, remote = "", ""
    for n, (device, op, fields) in enumerate(script):
        fields = {k: {"CODE": code, "REMOTE": remote}.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
        payload = json.dumps({"v": 1, "id": f"c{n}", "op": op, **fields}).encode()
        done = handler.handle(state, device, payload, NOON + n, f"token-{n}")
        assert done.reply.status == "ok", (op, done.reply)
        declared = p.OP_BY_NAME[op].reply
        assert type(done.reply.data) is declared, op
        wire = p.Reply.model_validate_json(p.encode(done.reply))  # what a device receives
        assert wire.typed(p.OP_BY_NAME[op]).result() == done.reply.data
        if op == "book":
            code = done.reply.data.booking.code
        if op == "remote_issue":
            remote = p.confirm_code(p.token_hash(done.reply.data.token))  # the code its page shows
        state = done.state
    refused = p.Reply.model_validate_json(
        p.encode(handler.handle(state, "kiosk-1", b'{"v":1,"id":"z","op":"issue","service":"nope"}', NOON, "t").reply)
    )
    with pytest.raises(p.Refused, match="unknown_service"):
        refused.typed(p.ISSUE).result()
    assert refused.typed(p.ISSUE).data is None
