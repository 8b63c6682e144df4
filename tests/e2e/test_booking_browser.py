"""Booking, changing and cancelling a visit on a phone-sized page, in headless Chromium."""

from __future__ import annotations

from tests.e2e.test_web_browser import page, shot  # noqa: F401  (a fixture)
from wire import protocol as p


def test_book_change_and_cancel_on_a_phone(web, hub, page):  # noqa: F811
    page.goto(web.url + "/booking?lang=ko&service=passport")
    assert page.locator("h1").inner_text() == "방문 예약"
    # Tomorrow: every slot of the day is still ahead (today's may have begun).
    page.select_option("#day", index=1)
    page.click("#show-times")
    page.locator("label.slot").first.wait_for()
    page.check('input[name="slot"][value="10:00"]')
    page.fill('input[name="name"]', "김민원")
    page.fill('input[name="phone"]', "010-1234-5678")
    shot(page, "web-booking-ko")
    page.click("#book")
    page.locator("#code").wait_for()
    assert page.locator("#notice").inner_text() == "예약되었습니다"
    code = page.locator("#code").inner_text().replace("-", "")
    assert len(code) == 8 and page.locator(".qr svg").count() == 1
    assert "10:00" in page.locator("#when").inner_text()
    shot(page, "web-booking-done-ko")
    # Change the time, on the same page.
    page.click("details.change summary")
    page.check('details.change input[name="slot"][value="11:30"]')
    page.click("#change")
    page.locator("#notice", has_text="변경되었습니다").wait_for()
    assert "11:30" in page.locator("#when").inner_text()
    staff = hub.client("staff")
    try:
        assert staff.ask(p.SHOW_BOOKING, code=code).result().booking.slot == "11:30"
        # Cancel it (the page asks in words, the button does it).
        page.click("#cancel")
        page.locator("#message", has_text="취소되었습니다").wait_for()
        assert "error" not in page.locator("#message").get_attribute("class")  # done: the plain message
        assert staff.ask(p.SHOW_BOOKING, code=code).error.code == "unknown_booking"
    finally:
        staff.close()
    # Looking it up again says so in Korean, no raw error text.
    page.goto(web.url + f"/booking/{code}?lang=ko")
    assert "예약 번호를 찾을 수 없습니다" in page.locator("#message").inner_text()
    assert "error" in page.locator("#message").get_attribute("class")  # a refusal looks like one (was green)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
