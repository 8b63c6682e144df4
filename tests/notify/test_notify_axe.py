"""axe-core on the notification controls and on the ticket page that links to them, at phone size,
in Korean and English: no serious or critical WCAG 2.1 A/AA violation in any state a visitor meets
(nothing on, a number on, a refusal shown, the notifier unreachable, the ticket page with the link).
The ticket page without notifications is checked in every language by tests/e2e/test_web_axe.py."""

from __future__ import annotations

import re

import httpx
import pytest

from notify.main import build
from tests.conftest import PHONE, WebServer
from tests.e2e import axe
from tests.e2e.test_web_axe import _summary

LANGS = ("ko", "en", "ru")  # ru: the longest words of the five


def _check(page, where: str, found: dict) -> None:
    bad = axe.serious(page)
    if bad:
        found[where] = bad


@pytest.mark.slow
def test_the_notification_controls_pass_axe(browser, notify_hall, notify_hub) -> None:
    hall = notify_hall.config()
    web = WebServer(hall).start()
    kiosk = notify_hub.client("kiosk-1")
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    found: dict[str, list] = {}
    try:
        mine = [kiosk.request("issue", service="cert").data for _ in range(7)][-1]["token"]
        page = context.new_page()
        # First without the notifier running: the page says it cannot be done now.
        for lang in LANGS:
            page.goto(f"{web.url}/t/{mine}?lang={lang}")
            page.wait_for_selector("#notify-link")
            _check(page, f"ticket with notices {lang}", found)
            page.goto(f"{web.url}/t/{mine}/notify?lang={lang}")
            page.wait_for_selector("#notify-controls")
            _check(page, f"controls, notifier unreachable {lang}", found)
        service = build(hall, client_id="notify-axe").start()
        try:
            assert service.connected.wait(10)
            for lang in LANGS:
                page.goto(f"{web.url}/t/{mine}/notify?lang={lang}")
                page.wait_for_selector("#sms-state")
                _check(page, f"controls, all off {lang}", found)
                page.goto(f"{web.url}/t/{mine}/notify?lang={lang}&msg=invalid_phone")
                _check(page, f"controls, a refusal shown {lang}", found)
            with httpx.Client(base_url=web.url, timeout=15) as http:
                controls = http.get(f"/t/{mine}/notify?lang=ko").text
                csrf = re.search(r'name="csrf" value="([^"]+)"', controls).group(1)
                on = http.post(f"/t/{mine}/notify/sms", data={"phone": "010-1234-5678", "consent": "yes", "csrf": csrf})
                assert "msg=on" in on.headers["location"]
            for lang in LANGS:
                page.goto(f"{web.url}/t/{mine}/notify?lang={lang}&msg=on")
                page.locator("#sms-state", has_text="5678").wait_for(timeout=5000)
                # The state and its masked number stay on one line (it broke after "010-" on a phone),
                # and the page still fits the phone's width.
                assert page.locator("#sms-state").evaluate("el => el.getClientRects().length") == 1
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], lang
                _check(page, f"controls, a number on {lang}", found)
        finally:
            service.stop()
    finally:
        context.close()
        kiosk.close()
        web.stop()
    assert not found, _summary(found)
