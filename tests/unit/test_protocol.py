import json

import pytest

from hub import handler
from hub.domain import queue, view
from tests.halls import at, hall
from wire import protocol as p

NOON = at("2026-11-23 12:00")


def cmd(**fields) -> bytes:
    return json.dumps({"v": 1, "id": "c1", **fields}).encode()


@pytest.mark.parametrize(
    "payload, code",
    [
        (b"{not json", "bad_request"),
        (b"\xff\xfe", "bad_request"),
        (b"[1, 2]", "bad_request"),
        (cmd(op="teleport"), "unknown_op"),
        (cmd(op="issue"), "bad_request"),
        (cmd(op="issue", service="cert", language="fr"), "bad_request"),
        (cmd(op="issue", service="cert", colour="red"), "bad_request"),
        (json.dumps({"v": 2, "id": "x", "op": "issue", "service": "cert"}).encode(), "unsupported_version"),
        (cmd(op="issue", service="cert", pad="x" * 9000), "payload_too_large"),
    ],
)
def test_malformed_commands_are_refused_with_a_code(payload, code):
    with pytest.raises(p.ProtocolError) as err:
        p.parse_command(payload)
    assert err.value.reply.status == "error"
    assert err.value.reply.error.code == code
    assert err.value.reply.error.message


def test_topics_live_under_the_versioned_root():
    t = p.Topics("gangseo")
    assert t.snapshot == "sunbeon/v1/gangseo/state/snapshot"
    assert t.command("kiosk-1") == "sunbeon/v1/gangseo/cmd/kiosk-1"
    assert t.device_of("sunbeon/v1/gangseo/cmd/kiosk-1") == "kiosk-1"
    assert t.device_of("sunbeon/v1/gangseo/device/kiosk-1/status") == "kiosk-1"
    assert t.device_of("sunbeon/v1/other/cmd/kiosk-1") is None


@pytest.mark.parametrize(
    "device, payload, code",
    [
        ("kiosk-1", cmd(op="call_next", counter="3"), "forbidden"),
        ("counter-3", cmd(op="call_next", counter="1"), "forbidden"),
        ("counter-3", cmd(op="issue", service="cert"), "forbidden"),
        ("hall-display", cmd(op="issue", service="cert"), "forbidden"),
        ("ghost", cmd(op="issue", service="cert"), "unknown_device"),
        ("kiosk-1", cmd(op="issue", service="tax"), "unknown_service"),
        ("staff", cmd(op="call_next", counter="99"), "unknown_counter"),
        ("counter-3", cmd(op="recall"), "not_serving"),
    ],
)
def test_refusals_change_nothing(device, payload, code):
    state = queue.new_day(hall(), NOON)
    done = handler.handle(state, device, payload, NOON, "tok")
    assert done.reply.status == "error" and done.reply.error.code == code
    assert done.state is state and done.events == []


def test_issue_reply_carries_the_token_and_page_url_but_the_state_only_its_hash():
    state = queue.new_day(hall(), NOON)
    done = handler.handle(state, "kiosk-1", cmd(op="issue", service="cert", language="vi"), NOON, "Secret_Token")
    data = done.reply.data_as(p.IssueReply)
    assert data.number == "1001" and data.token == "Secret_Token"
    assert data.url == "http://hall.test/t/Secret_Token"
    assert data.language == "vi" and data.ahead == 0
    ticket = done.state.tickets[data.id]
    assert ticket.token_hash == handler.token_hash("Secret_Token") != "Secret_Token"
    assert done.state.seq == state.seq + 1


def test_snapshot_matches_the_wire_model():
    state = queue.new_day(hall(), NOON)
    for i in range(3):
        state = handler.handle(state, "kiosk-1", cmd(op="issue", service="cert", id=f"i{i}"), NOON, f"t{i}").state
    state = handler.handle(state, "counter-3", cmd(op="call_next", id="n"), NOON + 5, "x").state
    snap = p.Snapshot.model_validate(json.loads(p.encode(view.snapshot(state, NOON + 6))))
    cert = snap.service("cert")
    assert cert.waiting == 2 and [q.number for q in cert.queue] == ["1002", "1003"]
    assert cert.last_called == "1001" and cert.counters_open == 1
    assert snap.counter("3").serving.number == "1001"
    assert snap.recent_calls[0].counter == "3"
    assert "token" not in json.dumps(json.loads(p.encode(view.snapshot(state, NOON)))).replace("token_hash", "")
