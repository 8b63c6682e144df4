"""web/routers/notify.py's guards and its one registration function, through the real relay, hub,
broker and notifier: a per-address rate on turning a channel on (never on turning it off), and
`register_phone`, the plain function any form that takes a number for a ticket calls."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest

from notify.main import build
from notify.service import NotifyService
from tests.conftest import RunningHub, WebServer
from tests.notify.conftest import NotifyHall
from web.routers import notify as notify_routes


@pytest.fixture
def hall_web(notify_hall: NotifyHall, notify_hub: RunningHub) -> Iterator[tuple[WebServer, NotifyService, RunningHub]]:
    hall = notify_hall.config()
    service = build(hall, client_id="notify-router-test").start()
    assert service.connected.wait(10)
    web = WebServer(hall).start()
    yield web, service, notify_hub
    web.stop()
    service.stop()


def _tokens(hub: RunningHub, n: int) -> list[str]:
    kiosk = hub.client("kiosk-1")
    try:
        return [kiosk.request("issue", service="cert").data["token"] for _ in range(n)]
    finally:
        kiosk.close()


def test_register_phone_is_one_call_for_any_form(hall_web) -> None:
    web, service, hub = hall_web
    first, second = _tokens(hub, 2)
    assert asyncio.run(notify_routes.register_phone(web.relay, second, "010-2222-3333", "en")) == "on"
    assert service.store.count_contacts() == 1
    assert asyncio.run(notify_routes.register_phone(web.relay, first, "02-123-4567", "ko")) == "invalid_phone"
    assert service.store.count_contacts() == 1  # nothing kept for a refused number
    with httpx.Client(base_url=web.url, timeout=15) as http:
        assert "010-****-3333" in http.get(f"/t/{second}/notify?lang=ko").text


def test_turning_on_is_rate_limited_per_address_but_turning_off_never(hall_web) -> None:
    web, service, hub = hall_web
    (mine,) = _tokens(hub, 1)
    with httpx.Client(base_url=web.url, timeout=15) as http:
        csrf = re.search(r'name="csrf" value="([^"]+)"', http.get(f"/t/{mine}/notify?lang=ko").text).group(1)
        ok = http.post(f"/t/{mine}/notify/sms", data={"phone": "010-1234-5678", "consent": "yes", "csrf": csrf})
        assert "msg=on" in ok.headers["location"]
        # A script sending forms (without consent: nothing reaches the notifier) uses up the rate.
        for _ in range(notify_routes.REGISTERS_PER_HOUR - 1):
            sent = http.post(f"/t/{mine}/notify/sms", data={"phone": "010-1234-5678", "csrf": csrf})
            assert "msg=consent" in sent.headers["location"]
        limited = http.post(f"/t/{mine}/notify/sms", data={"phone": "010-9999-8888", "consent": "yes", "csrf": csrf})
        assert limited.status_code == 303 and "msg=limited" in limited.headers["location"]
        assert "010-****-5678" in http.get(limited.headers["location"]).text  # the page explains; nothing changed
        pushed = http.post(f"/t/{mine}/notify/push", json={"subscription": {}, "csrf": csrf, "consent": True})
        assert pushed.status_code == 429
        off = http.post(f"/t/{mine}/notify/off", data={"channel": "all", "csrf": csrf})
        assert "msg=off" in off.headers["location"] and service.store.count_contacts() == 0
        forged = http.post(f"/t/{mine}/notify/off", data={"channel": "all", "csrf": "x"})
        assert forged.status_code == 403
