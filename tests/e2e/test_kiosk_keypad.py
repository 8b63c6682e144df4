"""The kiosk without touching the screen: a keypad-only journey to a printed ticket (language,
large text, priority) with the voice guidance asserted line by line; the scanner boundary."""

import time

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardware.fakes import FakeGuide, FakeNetworkPrinter, FakeVoice
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from hardware.voice import Guide
from kiosk.app import Kiosk
from kiosk.keypad import BURST_GAP, CHAR_KEYS, Key, KeyReader, Scan
from kiosk.text import t
from tests.e2e.test_kiosk import drive
from wire.config import PrinterSettings


@pytest.fixture
def hub_kiosk(hub):
    screen = Screen((1080, 1920), fullscreen=False)
    client = hub.client("kiosk-1")
    k = Kiosk(
        hub.hall, "kiosk-1", client, NetworkPrinter(PrinterSettings(port=1, timeout=0.2)), screen, voice=FakeGuide()
    )
    drive(k, lambda: any(a[0] == "service" for _, a in k.targets))
    yield k
    client.close()
    screen.close()


def press(k, key, char=""):
    """A real SDL key event through the kiosk's event handler (as the USB keypad sends it)."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char, mod=0, scancode=0))
    for event in pygame.event.get():
        k.handle(event)
    time.sleep(0.05)  # slower than a scanner: a person
    k.step()


def test_keypad_only_journey_to_a_printed_ticket_speaks_every_step(hub, tmp_path):
    screen = Screen((1080, 1920), fullscreen=False)
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    client = hub.client("kiosk-1")
    voice = FakeGuide()
    k = Kiosk(hub.hall, "kiosk-1", client, printer, screen, voice=voice)
    try:
        drive(k, lambda: k.mode == "start" and any(a[0] == "service" for _, a in k.targets))
        services = client.snapshot.services
        # Any key starts the voice guidance: the screen is read as a numbered list.
        press(k, pygame.K_KP5, "5")
        assert k.voice_on
        said = voice.texts()
        assert said[0] == t("say_start", "ko")
        for i, service in enumerate(services, 1):
            assert t("say_item", "ko", n=i, name=service.name["ko"]) in said[i]
        # Down to the language buttons, English chosen with OK.
        while k.focus != ("language", "en"):
            press(k, pygame.K_DOWN)
            assert len(voice.said) < 200
        assert voice.said[-1] == ("English", "en")
        press(k, pygame.K_KP_ENTER)
        assert k.language == "en" and voice.said[-1] == (t("say_language", "en"), "en")
        # Large text, reached and chosen the same way.
        while k.focus != ("large",):
            press(k, pygame.K_DOWN)
        press(k, pygame.K_RETURN)
        assert k.large and voice.said[-1] == (t("say_selected", "en", name=t("large", "en")), "en")
        # Volume and speed by key.
        press(k, pygame.K_KP_PLUS, "+")
        assert voice.volume == 125 and voice.said[-1] == (t("say_volume", "en", n=5), "en")
        press(k, pygame.K_KP_MULTIPLY, "*")
        assert voice.speed == 190 and voice.said[-1][0] == t("say_rate", "en", name=t("rate_fast", "en"))
        # The priority ticket is the card after the tasks; its digit turns it on and explains it.
        number = len(services) + 1
        press(k, pygame.K_KP0 + number, str(number))
        assert k.priority
        assert voice.said[-1] == (t("priority_explain", "en"), "en")
        # Task 1 by its digit: the ticket is issued and printed.
        press(k, pygame.K_KP1, "1")
        drive(k, lambda: k.mode == "done")
        assert k.printed and fake.wait_for_tickets(1)
        ticket = k.ticket
        assert ticket.priority and ticket.language == "en"
        done_line = t(
            "say_done",
            "en",
            number=ticket.number,
            service=ticket.service_name["en"],
            ahead=ticket.ahead,
            low=ticket.estimate_minutes[0],
            high=ticket.estimate_minutes[1],
        )
        assert voice.texts()[-2:] == [t("say_printing", "en"), done_line]
        # Repeatable with the help key.
        press(k, pygame.K_KP_DIVIDE, "/")
        assert voice.texts()[-1] == done_line
        # Back with the back key; the screen says the start again, still in English.
        press(k, pygame.K_BACKSPACE)
        # say_start, each task, 우선 배려, 0. 예약 확인 (the hall takes bookings: issue 15), say_keys
        assert k.mode == "start" and voice.texts()[-len(services) - 4] == t("say_start", "en")
        assert voice.texts()[-1] == t("say_keys", "en")
        assert len(hub.store.tickets(ticket.business_date)) == 1
    finally:
        client.close()
        printer.close()
        fake.close()
        screen.close()


def test_a_scanner_is_not_the_keypad(hub):
    screen = Screen((1080, 1920), fullscreen=False)
    client = hub.client("kiosk-1")
    voice = FakeGuide()
    k = Kiosk(hub.hall, "kiosk-1", client, NetworkPrinter(PrinterSettings(port=1)), screen, voice=voice)
    try:
        drive(k, lambda: any(a[0] == "service" for _, a in k.targets))
        # "1" then Enter, typed by a scanner within milliseconds: one scanned code, no ticket.
        now = k.clock()
        events = []
        for i, char in enumerate("1123"):
            events += k.keys.feed(char, char, now + i * 0.005)
        events += k.keys.feed("return", "\r", now + 0.021)
        assert events == [Scan("1123")]
        k.key(events[0])
        k.draw()
        assert k.mode == "problem" and t("scan_unknown", "ko") in k.screen.painter.drawn_text()
        assert k.mode != "printing"
    finally:
        client.close()
        screen.close()


def test_voice_guide_speaks_in_order_and_a_new_screen_cuts_the_old_one():
    voice = FakeVoice()
    guide = Guide(voice)
    try:
        guide.say([("하나", "ko"), ("둘", "ko")])
        deadline = time.monotonic() + 5
        while len(guide.said) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert guide.said == [("하나", "ko"), ("둘", "ko")]
        guide.louder(-50)
        guide.next_speed()
        guide.say([("셋", "ko")])
        while len(guide.said) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert voice.lines[-1] == ("셋", "ko", 190, 50)  # the engine got the new speed and volume
    finally:
        guide.close()


human = st.lists(st.tuples(st.sampled_from(sorted(CHAR_KEYS)), st.floats(BURST_GAP + 0.001, 5.0)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(human)
def test_keys_typed_by_a_person_arrive_as_keys(presses):
    reader, now, out = KeyReader(), 0.0, []
    for char, gap in presses:
        now += gap
        out += reader.feed(char, char, now)
    out += reader.poll(now + 1)
    assert out == [Key(CHAR_KEYS[c]) for c, _ in presses]


@settings(max_examples=200, deadline=None)
@given(
    # What a scanner types: printable characters (QR payloads, booking codes), never spaces or controls.
    st.text(
        st.characters(min_codepoint=33, max_codepoint=0x2FFF).filter(lambda c: c.isprintable() and not c.isspace()),
        min_size=3,
        max_size=80,
    ),
    st.lists(st.floats(0, BURST_GAP * 0.9), min_size=81, max_size=81),
    st.booleans(),
)
def test_a_scanned_burst_is_one_code_never_keys(code, gaps, enter):
    reader, now, out = KeyReader(), 100.0, []
    for char, gap in zip(code, gaps, strict=False):
        now += gap
        out += reader.feed(char, char, now)
    if enter:
        out += reader.feed("return", "\r", now + gaps[-1])
    out += reader.poll(now + 1)
    assert out == [Scan(code)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=3), st.text(max_size=2), st.floats(0, 1)), max_size=60))
def test_any_key_stream_never_raises_and_loses_no_character(stream):
    reader, now, out = KeyReader(), 0.0, []
    for name, char, gap in stream:
        now += gap
        out += reader.feed(name, char, now)
    out += reader.poll(now + 1)
    scanned = "".join(e.code for e in out if isinstance(e, Scan))
    assert all(isinstance(e, Key | Scan) for e in out)
    assert len(scanned) <= sum(len(c) for _, c, _ in stream)


def test_no_reset_without_asking_any_key_extends_and_voice_mode_waits_longer(hub):
    from kiosk.app import ASK_SECONDS, IDLE_SECONDS, VOICE_FACTOR

    screen = Screen((1080, 1920), fullscreen=False)
    client = hub.client("kiosk-1")
    voice = FakeGuide()
    k = Kiosk(hub.hall, "kiosk-1", client, NetworkPrinter(PrinterSettings(port=1)), screen, voice=voice)
    try:
        drive(k, lambda: any(a[0] == "service" for _, a in k.targets))
        k.tap(*next((r[0] + 5, r[1] + 5) for r, a in k.targets if a == ("language", "vi")))
        k.changed_at -= IDLE_SECONDS + 1
        k.step()
        assert k.asking_since is not None and k.language == "vi"  # asked, not reset
        assert t("still_there", "vi") in " ".join(k.screen.painter.drawn_text())
        press(k, pygame.K_DOWN)  # any key answers
        assert k.asking_since is None and k.language == "vi" and k.mode == "start"
        press(k, pygame.K_DOWN)  # the next key starts the voice guidance
        assert k.voice_on
        k.changed_at -= IDLE_SECONDS + 1
        k.step()
        assert k.asking_since is None  # voice mode waits longer
        k.changed_at -= IDLE_SECONDS * VOICE_FACTOR
        k.step()
        assert k.asking_since is not None
        assert voice.texts()[-3:] == [
            t("still_there", "vi"),
            t("returning_in", "vi", n=int(ASK_SECONDS * VOICE_FACTOR)),
            t("any_key", "vi"),
        ]
        k.asking_since -= ASK_SECONDS + 1
        k.step()
        assert k.asking_since is not None  # still the longer countdown
        k.asking_since -= ASK_SECONDS * VOICE_FACTOR
        k.step()
        assert k.asking_since is None and k.language == "ko" and not k.voice_on  # nobody answered: reset
    finally:
        client.close()
        screen.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 0x4000_0200), st.text(max_size=3), st.floats(0, 0.2)),
        max_size=25,
    )
)
def test_any_key_events_leave_the_kiosk_working(hub_kiosk, events):
    """Whatever a keypad or scanner sends: the kiosk neither raises nor stops answering."""
    k = hub_kiosk
    now = k.clock()
    for key, char, gap in events:
        now += gap
        k.handle(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char, mod=0, scancode=0))
        k.step()
    assert k.faults == 0
    k._home()
    k.draw()
    assert any(a[0] == "service" for _, a in k.targets) or not k.client.online
