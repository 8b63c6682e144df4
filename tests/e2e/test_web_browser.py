"""The web pages in headless Chromium (Debian's), driven by Playwright, at phone size."""

import os
from pathlib import Path

import pytest

from tests.conftest import PHONE
from tests.halls import CLERK_PASSWORD
from tests.screens import OUT
from wire import protocol as p

# `make screenshots` points this at docs/images so the README shows what the project draws.
SHOTS = Path(os.environ.get("SUNBEON_SCREENSHOTS", OUT))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="ko-KR")
    yield context.new_page()
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_status_page_updates_live_when_a_counter_calls(web, clients, page):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    for language in ("ko", "en", "vi", "ko"):
        kiosk.ask(p.ISSUE, service="cert", language=language)
    kiosk.ask(p.ISSUE, service="passport")
    page.goto(web.url + "/")
    cert = page.locator('[data-id="cert"]')
    assert cert.locator(".waiting").inner_text() == "4명"
    assert cert.locator(".now").inner_text() == "—"
    counter.ask(p.CALL_NEXT)
    cert.locator(".now", has_text="1001").wait_for()  # no reload
    assert cert.locator(".waiting").inner_text() == "3명"
    assert page.locator("#live").inner_text() == "실시간"
    shot(page, "web-status-ko")
    page.goto(web.url + "/?lang=vi")
    assert "Tình trạng chờ" in page.content()
    shot(page, "web-status-vi")


def test_ticket_page_changes_when_called(web, clients, page):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    kiosk.ask(p.ISSUE, service="cert")
    mine = kiosk.ask(p.ISSUE, service="cert", language="zh").result()
    page.goto(f"{web.url}/t/{mine.token}?lang=zh")
    assert page.locator(".number").inner_text() == "1002"
    page.locator("#state", has_text="前面还有 1 人").wait_for()
    assert page.locator("#near").is_visible()  # one ahead: the turn is near
    shot(page, "web-ticket-waiting-zh")
    counter.ask(p.CALL_NEXT)
    counter.ask(p.CALL_NEXT)
    page.locator("#state", has_text="请现在到3번 창구").wait_for()  # no zh label: Korean stands in
    assert "called" in page.locator("#ticket").get_attribute("class")
    assert not page.locator("#cancel-form").is_visible()  # nothing left to cancel
    shot(page, "web-ticket-called-zh")
    page.goto(f"{web.url}/t/{mine.token}?lang=ko")
    assert "지금 3번 창구로 오십시오" in page.locator("#state").inner_text()
    shot(page, "web-ticket-called-ko")


def test_pages_work_without_javascript(web, clients, browser):
    ticket = clients["kiosk-1"].ask(p.ISSUE, service="passport", language="en").result()
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(web.url + "/?lang=en")
    assert page.locator('[data-id="passport"] .waiting').inner_text() == "1"
    assert 'http-equiv="refresh"' in page.content()
    assert "This page refreshes every 30 seconds" in page.content()
    shot(page, "web-status-nojs-en")
    page.goto(f"{web.url}/t/{ticket.token}?lang=en")
    assert page.locator(".number").inner_text() == "P001"
    assert "0 ahead of you" in page.locator("#state").inner_text()
    context.close()


def test_clerk_console_calls_the_next_ticket(web, clients, browser, hub):
    clients["kiosk-1"].ask(p.ISSUE, service="cert")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(web.url + "/console")
    page.select_option("select[name=counter]", "3")
    page.fill("input[name=password]", CLERK_PASSWORD)
    page.click("text=로그인")
    page.wait_for_url("**/console/3")
    page.click("button[value=call_next]")
    page.locator(".flash", has_text="다음 번호를 호출했습니다 · Called next: 1001").wait_for()
    page.locator("#panel .number", has_text="1001").wait_for()
    assert hub.service.state.counter("3").serving is not None
    shot(page, "web-console")
    context.close()


def test_visitor_can_cancel_from_the_ticket_page(web, clients, page, hub):
    ticket = clients["kiosk-1"].ask(p.ISSUE, service="cert", language="en").result()
    page.goto(f"{web.url}/t/{ticket.token}?lang=en")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Give up this ticket")
    page.locator(".flash", has_text="Your ticket was cancelled").wait_for()
    assert [r["state"] for r in hub.store.tickets(ticket.business_date)] == ["cancelled"]
