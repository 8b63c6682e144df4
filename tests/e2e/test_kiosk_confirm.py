"""원격 번호표 확인 at the kiosk (issue 15), end to end: a remote ticket taken through a real hub
(as the web relay takes it), then its holder scans the QR on the ticket's page (a scanner's burst
of SDL key events) or types the page's arrival code on the screen keys and keypad digits. The
kiosk shows and says the number and how many wait before it, prints nothing; an unknown, already
confirmed or cancelled ticket's code is a sentence in the visitor's language. The ticket number
alone confirms nothing (it is guessable)."""

from __future__ import annotations

import time

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import check_in
from kiosk.text import LANGUAGES, t
from tests.e2e import test_kiosk_check_in as check_in_test
from tests.e2e.test_kiosk import drive
from tests.e2e.test_kiosk_check_in import _burst, _press, _tap
from tests.screens import check_screen
from wire import protocol as p

# The check-in test's fixtures: a hub on the hall clock, and a kiosk on a fake TCP printer.
hub = check_in_test.hub
kiosk = check_in_test.kiosk


def _remote(hub, owner: str) -> tuple[str, str, str]:
    """A remote ticket for 제증명 (cert) once four visitors wait: its number, page token and the
    arrival code its page shows (web/routers/tickets.py)."""
    web = hub.client("web")
    try:
        reply = web.ask(p.REMOTE_ISSUE, service="cert", owner=owner)
        assert reply.status == "ok", reply.error
        issued = reply.result()
        return issued.number, issued.token, p.confirm_code(p.token_hash(issued.token))
    finally:
        web.close()


@pytest.fixture
def queue_of_four(hub):
    """Four walk-ins wait for cert: long enough that a remote ticket is offered."""
    staff = hub.client("staff")
    for _ in range(4):
        assert staff.ask(p.ISSUE, service="cert").status == "ok"
    yield staff
    staff.close()


def test_a_scanned_page_qr_confirms_the_remote_ticket_and_says_its_number_and_place(hub, kiosk, queue_of_four):
    k, fake = kiosk
    number, _, code = _remote(hub, "browser-0001")
    k.voice_on = True
    _burst(k, code)
    drive(k, lambda: k.mode == "arrived")
    assert k.arrived.ticket.number == number and k.arrived.ahead == 4
    lines = check_in.confirmed_lines(number, 4, "waiting", "ko")
    assert lines == [t("confirm_done", "ko", number=number), t("confirm_ahead", "ko", n=4)]
    assert k.guide.texts()[-2:] == lines  # said as shown
    check_screen(k.screen, "kiosk-confirmed-ko", [number, *lines])
    assert fake.tickets == []  # the ticket is on the phone: nothing is printed
    # The same QR again: already confirmed, said plainly.
    _burst(k, code)
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("confirm_already", "ko") and k.offers == []
    assert k.guide.texts()[-1] == t("confirm_already", "ko")
    # Its number is not a code: a stranger who read it off the board confirms nothing.
    assert queue_of_four.request("confirm", ticket=number).error.code == "bad_request"


def test_a_typed_arrival_code_on_screen_keys_and_keypad_digits_confirms(hub, kiosk, queue_of_four):
    k, fake = kiosk
    number, _, code = _remote(hub, "browser-0002")
    k.language = "vi"
    _tap(k, ("booking",))
    assert k.mode == "code"
    check_screen(k.screen, "kiosk-code-vi", [t("code_title", "vi")])
    k.voice_on = True
    for ch in code:
        if ch.isdigit():
            _press(k, pygame.K_KP0 + int(ch), ch)  # the keypad types the code's digits
        else:
            _tap(k, ("code_char", ch))
    assert k.code == code
    _press(k, pygame.K_KP_ENTER)  # OK on the keypad
    drive(k, lambda: k.mode == "arrived")
    assert k.arrived.ticket.number == number and k.arrived.ahead == 4
    assert k.guide.texts()[-2] == t("confirm_done", "vi", number=number)
    assert fake.tickets == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_or_cancelled_tickets_code_is_a_sentence_in_the_visitors_language(
    hub, kiosk, queue_of_four, language
):
    k, fake = kiosk
    _, token, code = _remote(hub, f"browser-1{LANGUAGES.index(language):03d}")
    web = hub.client("web")
    try:
        assert web.ask(p.CANCEL, token=token).status == "ok"  # the holder gave it up on the page
    finally:
        web.close()
    k.language = language
    _burst(k, f"{code[:3].lower()}-{code[3:]}")  # case and dash do not matter
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("confirm_unknown", language)
    check_screen(k.screen, f"kiosk-confirm-unknown-{language}", [])
    k._act(("home",))
    _burst(k, "ZZZ222")  # never issued
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("confirm_unknown", language) and fake.tickets == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("k7q-m2x", "K7QM2X"),
        (" K7Q M2X ", "K7QM2X"),
        ("K7QM2", None),  # five symbols: neither an arrival code nor a booking code
        ("K7QM2X2", None),
        ("K7QM20", None),  # 0 is not in the alphabet
    ],
)
def test_code_of_reads_arrival_codes(text, code):
    assert check_in.code_of(text) == code


def test_code_of_reads_a_ticket_page_link_as_its_arrival_code():
    token = "abcDEF123_-xyz789"
    assert check_in.code_of(f"http://hall.test/t/{token}?lang=ko") == p.confirm_code(p.token_hash(token))
    assert check_in.code_of("http://hall.test/t/short") is None  # not a page token


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcz01 -/:?t."), max_size=40))
def test_an_arrival_code_read_is_one_the_confirm_op_accepts(text):
    code = check_in.code_of(text)
    if code is not None and check_in.is_arrival_code(code):
        assert p.Confirm(v=1, id="x", code=code).code == code
        assert len(code) == p.CONFIRM_LENGTH and set(code) <= set(p.CONFIRM_ALPHABET)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=64))
def test_confirm_code_is_always_six_symbols_of_the_alphabet(token_hash):
    code = p.confirm_code(token_hash)
    assert len(code) == p.CONFIRM_LENGTH and set(code) <= set(p.CONFIRM_ALPHABET)


def test_the_remote_tickets_page_shows_the_arrival_code_and_its_qr(browser, hub, web, queue_of_four, tmp_path):
    """What the holder shows the kiosk: the phone-sized ticket page, its arrival code and QR."""
    from tests.conftest import PHONE
    from tests.screens import OUT

    number, token, code = _remote(hub, "browser-2001")
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{web.url}/t/{token}?lang=ko&remote=1")  # where the remote form leads
        assert page.locator(".number").inner_text() == number
        shown = page.locator("#confirm-code")
        assert shown.is_visible() and shown.inner_text() == f"{code[:3]}-{code[3:]}"
        assert page.locator("#confirm .qr svg").is_visible()
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / "web-remote-ticket-ko.png"), full_page=True)
        # The language links drop remote=1: the hub's state/places names the ticket as unconfirmed.
        page.goto(f"{web.url}/t/{token}?lang=en")
        assert page.locator("#confirm summary").inner_text() == "Arrival code"
        assert page.locator("#confirm-code").inner_text() == f"{code[:3]}-{code[3:]}"
        # A printed ticket's page shows no arrival code (there is nothing to confirm).
        printed = queue_of_four.ask(p.ISSUE, service="cert").data.token
        page.goto(f"{web.url}/t/{printed}?lang=ko")
        assert page.locator(".number").is_visible() and page.locator("#confirm").count() == 0
        # Once confirmed, the remote ticket's page drops it too.
        assert queue_of_four.request("confirm", code=code).status == "ok"
        deadline = time.monotonic() + 30  # state/places follows at most twice a second (slower under load)
        while True:
            page.goto(f"{web.url}/t/{token}?lang=ko")
            if page.locator("#confirm").count() == 0 or time.monotonic() > deadline:
                break
            page.wait_for_timeout(300)
        assert page.locator("#confirm").count() == 0
    finally:
        context.close()
