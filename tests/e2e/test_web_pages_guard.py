"""The public pages in headless Chromium under their Content-Security-Policy (issue 10, 3) and the
issue 11 page fixes: one 24-hour clock after live updates, number ranges that never split."""

import re

import pytest

from wire import protocol as p

NARROW = {"width": 320, "height": 700}  # the smallest phones: where "6–/14 phút" used to break
# For each element, the text from its first digit to its end (the range and its unit), and the
# number of distinct lines that part is drawn on.
LINES_OF_RANGE = """els => els.map(el => {
  const node = el.firstChild; const text = node ? node.textContent : "";
  const start = text.search(/[0-9]/);
  if (start < 0) return [text, 0];
  const range = document.createRange(); range.setStart(node, start); range.setEnd(node, text.length);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return [text, tops.size];
})"""


@pytest.mark.parametrize("language", ["ko", "en", "zh", "vi"])
def test_live_status_keeps_a_24_hour_clock_and_whole_ranges(web, clients, browser, language):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    for _ in range(12):
        kiosk.ask(p.ISSUE, service="cert")
    context = browser.new_context(
        viewport=NARROW, locale={"ko": "ko-KR", "en": "en-US", "zh": "zh-CN", "vi": "vi-VN"}[language]
    )
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(f"{web.url}/?lang={language}")
    before = page.locator("#as-of").inner_text()
    counter.ask(p.CALL_NEXT)
    page.locator('[data-id="cert"] .now', has_text="1001").wait_for()  # a live update came
    after = page.locator("#as-of").inner_text()
    for shown in (before, after):
        assert re.search(r"(?<!\d)\d{2}:\d{2}:\d{2}(?!\d)", shown), shown
        assert not re.search(r"오전|오후|AM|PM|上午|下午|SA|CH", shown), shown
    for text, lines in page.locator(".wait, .hours").evaluate_all(LINES_OF_RANGE):
        assert lines == 1, (language, text)
    assert not blocked, blocked  # nothing on the page is refused by the CSP
    context.close()


def test_cancel_asks_first_without_inline_script(web, clients, browser, hub):
    ticket = clients["kiosk-1"].ask(p.ISSUE, service="cert", language="vi").result()
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(f"{web.url}/t/{ticket.token}?lang=vi")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("text=Hủy phiếu")
    page.wait_for_timeout(300)
    assert asked == ["Quý khách có chắc muốn hủy phiếu không?"]  # Quý khách, not bạn (KOREAN.md)
    assert [r["state"] for r in hub.store.tickets(ticket.business_date)] == ["waiting"]  # dismissed: kept
    context.close()
