"""axe-core on every page of the relay, in every language: no serious or critical WCAG 2.1 A/AA
violation (issue 13, "The pages"). Pages are checked in the states a visitor meets: the status
page, a ticket waiting, near its turn and called, an unknown ticket, and the clerk's pages."""

import pytest

from tests.conftest import PHONE
from tests.e2e import axe
from tests.halls import CLERK_PASSWORD
from wire.i18n import LANGUAGES

# status.js's redraw of a task (className of the card and its badge) with a given congestion.
DRAW = """look => document.querySelectorAll('.service').forEach(el => {
  el.className = 'service ' + look; el.querySelector('.badge').className = 'badge ' + look; })"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    yield context.new_page()
    context.close()


def _summary(found):
    """One line per page and rule, with the first elements and why: readable in a CI log."""
    return "\n".join(
        f"{where}: {v['id']} ({v['impact']}) "
        + "; ".join(f"{t} {why.splitlines()[-1] if why else ''}" for t, why in v["nodes"])
        for where, rules in found.items()
        for v in rules
    )


def _found(page, where, found):
    bad = axe.serious(page)
    if bad:
        found[where] = bad


def test_public_pages_pass_axe_in_every_language(web, clients, page):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    first = kiosk.request("issue", service="cert").data
    near = kiosk.request("issue", service="cert", language="en").data
    for _ in range(4):
        kiosk.request("issue", service="cert")
    far = kiosk.request("issue", service="cert").data
    kiosk.request("issue", service="passport")
    counter.request("call_next")  # `first` is called
    found: dict[str, list] = {}
    for lang in LANGUAGES:
        page.goto(f"{web.url}/?lang={lang}")
        page.locator("#live.live").wait_for()
        _found(page, f"status {lang}", found)
        # Every look a task can take when status.js redraws it (the hall at this moment shows one).
        for look in ("calm", "normal", "busy", "closed"):
            page.evaluate(DRAW, look)
            _found(page, f"status {lang} ({look})", found)
        for name, ticket in (("called", first), ("near", near), ("waiting", far)):
            page.goto(f"{web.url}/t/{ticket['token']}?lang={lang}")
            page.locator(f"#ticket.{'called' if name == 'called' else 'waiting'}").wait_for()
            _found(page, f"ticket {name} {lang}", found)
        page.goto(f"{web.url}/t/AAAAAAAAAAAAAAAA?lang={lang}")
        _found(page, f"not found {lang}", found)
    assert not found, _summary(found)


def test_clerk_pages_pass_axe(web, clients, page):
    clients["kiosk-1"].request("issue", service="cert")
    clients["kiosk-1"].request("issue", service="cert")
    found: dict[str, list] = {}
    page.goto(web.url + "/console")
    _found(page, "login", found)
    page.select_option("select[name=counter]", "3")
    page.fill("input[name=password]", CLERK_PASSWORD)
    page.click("button")
    page.wait_for_url("**/console/3")
    _found(page, "console", found)
    page.click("button[value=call_next]")
    page.locator("#panel .number", has_text="1001").wait_for()
    _found(page, "console after a call", found)
    page.goto(web.url + "/console/report")
    _found(page, "report", found)
    assert not found, _summary(found)


def test_the_call_is_announced_assertively_and_counts_politely(web, clients, page):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    kiosk.request("issue", service="cert")
    mine = kiosk.request("issue", service="cert").data
    page.goto(f"{web.url}/t/{mine['token']}?lang=ko")
    assert page.locator("h1").count() == 1 and "1002" in page.locator("h1").inner_text()
    state, alert = page.locator("#state"), page.locator("#call-alert")
    assert state.get_attribute("aria-live") == "polite" and state.get_attribute("aria-atomic") == "true"
    assert alert.get_attribute("aria-live") == "assertive" and alert.get_attribute("role") == "alert"
    assert alert.inner_text() == ""  # nothing to say yet
    counter.request("call_next")
    state.filter(has_text="앞에 0명").wait_for()  # a count: said politely
    counter.request("call_next")
    page.locator("#call-alert", has_text="지금 3번 창구로 오십시오").wait_for()
    assert state.get_attribute("aria-live") is None  # said once, by the alert, not twice
    assert "지금 3번 창구로 오십시오" in state.inner_text()
    links = page.locator("nav.langs a")
    assert links.count() == len(LANGUAGES)
    for i in range(links.count()):
        code = links.nth(i).get_attribute("lang")
        assert code in LANGUAGES and links.nth(i).get_attribute("hreflang") == code
    assert page.locator("nav.langs").get_attribute("aria-label") == "언어 선택"
    for lang in LANGUAGES:
        page.goto(f"{web.url}/?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(".row2 [aria-live=polite]").count() >= 3


def test_keyboard_reaches_the_content_and_focus_is_visible(web, clients, page):
    ticket = clients["kiosk-1"].request("issue", service="cert").data
    page.goto(f"{web.url}/t/{ticket['token']}?lang=en")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement") and skip.inner_text() == "Skip to content"
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # :focus-visible ring
    assert skip.bounding_box()["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(12):  # every later stop has a visible ring
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.tagName")
        if focused == "BODY":
            break
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", focused


def test_the_report_chart_has_korean_alt_text_and_its_data_as_a_table(web, clients, page):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    for _ in range(3):
        kiosk.request("issue", service="cert")
    kiosk.request("issue", service="passport")
    counter.request("call_next")
    page.goto(web.url + "/console")
    page.select_option("select[name=counter]", "3")
    page.fill("input[name=password]", CLERK_PASSWORD)
    page.click("button")
    page.wait_for_url("**/console/3")
    page.goto(web.url + "/console/report")
    alt = page.locator("img.chart").get_attribute("alt")
    assert "시간대별 발권" in alt and "표" in alt
    table = page.locator("table#hourly")
    assert "시간대별" in table.locator("caption").inner_text()
    heads = table.locator("thead th").all_inner_texts()
    assert any("제증명" in h for h in heads) and any("여권" in h for h in heads)
    rows = [
        table.locator("tbody tr").nth(i).locator("td").all_inner_texts()
        for i in range(table.locator("tbody tr").count())
    ]
    assert sum(int(c) for cells in rows for c in cells[:-1]) == 4  # every ticket of the day, as in the chart
    assert not axe.serious(page)
