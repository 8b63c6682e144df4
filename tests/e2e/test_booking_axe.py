"""axe-core on the booking, remote-ticket and console-booking pages (issue 15), in every language:
no serious or critical WCAG 2.1 A/AA violation, as tests/e2e/test_web_axe.py checks the others."""

from datetime import datetime, timedelta

from tests.e2e.test_web_axe import _found, _summary, page  # noqa: F401  (a fixture)
from tests.halls import CLERK_PASSWORD, SEOUL
from wire import protocol as p
from wire.i18n import LANGUAGES


def test_booking_and_remote_pages_pass_axe_in_every_language(web, clients, page):  # noqa: F811
    tomorrow = (datetime.now(SEOUL).date() + timedelta(days=1)).isoformat()
    for _ in range(10):  # a long queue: the remote-ticket offer is shown
        clients["kiosk-1"].ask(p.ISSUE, service="cert")
    made = clients["web"].ask(p.BOOK, service="passport", date=tomorrow, slot="10:00", owner="axe-browser").result()
    assert made.booking is not None
    found: dict[str, list] = {}
    for lang in LANGUAGES:
        page.goto(f"{web.url}/booking?lang={lang}&service=passport&day={tomorrow}")
        _found(page, f"booking {lang}", found)
        page.goto(f"{web.url}/booking/{made.booking.code}?lang={lang}&msg=booked")
        page.click("details.change summary")
        _found(page, f"booking done {lang}", found)
        page.goto(f"{web.url}/booking/ZZZZZZZZ?lang={lang}")
        _found(page, f"booking unknown {lang}", found)
        page.goto(f"{web.url}/remote/cert?lang={lang}")
        _found(page, f"remote {lang}", found)
    page.goto(web.url + "/console")
    page.select_option("select[name=counter]", "3")
    page.fill("input[name=password]", CLERK_PASSWORD)
    page.click("button")
    page.wait_for_url("**/console/3")
    page.goto(f"{web.url}/console/3/bookings?date={tomorrow}")
    _found(page, "console bookings", found)
    assert not found, _summary(found)
