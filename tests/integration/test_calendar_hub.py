"""The hall calendar in the running hub: holidays handed in by the shell, day changes stored."""

from __future__ import annotations

import json
import uuid

from hub.service import HubService, Incoming
from hub.store import Store
from tests.halls import at, hall
from wire import protocol as p


def send(hub: HubService, device: str, **command: object) -> dict:
    payload = json.dumps({"v": 1, "id": uuid.uuid4().hex, **command}).encode()
    return json.loads(hub.handle_batch([Incoming(device, payload)]).replies[0][1])


def test_the_hub_is_closed_on_a_substitute_holiday_and_says_when_it_opens(tmp_path):
    # 5 October 2026 is the substitute holiday for 개천절 (Saturday the 3rd).
    service = HubService(hall(always_open=False), Store(tmp_path / "hub.db"), clock=lambda: at("2026-10-05 10:00"))
    reply = send(service, "staff", op="issue", service="cert")
    assert reply["error"]["code"] == "service_closed"
    snap = p.Snapshot.model_validate(service.snapshot)
    assert snap.next_opening == "2026-10-06T09:00:00+09:00"
    cert = snap.service("cert")
    assert cert is not None and not cert.open_today and cert.next_opening == snap.next_opening


def test_an_early_closing_survives_a_restart_and_nothing_is_acknowledged_unstored(tmp_path):
    now = [at("2026-11-23 10:00")]
    store = Store(tmp_path / "hub.db")
    service = HubService(hall(always_open=False), store, clock=lambda: now[0])
    assert send(service, "staff", op="change_day", closes="14:00")["status"] == "ok"
    store.close()
    store = Store(tmp_path / "hub.db")
    now[0] = at("2026-11-23 14:05")
    service = HubService(hall(always_open=False), store, clock=lambda: now[0])
    assert send(service, "staff", op="issue", service="cert")["error"]["code"] == "service_closed"
    assert service.snapshot["next_opening"] == "2026-11-24T09:00:00+09:00"
    events = [e["kind"] for e in store.events("2026-11-23")]
    assert events == ["day_changed"]
    assert send(service, "staff", op="change_day", clear=True)["status"] == "ok"
    assert send(service, "staff", op="issue", service="cert")["status"] == "ok"
