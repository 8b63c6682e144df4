"""Fuzz the hub's input boundary: every input ends in a reply (an error or a valid one); nothing raises."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from hub import handler
from hub.domain import queue
from tests.halls import at, hall
from tests.unit.fuzzing import FUZZ, TRIED, commands, op_commands, payloads
from wire import protocol as p

NOON = at("2026-11-23 12:00")
DEVICES = ["kiosk-1", "counter-1", "counter-3", "web", "staff", "hall-display", "ghost"]


def _busy_hall():
    """A hall mid-morning: tickets waiting in both services, counter 3 serving one."""
    state = queue.new_day(hall(), NOON)
    for i, service in enumerate(["cert", "cert", "passport", "cert"]):
        raw = {"v": 1, "id": f"i{i}", "op": "issue", "service": service}
        state = handler.handle(state, "staff", raw, NOON, f"tok{i}").state
    return handler.handle(state, "counter-3", {"v": 1, "id": "n", "op": "call_next"}, NOON, "x").state


BUSY = _busy_hall()


@FUZZ
@given(payloads)
def test_the_decoder_refuses_or_returns_an_object(payload):
    TRIED["decoder"] += 1
    try:
        raw = p.decode(payload)
    except p.ProtocolError as err:
        assert err.reply.status == "error" and err.reply.error.code in ("bad_request", "payload_too_large")
        p.encode(err.reply)
        return
    assert isinstance(raw, dict)
    json.dumps(raw, ensure_ascii=False).encode("utf-8")  # whatever passes is sendable text
    try:
        p.parse_command(payload)
    except p.ProtocolError as err:
        p.encode(err.reply)


def _check(state, device, payload):
    done = handler.handle(state, device, payload, NOON + 30, "fresh-token")
    wire = p.encode(done.reply)  # never raises: the reply can always be sent
    assert isinstance(done.reply, p.Reply)
    if done.reply.status == "error":
        assert done.state is state and done.events == [], "a refusal changes nothing"
        assert done.reply.error.code in {c.value for c in p.ErrorCode}
    else:
        assert json.loads(wire)["status"] == "ok"
        live = [t.label for t in done.state.tickets.values()]
        assert len(live) == len(set(live)), "two live tickets with one number"
        assert done.state.seq in (state.seq, state.seq + 1)


@FUZZ
@given(st.sampled_from(DEVICES), payloads)
def test_handler_answers_any_bytes(device, payload):
    TRIED["handler"] += 1
    _check(BUSY, device, payload)


@FUZZ
@given(st.sampled_from(DEVICES), commands)
def test_handler_answers_any_command_shaped_object(device, raw):
    TRIED["handler"] += 1
    payload = json.dumps(raw, ensure_ascii=True).encode() if len(repr(raw)) < 6000 else b"{}"
    _check(BUSY, device, payload)


@FUZZ
@given(st.sampled_from(DEVICES), op_commands)
def test_handler_answers_every_declared_op_with_any_fields(device, raw):
    TRIED["handler"] += 1
    try:
        payload = json.dumps(raw, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except ValueError:  # an int over CPython's digit limit cannot even be written
        return
    _check(BUSY, device, payload)
