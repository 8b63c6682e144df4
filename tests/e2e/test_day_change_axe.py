"""axe-core on the console's 오늘 운영 변경 pages (the form, the confirmation, the result), and the
whole change done as a manager does it in the browser: no serious or critical WCAG 2.1 A/AA violation."""

import time

import pytest

from tests.e2e.test_web_axe import _found, _summary, page  # noqa: F401
from tests.integration.manager_hall import MANAGER_PASSWORD, manager_hall  # noqa: F401


@pytest.fixture
def hall_file(manager_hall):  # noqa: F811
    return manager_hall


def test_the_day_change_pages_pass_axe(web, clients, page):  # noqa: F811
    found: dict[str, list] = {}
    page.goto(web.url + "/console")
    page.select_option("select[name=counter]", "1")
    page.fill("input[name=password]", MANAGER_PASSWORD)
    page.click("button")
    page.wait_for_url("**/console/1")
    page.click("#day-link")
    page.wait_for_url("**/console/1/day")
    _found(page, "day change", found)
    page.select_option("#scope-closes", "cert")
    page.fill("#closes", "15:30")
    page.click("#close-early button")
    page.locator("#sentence", has_text="15:30").wait_for(timeout=5000)
    _found(page, "day change: confirm", found)
    page.click("#yes")
    page.locator("#message", has_text="조기 마감을 설정했습니다").wait_for(timeout=10000)
    # The page shows the snapshot the relay holds; the hub's new one may come a moment after the reply.
    deadline = time.monotonic() + 15
    while page.locator("tr[data-service=cert] .closes").inner_text() != "15:30" and time.monotonic() < deadline:
        time.sleep(0.2)
        page.reload()
    assert page.locator("tr[data-service=cert] .closes").inner_text() == "15:30"
    _found(page, "day change: done", found)
    page.click("#undo button")
    page.click("#yes")
    page.locator("#message.error").wait_for(timeout=10000)  # the whole hall had no change: refused
    _found(page, "day change: refused", found)
    assert not found, _summary(found)
