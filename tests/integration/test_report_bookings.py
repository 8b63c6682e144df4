"""The day report counts appointments: booked, checked in, cancelled, no-shows, earliness, wait from slot."""

from __future__ import annotations

import json
import uuid

from hub import report
from hub.service import HubService, Incoming
from hub.store import Store
from tests.halls import at
from tests.unit.test_booking import HALL
from wire import config
from wire import protocol as p


def test_the_report_counts_bookings_check_ins_no_shows_and_earliness(tmp_path):
    now = [at("2026-11-23 08:00")]
    store = Store(tmp_path / "hub.db")
    hub = HubService(config.parse(HALL, "book.toml"), store, clock=lambda: now[0])

    def send(device: str, **command: object) -> dict:
        payload = json.dumps({"v": 1, "id": uuid.uuid4().hex, **command}).encode()
        return json.loads(hub.handle_batch([Incoming(device, payload)]).replies[0][1])

    codes = []
    for slot, phone in (("10:00", "01011112222"), ("10:15", "01033334444"), ("10:30", "01055556666")):
        reply = send("staff", op="book", service="passport", date="2026-11-23", slot=slot, phone=phone)
        assert reply["status"] == "ok", reply
        codes.append(reply["data"]["booking"]["code"])
    assert send("web", op="cancel_booking", code=codes[2])["status"] == "ok"
    now[0] = at("2026-11-23 09:52")  # 8 minutes early
    checked = send("kiosk-1", op="check_in", code=codes[0])
    assert checked["status"] == "ok" and checked["data"]["booked"]
    now[0] = at("2026-11-23 10:05")  # the slot began 5 minutes ago: called now
    called = send("counter-2", op="call_next")
    assert called["data"]["ticket"]["number"] == checked["data"]["number"]
    now[0] = at("2026-11-23 10:26")  # 10:15 + 10 min window: released
    hub.tick()
    rows = report.read_day(tmp_path / "hub.db", "2026-11-23")
    counts = report.booking_counts(report.read_bookings(tmp_path / "hub.db", "2026-11-23"), rows)
    assert {k: counts[k] for k in ("booked", "checked_in", "cancelled", "no_show", "still_booked")} == {
        "booked": 3,
        "checked_in": 1,
        "cancelled": 1,
        "no_show": 1,
        "still_booked": 0,
    }
    assert counts["early_minutes"]["mean"] == 8.0
    assert counts["wait_from_slot_minutes"]["mean"] == 5.0
    day = report.build(rows, "2026-11-23")
    day.bookings = counts
    text = report.markdown(day, {"passport": "여권"})
    assert "## 방문 예약 · Appointments" in text and "| 3 | 1 | 1 | 1 | 0 |" in text
    kinds = [e["kind"] for e in store.events("2026-11-23")]
    assert kinds.count("booked") == 3 and "booking_no_show" in kinds and "checked_in" in kinds


def test_an_unconfirmed_remote_ticket_counts_as_absent_in_the_report(tmp_path):
    from tests.unit.test_remote import HALL as REMOTE_HALL

    now = [at("2026-11-23 10:00")]
    store = Store(tmp_path / "hub.db")
    hub = HubService(config.parse(REMOTE_HALL, "remote.toml"), store, clock=lambda: now[0])

    def send(device: str, **command: object) -> dict:
        payload = json.dumps({"v": 1, "id": uuid.uuid4().hex, **command}).encode()
        return json.loads(hub.handle_batch([Incoming(device, payload)]).replies[0][1])

    for _ in range(4):
        assert send("kiosk-1", op="issue", service="passport")["status"] == "ok"
    tokens = [
        send("web", op="remote_issue", service="passport", owner=f"browser-{i:04d}")["data"]["token"] for i in (1, 2)
    ]
    assert send("kiosk-1", op="confirm", code=p.confirm_code(p.token_hash(tokens[0])))["status"] == "ok"
    rows = report.read_day(tmp_path / "hub.db", "2026-11-23")
    day = report.build(rows, "2026-11-23")
    assert day.remote == {"issued": 2, "confirmed": 1, "absent": 1}
    assert "## 원격 번호표 · Remote tickets" in report.markdown(day, {}) and "| 2 | 1 | 1 |" in report.markdown(day, {})
    # A restart remembers who already took one today.
    store.close()
    hub = HubService(config.parse(REMOTE_HALL, "remote.toml"), Store(tmp_path / "hub.db"), clock=lambda: now[0])
    again = send("web", op="remote_issue", service="passport", owner="browser-0001")
    assert again["error"]["code"] == "remote_limit"
