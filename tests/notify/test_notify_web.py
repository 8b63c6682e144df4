"""The ticket page's notification controls through the real relay, hub, broker and notifier."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from notify.main import build
from notify.service import NotifyService
from tests.conftest import RunningHub, WebServer
from tests.notify.conftest import NotifyHall


@pytest.fixture
def hall_web(notify_hall: NotifyHall, notify_hub: RunningHub) -> Iterator[tuple[WebServer, NotifyService, RunningHub]]:
    hall = notify_hall.config()
    service = build(hall, client_id="notify-web-test").start()
    assert service.connected.wait(10)
    web = WebServer(hall).start()
    yield web, service, notify_hub
    web.stop()
    service.stop()


def _ticket(hub: RunningHub, ahead: int = 6) -> dict:
    kiosk = hub.client("kiosk-1")
    try:
        return [kiosk.request("issue", service="cert").data for _ in range(ahead + 1)][-1]
    finally:
        kiosk.close()


def test_sms_on_shows_last_four_then_off_deletes(hall_web) -> None:
    web, service, hub = hall_web
    mine = _ticket(hub)
    with httpx.Client(base_url=web.url, timeout=15) as http:
        page = http.get(f"/t/{mine['token']}?lang=ko")
        assert f"/t/{mine['token']}/notify?lang=ko" in page.text and "차례 알림 받기" in page.text
        controls = http.get(f"/t/{mine['token']}/notify?lang=ko")
        assert controls.status_code == 200 and "꺼짐" in controls.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', controls.text).group(1)
        bad = http.post(
            f"/t/{mine['token']}/notify/sms?lang=ko", data={"phone": "02-123-4567", "consent": "yes", "csrf": csrf}
        )
        assert "msg=invalid_phone" in bad.headers["location"]
        assert service.store.count_contacts() == 0
        no_consent = http.post(f"/t/{mine['token']}/notify/sms?lang=ko", data={"phone": "010-1234-5678", "csrf": csrf})
        assert "msg=consent" in no_consent.headers["location"] and service.store.count_contacts() == 0
        forged = http.post(
            f"/t/{mine['token']}/notify/sms?lang=ko", data={"phone": "010-1234-5678", "consent": "yes", "csrf": "x"}
        )
        assert forged.status_code == 403 and service.store.count_contacts() == 0
        ok = http.post(
            f"/t/{mine['token']}/notify/sms?lang=ko", data={"phone": "010-1234-5678", "consent": "yes", "csrf": csrf}
        )
        assert "msg=on" in ok.headers["location"]
        shown = http.get(ok.headers["location"])
        assert "켜짐 (010-****-5678)" in shown.text and "1234" not in shown.text
        off = http.post(f"/t/{mine['token']}/notify/off?lang=ko", data={"channel": "sms", "csrf": csrf})
        assert "msg=off" in off.headers["location"]
        assert service.store.count_contacts() == 0
        assert "꺼짐" in http.get(off.headers["location"]).text


def test_push_subscription_through_the_relay_and_vapid_key(hall_web, notify_hall: NotifyHall) -> None:
    web, _service, hub = hall_web
    mine = _ticket(hub, ahead=2)
    with httpx.Client(base_url=web.url, timeout=15) as http:
        key = http.get("/notify/vapid.json").json()
        assert key["public_key"] == notify_hall.vapid_public and key["offered"] == {"sms": True, "push": True}
        sw = http.get("/notify-sw.js")
        assert sw.status_code == 200 and "showNotification" in sw.text and "javascript" in sw.headers["content-type"]
        controls = http.get(f"/t/{mine['token']}/notify?lang=en")
        csrf = re.search(r'data-csrf="([^"]+)"', controls.text).group(1)
        browser = notify_hall.push.browser()
        foreign = {**browser.subscription(), "endpoint": "https://10.0.0.5/push/x"}
        refused = http.post(
            f"/t/{mine['token']}/notify/push", json={"subscription": foreign, "csrf": csrf, "consent": True}
        )
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_subscription"
        ok = http.post(f"/t/{mine['token']}/notify/push?lang=en",
                       json={"subscription": browser.subscription(), "csrf": csrf, "consent": True})  # fmt: skip
        assert ok.json() == {"ok": True, "code": None}
        (got,) = notify_hall.push.wait_for(1)  # two ahead: the "3 or fewer" stage... here stage 2 at once
        assert "2 people ahead" in got.body["body"] and not notify_hall.push.problems


def test_the_clerk_console_shows_the_notifiers_health(hall_web) -> None:
    import time

    from tests.halls import CLERK_PASSWORD

    web, service, _hub = hall_web
    service._health("solapi: UnknownError")  # what three failures in a row report (test_notify_flow shows them)
    with httpx.Client(base_url=web.url, timeout=15) as http:
        login = http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD})
        assert login.status_code in (200, 303), login.text[:200]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            panel = http.get("/console/3/panel")
            if "장애 · degraded" in panel.text:
                break
            time.sleep(0.2)
        assert "장애 · degraded" in panel.text and "solapi: UnknownError" in panel.text
        assert "solapi" not in http.get("/?lang=ko").text  # never on the public page
