"""예약 확인 at the kiosk (issue 15), end to end: a booking made through a real hub, then the
visitor scans its QR code (a scanner's burst of SDL key events) or types its code on the screen
and keypad, and a ticket marked 예약 comes out of the fake TCP printer. Too early: the reason,
and one touch to a walk-in ticket for the same task.

The hub and the kiosk run on the hall clock (wire/clock.py, as SUNBEON_CLOCK sets it in a hall):
a Monday morning at real speed, so the next slots are always today, whatever the hour the test
runs at (on the wall clock it had to skip from 23:45)."""

from __future__ import annotations

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.fakes import FakeGuide, FakeNetworkPrinter
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from hub.bus import HubBus
from hub.service import HubService
from hub.store import Store
from kiosk import check_in
from kiosk.app import Kiosk
from kiosk.text import t
from kiosk.ticket import TicketContent
from tests.conftest import RunningHub
from tests.e2e.test_kiosk import drive, touch
from wire import clock as hall_clock
from wire import protocol as p
from wire.config import PrinterSettings

SLOT_MINUTES = 15  # tests/halls.py: the passport desk books 15-minute slots


# The hall's day for these tests: SUNBEON_CLOCK's form, at real speed from the moment it is read.
HALL_TIME = "2026-11-23T10:02:00+09:00"


class HallClockHub(RunningHub):
    """The conftest hub, on a hall clock instead of the machine's (as hub/bootstrap.py runs it)."""

    def __init__(self, config_path, database, clock: hall_clock.HallClock) -> None:
        super().__init__(config_path, database)
        self.clock = clock

    def start(self) -> HallClockHub:
        self.store = Store(self.database)
        self.service = HubService(self.hall, self.store, clock=self.clock.now)
        self.bus = HubBus(self.hall, self.service, client_id=f"hub-{id(self)}")
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.bus.run, args=(self.stop_event,), daemon=True)
        self.thread.start()
        assert self.bus.connected.wait(10), "the hub did not connect"
        return self


@pytest.fixture
def hub(hall_file, tmp_path):
    """A running hub whose day is HALL_TIME's (overrides conftest's wall-clock hub here)."""
    running = HallClockHub(hall_file, tmp_path / "hub.db", hall_clock.parse(HALL_TIME)).start()
    yield running
    running.stop()


def _slot(hub, ahead: int) -> tuple[str, str]:
    """The date and start of the `ahead`-th slot after now (0: the next one), in the hall's time."""
    now = datetime.datetime.fromtimestamp(hub.clock.now(), ZoneInfo(hub.hall.hall.site.timezone))
    start = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=now.minute % SLOT_MINUTES)
    slot = start + datetime.timedelta(minutes=SLOT_MINUTES * (ahead + 1))
    assert slot.date() == now.date(), "the hall clock's morning leaves slots today"
    return slot.date().isoformat(), slot.strftime("%H:%M")


def _book(hub, ahead: int = 0) -> str:
    web = hub.client("web")
    try:
        day, slot = _slot(hub, ahead)
        reply = web.ask(p.BOOK, service="passport", date=day, slot=slot)
        assert reply.status == "ok", reply.error
        booking = reply.result().booking
        assert booking is not None and booking.state == "booked"
        return booking.code
    finally:
        web.close()


@pytest.fixture
def kiosk(hub, tmp_path):
    screen = Screen((1080, 1920), fullscreen=False)
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    client = hub.client("kiosk-1")
    k = Kiosk(hub.hall, "kiosk-1", client, printer, screen, voice=FakeGuide(), wall=hub.clock.now)
    drive(k, lambda: k.mode == "start" and any(a == ("booking",) for _, a in k.targets))
    yield k, fake
    client.close()
    fake.close()
    screen.close()


def _burst(k, text: str) -> None:
    """A scanner: every character and Enter posted at once, handled in one go (well under 30 ms apart)."""
    for ch in text:
        key = pygame.key.key_code(ch.lower()) if ch.isalnum() else pygame.K_MINUS
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=ch, mod=0, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, unicode="\r", mod=0, scancode=0))
    for event in pygame.event.get():
        k.handle(event)


def _press(k, key, char=""):
    """A person on the keypad: one key, then a pause longer than a scanner's."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char, mod=0, scancode=0))
    for event in pygame.event.get():
        k.handle(event)
    time.sleep(0.05)
    k.step()


def _tap(k, action) -> None:
    """A touch on the control `action`, through the kiosk's event handler."""
    touch(k, action)
    for event in pygame.event.get():
        k.handle(event)
    k.step()


def _printed_booked(k, fake, code: str) -> None:
    drive(k, lambda: k.mode == "done", timeout=15)
    assert k.printed and isinstance(k.ticket, p.CheckInReply)
    assert k.ticket.booked and k.ticket.booking.code == code
    assert TicketContent.from_reply(k.ticket, "Asia/Seoul").booked  # printed with the 예약 mark
    deadline = time.monotonic() + 5
    while not fake.tickets and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake.tickets) == 1


def test_a_scanned_booking_qr_prints_a_booked_ticket(hub, kiosk):
    k, fake = kiosk
    code = _book(hub)
    _burst(k, f"{code[:4]}-{code[4:]}".lower())  # case and dash do not matter
    assert k.mode == "printing"
    _printed_booked(k, fake, code)
    # The same code again: already checked in, said plainly, nothing printed.
    k._act(("home",))
    _burst(k, code)
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("checkin_already", "ko") and k.offers == []
    assert len(fake.tickets) == 1


def test_a_typed_code_on_screen_keys_and_keypad_digits_prints_a_booked_ticket(hub, kiosk):
    k, fake = kiosk
    code = _book(hub)
    _press(k, pygame.K_KP0, "0")  # the first key starts the voice guidance only
    said = k.guide.texts()  # the start screen read out: the tasks, 0. 예약 확인, then how the keys work
    assert said[-2:] == [f"0. {t('booking_card', 'ko')}", t("say_keys", "ko")]
    _press(k, pygame.K_KP0, "0")  # keypad 0: 예약 확인
    assert k.mode == "code" and k.guide.texts()[-2:] == [t("code_title", "ko"), t("code_scan_hint", "ko")]
    k.step()
    for ch in code:
        if ch.isdigit():
            _press(k, pygame.K_KP0 + int(ch), ch)  # the keypad types the code's digits
        else:
            _tap(k, ("code_char", ch))
    assert k.code == code
    _tap(k, ("code_erase",))
    _tap(k, ("code_char", code[-1]))
    _press(k, pygame.K_KP_ENTER)  # OK on the keypad checks in
    _printed_booked(k, fake, code)


def test_too_early_says_so_and_offers_a_walk_in_ticket_for_the_task(hub, kiosk):
    k, fake = kiosk
    code = _book(hub, ahead=2)  # 30+ minutes away: check-in opens 15 minutes before
    _tap(k, ("booking",))
    assert k.mode == "code"
    for ch in code:
        _tap(k, ("code_char", ch))
    _tap(k, ("code_check",))
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("checkin_too_early", "ko", n=15) and k.offers == ["passport"]
    assert fake.tickets == []
    _tap(k, ("walk_in", "passport"))
    drive(k, lambda: k.mode == "done", timeout=15)
    assert k.printed and not k.ticket.booked and k.ticket.service == "passport"


def test_an_unknown_code_is_refused_and_a_scan_of_something_else_is_not_a_code(hub, kiosk):
    k, fake = kiosk
    _burst(k, "ZZZZ2222")
    drive(k, lambda: k.mode == "refused")
    assert k.refusal == t("checkin_unknown", "ko") and k.offers == []
    k.voice_on = True  # (the first key of a visitor only starts the voice guidance)
    _press(k, pygame.K_KP_ENTER)  # OK on the keypad: back to the start
    assert k.mode == "start"
    _burst(k, "https://example.org/?q=0000")  # a code the booking alphabet cannot hold
    assert k.mode == "problem" and k.problem_key == "scan_unknown"
    assert fake.tickets == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("k7qp-m2xa", "K7QPM2XA"),
        (" K7QP M2XA ", "K7QPM2XA"),
        ("http://hall.test/booking/K7QPM2XA", "K7QPM2XA"),
        ("http://hall.test/booking/K7QPM2XA/?lang=ko", "K7QPM2XA"),
        ("K7QPM2X0", None),
        ("ABC", None),
        ("", None),
        ("\x00" * 600, None),
    ],
)
def test_code_of_reads_what_a_scanner_or_a_visitor_types(text, code):
    assert check_in.code_of(text) == code


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_code_of_never_raises_and_gives_only_codes_the_hub_accepts(text):
    code = check_in.code_of(text)
    if code is not None:
        assert 4 <= len(code) <= 16 and set(code) <= set(check_in.CODE_ALPHABET)
        assert p.CheckIn(v=1, id="x", code=code).code == code  # the op's own pattern takes it
