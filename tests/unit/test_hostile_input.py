"""Hostile commands end in a refusal, never an exception; the hub answers everything queued behind."""

import json
import logging

import pytest

from hub import handler
from hub.domain import queue, view
from hub.service import REFUSALS_KEPT, HubService, Incoming
from hub.store import Store
from tests.halls import at, hall
from wire import protocol as p

NOON = at("2026-11-23 12:00")

# The three inputs that each stopped the first release's hub (issue 10).
DEEP = b"[" * 5000
DEEP_FIELD = b'{"v":1,"id":"d","op":"issue","service":' + b"[" * 5000 + b"}"
HUGE_INT = b'{"v":' + b"9" * 4400 + b"}"
SURROGATE_ID = b'{"v":1,"id":"\\ud800","op":"issue","service":"cert"}'
SURROGATE_SERVICE = b'{"v":1,"id":"s","op":"issue","service":"\\udfff"}'
POISON = [DEEP, DEEP_FIELD, HUGE_INT, SURROGATE_ID, SURROGATE_SERVICE]


def cmd(**fields) -> bytes:
    return json.dumps({"v": 1, "id": "c1", **fields}).encode()


@pytest.mark.parametrize("payload", POISON, ids=["deep", "deep-field", "huge-int", "surrogate-id", "surrogate-field"])
def test_poison_commands_are_refused_as_bad_requests(payload):
    state = queue.new_day(hall(), NOON)
    done = handler.handle(state, "kiosk-1", payload, NOON, "tok")
    assert done.reply.status == "error" and done.reply.error.code == "bad_request"
    assert done.state is state and done.events == []
    p.encode(done.reply)  # the reply itself must be sendable


def test_deep_nesting_inside_strings_is_fine():
    payload = json.dumps({"v": 1, "id": "[[[[[[[[[[[[[[[[[[[[", "op": "issue", "service": "cert"}).encode()
    done = handler.handle(queue.new_day(hall(), NOON), "kiosk-1", payload, NOON, "tok")
    assert done.reply.status == "ok", done.reply


@pytest.mark.parametrize(
    "payload, code",
    [
        (b'{"id":"a","op":"issue","service":"cert"}', "bad_request"),  # v missing
        (b'{"v":true,"id":"a","op":"issue","service":"cert"}', "bad_request"),  # v a bool
        (b'{"v":1.0,"id":"a","op":"issue","service":"cert"}', "bad_request"),  # v a float
        (b'{"v":"1","id":"a","op":"issue","service":"cert"}', "bad_request"),  # v a string
        (b'{"v":1,"id":"a","op":"issue","service":"cert","priority":"yes"}', "bad_request"),
        (b'{"v":1,"id":"a","op":"issue","service":"cert","priority":1}', "bad_request"),
        (b'{"v":1,"id":"a","op":"issue","service":"cert","channel":"web"}', "forbidden"),  # a kiosk posing as web
        (b'{"v":1,"id":"a","op":"issue","service":NaN}', "bad_request"),
    ],
)
def test_strict_types(payload, code):
    done = handler.handle(queue.new_day(hall(), NOON), "kiosk-1", payload, NOON, "tok")
    assert done.reply.status == "error" and done.reply.error.code == code, done.reply


def test_the_hub_sets_the_channel_from_the_role():
    state = queue.new_day(hall(), NOON)
    for device, channel in [("kiosk-1", "kiosk"), ("web", "web"), ("staff", "staff")]:
        done = handler.handle(state, device, cmd(op="issue", service="cert", id=device), NOON, "t-" + device)
        assert done.reply.status == "ok" and done.reply.data_as(p.IssueReply).channel == channel
        same = handler.handle(state, device, cmd(op="issue", service="cert", channel=channel), NOON, "x")
        assert same.reply.status == "ok", "naming one's own channel is fine"


def test_the_web_relay_cancels_by_token_only():
    state = queue.new_day(hall(), NOON)
    state = handler.handle(state, "kiosk-1", cmd(op="issue", service="cert"), NOON, "page-token").state
    by_number = handler.handle(state, "web", cmd(op="cancel", ticket="1001"), NOON, "x")
    assert by_number.reply.error.code == "forbidden" and by_number.state is state
    by_token = handler.handle(state, "web", cmd(op="cancel", token="page-token"), NOON, "x")
    assert by_token.reply.status == "ok"
    assert handler.handle(state, "staff", cmd(op="cancel", ticket="1001"), NOON, "x").reply.status == "ok"


def test_role_is_checked_before_fields_are_validated():
    # A display may send nothing: its malformed issue is forbidden, not discussed field by field.
    done = handler.handle(queue.new_day(hall(), NOON), "hall-display", cmd(op="issue", service=5), NOON, "x")
    assert done.reply.error.code == "forbidden"


def test_error_messages_quoting_input_are_cut_short():
    done = handler.handle(queue.new_day(hall(), NOON), "kiosk-1", cmd(op="x" * 7000), NOON, "x")
    assert done.reply.error.code == "unknown_op"
    assert len(done.reply.error.message) <= p.MESSAGE_CHARS + 1


def test_brief_quotes_input_on_one_line_and_short():
    forged = "issue\n2026-11-23 INFO sunbeon.hub: admin logged in"
    assert "\n" not in p.brief(forged)
    assert len(p.brief(b"x" * 10_000_000)) < p.LOG_CHARS + 20


def test_token_hash_is_documented_sha256_prefix():
    import hashlib

    assert p.token_hash("토큰-abc") == hashlib.sha256("토큰-abc".encode()).hexdigest()[:24]


# --- the service: one message's failure is that message's alone -------------------------------


@pytest.fixture
def service(tmp_path):
    store = Store(tmp_path / "hub.db")
    clock = {"now": NOON}
    tokens = iter(f"tok{i}" for i in range(10**6))
    svc = HubService(hall(), store, clock=lambda: clock["now"], new_token=lambda: next(tokens))
    svc.test_clock = clock  # type: ignore[attr-defined]
    yield svc
    store.close()


def replies_of(out):
    return [json.loads(r) for _, r, _ in out.replies]


def test_commands_behind_poison_are_all_answered(service):
    batch = [Incoming("kiosk-1", cmd(op="issue", service="cert", id="before"))]
    batch += [Incoming("kiosk-1", bad) for bad in POISON]
    batch += [Incoming("kiosk-1", cmd(op="issue", service="cert", id="after"), b"corr")]
    replies = replies_of(service.handle_batch(batch))
    assert [r["status"] for r in replies] == ["ok"] + ["error"] * len(POISON) + ["ok"]
    assert {r["error"]["code"] for r in replies[1:-1]} == {"bad_request"}


def test_a_bug_in_handling_costs_one_command_and_is_answered_internal(service, monkeypatch, caplog):
    real = handler.handle

    def flaky(state, device, payload, now, token):
        if payload.get("id") == "boom":
            raise KeyError("a bug")
        return real(state, device, payload, now, token)

    monkeypatch.setattr(handler, "handle", flaky)
    batch = [Incoming("kiosk-1", cmd(op="issue", service="cert", id=i)) for i in ("a", "boom", "b")]
    replies = replies_of(service.handle_batch(batch))
    assert [r["status"] for r in replies] == ["ok", "error", "ok"]
    assert replies[1]["error"]["code"] == "internal" and replies[1]["id"] == "boom"
    assert service.faults == 1 and "failed inside the hub" in caplog.text
    assert service.state.seq == 2  # the two good issues, nothing of the failed one
    monkeypatch.setattr(handler, "handle", real)
    retry = replies_of(service.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="cert", id="boom"))]))
    assert retry[0]["status"] == "ok", "an internal failure is not replayed: the retry is tried again"


def test_a_failed_commit_leaves_nothing_in_memory(service, monkeypatch):
    def full_disk(state, rows):
        raise OSError("disk full")

    monkeypatch.setattr(service.store, "commit", full_disk)
    out = service.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="cert", id="x"))])
    # Refused, never acknowledged; nothing of it stays in memory, not even its reply.
    assert json.loads(out.replies[0][1])["error"]["code"] == "storage_unavailable"
    assert service.state.seq == 0 and not service.state.tickets
    assert service._first_reply(("kiosk-1", "x")) is None


def test_newline_in_op_cannot_forge_a_log_line(service, caplog):
    caplog.set_level(logging.INFO, logger="sunbeon.hub")
    forged = "issue\n2026-11-23 12:00:00 INFO sunbeon.hub admin: all tickets cancelled"
    service.handle_batch([Incoming("kiosk-1", cmd(op=forged))])
    assert all("\n" not in r.getMessage() for r in caplog.records)
    assert any("refused" in r.getMessage() for r in caplog.records)


def test_oversized_status_and_long_detail_are_bounded(service):
    huge = json.dumps({"v": 1, "state": "degraded", "detail": "x" * 4_000_000}).encode()
    assert service.device_status("kiosk-1", huge).snapshot is None and not service.alerts
    long = json.dumps({"v": 1, "state": "degraded", "detail": "용지 없음 " * 45}, ensure_ascii=False).encode()
    assert len(long) <= p.MAX_STATUS_PAYLOAD
    out = service.device_status("kiosk-1", long)
    assert out.snapshot is not None
    assert len(service.alerts["kiosk-1"]["detail"]) <= p.DETAIL_CHARS + 1
    for bad in (b"[" * 900, b'{"v":1,"state":"degraded","detail":5}', b"\xff", b'{"v":1,"state":"\\ud800"}'):
        assert service.device_status("kiosk-2", bad).snapshot is None


def test_refusals_are_capped(service):
    batch = [Incoming("kiosk-1", cmd(op="issue", service="tax", id=f"r{i}")) for i in range(REFUSALS_KEPT + 50)]
    service.handle_batch(batch)
    assert len(service.refusals) == REFUSALS_KEPT


def test_reply_memory_is_bounded_and_a_repeat_is_answered_from_the_database(service, monkeypatch):
    monkeypatch.setattr("hub.service.REPLIES_CACHED", 4)
    batch = [Incoming("kiosk-1", cmd(op="issue", service="cert", id=f"t{i}")) for i in range(10)]
    first = service.handle_batch(batch)
    assert len(service.replies) == 4  # memory holds the newest; the database holds all
    seq = service.state.seq
    again = service.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="cert", id="t0"))])
    assert again.replies[0][1] == first.replies[0][1]  # the same ticket, read back from the database
    assert service.state.seq == seq and again.snapshot is None  # nothing changed


def test_reply_memory_is_pruned_by_day_like_the_database(service):
    service.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="cert", id="monday"))])
    assert service._first_reply(("kiosk-1", "monday")) is not None
    for day in range(1, 10):
        service.test_clock["now"] = NOON + day * 86400
        service.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="cert", id=f"day{day}"))])
        service.tick()
    assert service._first_reply(("kiosk-1", "monday")) is None, "kept in memory after the database forgot it"
    assert len(service.replies) <= 8
    assert service._first_reply(("kiosk-1", "day9")) is not None
    assert service.store.replies(service.state.business_date[:4]).keys() >= {("kiosk-1", "day9")}
    assert ("kiosk-1", "monday") not in service.store.replies("0000")


# --- last called, per service, whatever the rest of the hall does ------------------------------


def test_last_called_survives_many_calls_elsewhere_and_a_restart(tmp_path):
    store = Store(tmp_path / "hub.db")
    tokens = iter(f"tok{i}" for i in range(10**6))
    svc = HubService(hall(), store, clock=lambda: NOON, new_token=lambda: next(tokens))
    svc.handle_batch([Incoming("kiosk-1", cmd(op="issue", service="passport", id="p"))])
    svc.handle_batch([Incoming("counter-2", cmd(op="call_next", id="p-call"))])
    batch = [Incoming("staff", cmd(op="issue", service="cert", id=f"c{i}")) for i in range(13)]
    batch += [Incoming("counter-3", cmd(op="call_next", id=f"n{i}")) for i in range(13)]
    svc.handle_batch(batch)
    assert len(svc.state.recent_calls) == 12 and all(c.service == "cert" for c in svc.state.recent_calls)
    snap = svc.snapshot
    by_id = {s["id"]: s for s in snap["services"]}
    assert by_id["passport"]["last_called"] == "P001"
    assert by_id["cert"]["last_called"] == "1013"
    store.close()
    again = HubService(hall(), Store(tmp_path / "hub.db"), clock=lambda: NOON)
    by_id = {s["id"]: s for s in again.snapshot["services"]}
    assert by_id["passport"]["last_called"] == "P001" and by_id["cert"]["last_called"] == "1013"
    again.store.close()


def test_last_called_starts_empty_on_a_new_day():
    state = queue.new_day(hall(), NOON)
    state = handler.handle(state, "kiosk-1", cmd(op="issue", service="cert"), NOON, "t").state
    state = handler.handle(state, "counter-3", cmd(op="call_next", id="n"), NOON, "x").state
    assert state.last_called == {"cert": "1001"}
    tomorrow = NOON + 86400
    state = handler.handle(state, "kiosk-1", cmd(op="issue", service="passport", id="p"), tomorrow, "t2").state
    assert dict(state.last_called) == {}
    assert view.snapshot(state, tomorrow)["services"][0]["last_called"] is None


def test_a_device_cannot_raise_the_hubs_own_alerts(service):
    # A kiosk naming a hub alert code ("second_hub") would put "server running twice" on the board.
    spoof = json.dumps({"v": 1, "state": "degraded", "reason": "second_hub", "detail": "x"}).encode()
    service.device_status("kiosk-1", spoof)
    assert service.alerts["kiosk-1"]["reason"] is None
    honest = json.dumps({"v": 1, "state": "degraded", "reason": "paper_out"}).encode()
    service.device_status("kiosk-1", honest)
    assert service.alerts["kiosk-1"]["reason"] == "paper_out"
