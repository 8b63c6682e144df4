"""The notification controls in headless Chromium (Debian's, through Playwright).

What headless Chromium can do here: load the page, register the service worker at /notify-sw.js
with scope /t/ (it becomes active), grant the notification permission, fetch the VAPID key and
call PushManager.subscribe. What it cannot: reach a real push service — there is no network and
no Google Cloud Messaging in a headless build, so subscribe() is refused ("push service error" /
"AbortError"); the test then checks the page says so plainly, and the subscription path itself
is tested with a real subscription format against the local push fake (test_providers.py,
test_notify_web.py). If a future Chromium does produce a subscription, the test checks it is a
valid one (https endpoint, 65-byte p256dh, 16-byte auth) and that the relay accepts or refuses it.
"""

from __future__ import annotations

import base64

import pytest

from notify.main import build
from tests.conftest import PHONE, WebServer
from tests.e2e.test_web_browser import shot


@pytest.mark.slow
def test_the_page_registers_the_worker_and_asks_for_a_subscription(browser, notify_hall, notify_hub) -> None:
    hall = notify_hall.config()
    service = build(hall, client_id="notify-browser").start()
    web = WebServer(hall).start()
    kiosk = notify_hub.client("kiosk-1")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="ko-KR")
    try:
        mine = [kiosk.request("issue", service="cert").data for _ in range(7)][-1]
        context.grant_permissions(["notifications"], origin=web.url)
        page = context.new_page()
        page.goto(f"{web.url}/t/{mine['token']}?lang=ko")
        page.click("#notify-link")
        page.wait_for_selector("#notify-controls")
        # notify.js is deferred: the controls are in the page before it has run (a loaded machine showed it).
        page.wait_for_function("() => window.sunbeonPush !== undefined")
        assert page.evaluate("() => window.sunbeonPush && window.sunbeonPush.ready") is True
        scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/t/')).scope")
        assert scope == f"{web.url}/t/"
        active = page.evaluate("async () => !!(await navigator.serviceWorker.ready).active")
        assert active
        assert page.is_visible("#push-on") and not page.is_visible("#push-unsupported")
        # The number form: fill it in, as a visitor would.
        page.fill("#phone", "010-1234-5678")
        page.check("input[name=consent]")
        shot(page, "ticket-notify")
        page.click("form[action*='/notify/sms'] button")
        page.wait_for_url("**msg=on**")
        assert "010-****-5678" in page.inner_text("#sms-state")
        shot(page, "ticket-notify-on")
        # Web Push: as far as headless Chromium goes.
        page.check("#push-consent")
        page.click("#push-on")
        page.wait_for_function(
            "() => window.sunbeonPush.error || window.sunbeonPush.subscription || location.search.includes('msg=on')",
            timeout=15000,
        )
        state = page.evaluate("() => ({error: window.sunbeonPush.error, sub: window.sunbeonPush.subscription})")
        print("headless Chromium subscribe():", state)
        if state["sub"] is None:
            assert state["error"]  # no push service reachable: refused, and the page says it could not be done
            assert page.is_visible("#push-result")
        else:  # pragma: no cover - a Chromium with a reachable push service
            keys = state["sub"]["keys"]
            assert state["sub"]["endpoint"].startswith("https://")
            assert len(base64.urlsafe_b64decode(keys["p256dh"] + "==")) == 65
            assert len(base64.urlsafe_b64decode(keys["auth"] + "==")) == 16
    finally:
        context.close()
        kiosk.close()
        web.stop()
        service.stop()
