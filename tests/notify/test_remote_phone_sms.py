"""A remote ticket's mobile number is registered for its 문자 알림 when the resident ticks the consent
line (typed once), through the real relay, hub, broker and notifier; without the tick it only counts."""

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
    service = build(hall, client_id="notify-remote-test").start()
    assert service.connected.wait(10)
    web = WebServer(hall).start()
    yield web, service, notify_hub
    web.stop()
    service.stop()


def test_the_number_is_registered_for_the_ticket_with_consent_only(hall_web) -> None:
    web, service, hub = hall_web
    kiosk = hub.client("kiosk-1")
    try:
        for _ in range(10):
            kiosk.request("issue", service="cert")
    finally:
        kiosk.close()
    web.relay.client.wait_for(lambda c: c.snapshot is not None and c.snapshot.service("cert").waiting >= 10, 10)
    with httpx.Client(base_url=web.url, timeout=20) as http:
        page = http.get("/remote/cert?lang=ko")
        assert 'name="consent"' in page.text and "순번 알림을 보내는 데에만" in page.text  # the consent line
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        taken = http.post(
            "/remote/cert?lang=ko",
            data={"csrf": csrf, "phone": "010-5555-6666", "consent": "yes"},
            follow_redirects=False,
        )
        assert taken.status_code == 303 and re.fullmatch(r"/t/[^/?]+\?lang=ko&remote=1", taken.headers["location"]), (
            taken.text
        )
        assert service.store.count_contacts() == 1
        token = taken.headers["location"].split("/t/")[1].split("?")[0]
        shown = http.get(f"/t/{token}/notify?lang=ko")
        assert "010-****-6666" in shown.text and "5555" not in shown.text
    with httpx.Client(base_url=web.url, timeout=20) as other:  # another browser, no tick: counted, not registered
        page = other.get("/remote/cert?lang=ko")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        plain = other.post("/remote/cert?lang=ko", data={"csrf": csrf, "phone": "01077778888"}, follow_redirects=False)
        assert plain.headers["location"].startswith("/t/") and service.store.count_contacts() == 1
