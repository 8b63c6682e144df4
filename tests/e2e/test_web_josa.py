"""The ticket page's script picks 로/으로 exactly as the server does (wire.i18n.josa): its live
update of "지금 {counter:로} 오십시오" must not say 종합안내석로 where the page said 종합안내석으로."""

import re
from pathlib import Path

import pytest

from wire.i18n import PARTICLES, josa

SCRIPT = Path(__file__).resolve().parents[2] / "web" / "static" / "ticket.js"
WORDS = ["종합안내석", "민원실", "3번 창구", "여권 창구", "상담석 (2층)", "3", "1", "2", "10", "100", "0", "Desk M",
         "Counter A", "Desk L", "综合窗口", "", "창구)", "Окно 3", "Стойка"]  # fmt: skip


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_script_and_the_server_choose_the_same_particle(page):
    source = SCRIPT.read_text()
    found = re.search(r"const josa = \(word, p\) => \{.*?\n  \};", source, re.S)
    assert found, "ticket.js has no josa function"
    fill = re.search(r"const fill = .*?;\n", source).group(0)
    cases = [(w, p) for w in WORDS for p in PARTICLES]
    got = page.evaluate(f"cases => {{ {found.group(0)}\n return cases.map(([w, p]) => josa(w, p)); }}", cases)
    assert got == [josa(w, p) for w, p in cases]
    filled = page.evaluate(
        f"() => {{ {found.group(0)}\n {fill} return fill('지금 {{counter:로}} 오십시오', {{counter: '종합안내석'}}); }}"
    )
    assert filled == "지금 종합안내석으로 오십시오"
