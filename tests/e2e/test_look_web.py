"""The public web pages, looked at in headless Chromium: every language at phone size (390×844),
Korean on a desktop (1280×800), in the states a visitor meets them.

At 390 px nothing may be wider than the phone or make the page scroll sideways, and no text may be
clipped in its box. Screenshots go to out/look/web/ for a person to look at (the contact sheet);
SUNBEON_LOOK=all adds the ticket pages (helper "web-tidy" owns them: looked at, not checked here)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PHONE, _clerk_hash
from tests.e2e.test_city_browser import served  # noqa: F401  (fixture)
from tests.halls import hall_text, web_section
from wire import protocol as p
from wire.i18n import LANGUAGES

OUT = Path(__file__).resolve().parents[2] / "out" / "look" / "web"
DESKTOP = {"width": 1280, "height": 800}
# The test hall's names in every language, the longest the example hall has and longer.
NAMES = {
    '{ ko = "시험 민원실", en = "Test hall" }': (
        '{ ko = "강서구청 종합민원실", en = "Gangseo-gu Office Civil Service Hall", zh = "江西区厅综合服务大厅", '
        'vi = "Bộ phận Một cửa Quận Gangseo", ru = "Центр обслуживания граждан района Кансо-гу" }'
    ),
    '{ ko = "제증명", en = "Certificates" }': (
        '{ ko = "가족관계등록 및 기본증명서 발급", en = "Family Registry and Basic Certificates", '
        'zh = "家庭关系登记及基本证明书签发", vi = "Đăng ký quan hệ gia đình và hộ tịch", '
        'ru = "Регистрация семейных отношений и справки" }'
    ),
    '{ ko = "여권", en = "Passports" }': (
        '{ ko = "여권 접수", en = "Passport Application", zh = "护照申请", vi = "Nộp hồ sơ hộ chiếu", '
        'ru = "Приём документов на паспорт" }'
    ),
}
# What a page must not show a visitor: raw error text or template leftovers.
RAW = re.compile(
    r"Traceback|Internal Server Error|Not Found|\"detail\"|\bNone\b|\bnull\b|undefined|\{\{|\{[a-z_]+\}|KeyError"
)

# Every element's box against the viewport, skipping what sits inside a box that scrolls or clips on
# purpose (a table in an overflow-x: auto wrapper) and screen-reader-only text.
MEASURE = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    if (cs.position === 'absolute' && cs.clip !== 'auto') continue;  // screen-reader-only text
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
    const text = (el.innerText || '').trim().slice(0, 40);
    const span = `${Math.round(r.left)}..${Math.round(r.right)}`;
    if ((r.right > W + 1 || r.left < -1) && !clipped(el)) bad.push(`${name} "${text}" ${span}`);
    const cut = cs.overflowX === 'hidden' || cs.textOverflow === 'ellipsis';
    if (cut && el.scrollWidth > el.clientWidth + 1 && text)
      bad.push(`${name} "${text}" clipped ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return {scroll: document.documentElement.scrollWidth, width: W, bad, text: document.body.innerText};
}"""


@pytest.fixture
def hall_file(tmp_path: Path, broker) -> Path:  # the conftest's, with names in every language
    path = tmp_path / "hall.toml"
    site = f"l{abs(hash(tmp_path)) % 10**8}"
    text = hall_text(port=broker.port, database=str(tmp_path / "hub.db")).replace('id = "test"', f'id = "{site}"', 1)
    for short, full in NAMES.items():
        assert short in text
        text = text.replace(short, full)
    path.write_text(text + web_section(_clerk_hash()), encoding="utf-8")
    return path


class Looker:
    """Visits pages in one browser context per viewport, saves them, and collects what is wrong."""

    def __init__(self, browser) -> None:
        self.pages = {
            "phone": browser.new_context(viewport=PHONE, locale="ko-KR").new_page(),
            "desktop": browser.new_context(viewport=DESKTOP, locale="ko-KR").new_page(),
        }
        self.wrong: list[str] = []
        OUT.mkdir(parents=True, exist_ok=True)

    def look(self, url: str, name: str, languages=LANGUAGES, *, check: bool = True) -> None:
        if not check and os.environ.get("SUNBEON_LOOK") != "all":
            return  # only looked at for the contact sheet (keeps `make test` short)
        for size, page in self.pages.items():
            for language in languages if size == "phone" else ("ko",):
                sep = "&" if "?" in url else "?"
                page.goto(f"{url}{sep}lang={language}", wait_until="load")
                page.wait_for_timeout(150)  # the page's first live update, if any, has painted
                page.screenshot(path=str(OUT / f"{name}-{language}-{size}.png"), full_page=True)
                found = page.evaluate(MEASURE)
                if not check:
                    continue
                where = f"{name} {language} {size}"
                if found["scroll"] > found["width"]:
                    self.wrong.append(f"{where}: scrolls sideways ({found['scroll']} > {found['width']})")
                self.wrong += [f"{where}: {b}" for b in found["bad"]]
                if match := RAW.search(found["text"]):
                    self.wrong.append(f"{where}: shows {match[0]!r}")

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def looker(browser) -> Iterator[Looker]:
    made = Looker(browser)
    yield made
    made.close()


def test_status_booking_and_error_pages_fit_a_phone_in_every_language(web, hub, clients, looker):
    kiosk, counter, relay = clients["kiosk-1"], clients["counter-3"], clients["web"]
    tokens = [kiosk.ask(p.ISSUE, service="cert", language=lang).result().token for lang in LANGUAGES]
    for _ in range(4):
        kiosk.ask(p.ISSUE, service="cert")
    remote = relay.ask(p.REMOTE_ISSUE, service="cert", owner="looker-phone-1").result()
    counter.ask(p.CALL_NEXT)
    looker.look(web.url + "/", "status-open")
    tomorrow = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).date().isoformat()
    booked = relay.ask(p.BOOK, service="passport", date=tomorrow, slot="10:00", name="김민원").result()
    looker.look(web.url + "/booking", "booking")
    looker.look(web.url + "/booking?service=passport", "booking-passport")
    looker.look(f"{web.url}/booking/{booked.booking.code}", "booking-one")
    looker.look(web.url + "/booking/ZZZZZZZZ", "booking-unknown")
    looker.look(web.url + "/remote/cert", "remote-offer")
    looker.look(web.url + "/no/such/page", "notfound")
    looker.look(web.url + "/remote/passport", "remote-refused")  # passports give no mobile tickets: 404
    # The ticket pages (helper "web-tidy" owns their templates): looked at, reported, not checked here.
    looker.look(f"{web.url}/t/{tokens[0]}", "ticket-called", check=False)
    looker.look(f"{web.url}/t/{tokens[1]}", "ticket-waiting", check=False)
    relay.ask(p.CANCEL, token=tokens[2]).result()
    looker.look(f"{web.url}/t/{tokens[2]}", "ticket-cancelled", check=False)
    counter.ask(p.FINISH).result()
    looker.look(f"{web.url}/t/{tokens[0]}", "ticket-done", check=False)
    looker.look(f"{web.url}/t/{remote.token}", "ticket-remote", check=False)
    # Closing soon: a ticket taken now would likely not be called before the hall closes.
    now = datetime.now(ZoneInfo("Asia/Seoul"))
    staff = hub.client("staff")
    try:
        soon = now + timedelta(minutes=6)  # under the cert queue's longest estimate: 마감 임박
        if soon.date() == now.date():
            staff.ask(p.CHANGE_DAY, closes=soon.strftime("%H:%M")).result()
            looker.look(web.url + "/", "status-closing")
        # The hall closes early today: the status page says so, with when it opens next.
        staff.ask(p.CHANGE_DAY, closes=now.strftime("%H:%M")).result()
    finally:
        staff.close()
    looker.look(web.url + "/", "status-closed-early")
    looker.look(f"{web.url}/t/{tokens[1]}", "ticket-waiting-closed", check=False)
    assert not looker.wrong, "\n".join(looker.wrong)


def test_city_page_and_widget_fit_a_phone_in_every_language(served, looker):  # noqa: F811
    url, _state, _halls = served
    looker.look(url + "/", "city")
    looker.look(url + "/widget", "city-widget")
    assert not looker.wrong, "\n".join(looker.wrong)
