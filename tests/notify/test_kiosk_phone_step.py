"""The kiosk's "문자로 알림 받기" step end to end: a real broker, hub and notifier (fake SMS provider),
a kiosk driven by its physical keypad only. A good number is stored (the notifier says so); a bad
one is refused on screen with nothing stored; the number never reaches a log."""

from __future__ import annotations

import logging

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.fakes import FakeGuide, FakeNetworkPrinter
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from kiosk.app import Kiosk
from kiosk.phone_step import MAX_DIGITS, PhoneStep, masked, shown, spoken
from kiosk.text import t
from notify.main import build
from tests.conftest import RunningHub
from tests.e2e.test_kiosk import drive
from tests.e2e.test_kiosk_keypad import press
from tests.notify.conftest import NotifyHall
from wire import protocol as p
from wire.config import PrinterSettings
from wire.notify_protocol import NOTIFY_STATUS

DIGIT_KEYS = {str(d): pygame.K_KP0 + d for d in range(10)}


def _type(k: Kiosk, number: str) -> None:
    for digit in number:
        press(k, DIGIT_KEYS[digit], digit)


def _ticket_then_phone_step(k: Kiosk) -> None:
    """Keypad only: task 1 by its digit, then down to 문자로 알림 받기 and OK."""
    drive(k, lambda: k.mode == "start" and any(a[0] == "service" for _, a in k.targets))
    if not k.voice_on:
        press(k, pygame.K_KP5, "5")  # the first key turns the voice guidance on
    press(k, pygame.K_KP1, "1")
    drive(k, lambda: k.mode == "done", timeout=20)
    assert any(a == ("phone",) for _, a in k.targets), "no 문자로 알림 받기 on the done screen"
    assert k.guide.said[-1] == (t("say_phone_offer", k.language), k.language)  # a blind visitor hears the offer
    while k.focus != ("phone",):
        press(k, pygame.K_DOWN)
    assert k.guide.said[-1] == (t("phone_offer", k.language), k.language)
    press(k, pygame.K_KP_ENTER)
    assert (t("phone_consent", k.language), k.language) in k.guide.said[-3:]
    assert k.mode == "phone"


@pytest.fixture
def notifier_kiosk(notify_hall: NotifyHall, notify_hub: RunningHub, tmp_path):
    hall = notify_hall.config()
    service = build(hall, client_id="notify-test").start()
    assert service.connected.wait(10)
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    screen = Screen((1080, 1920), fullscreen=False)
    client = notify_hub.client("kiosk-1")
    voice = FakeGuide()
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    k = Kiosk(hall, "kiosk-1", client, printer, screen, voice=voice)
    assert k.notify_offered
    yield k, client, voice
    client.close()
    screen.close()
    service.stop()


def test_keypad_only_number_is_registered_spoken_back_and_shown_masked(notifier_kiosk, caplog) -> None:
    k, client, voice = notifier_kiosk
    caplog.set_level(logging.DEBUG)
    _ticket_then_phone_step(k)
    token = k.ticket.token
    _type(k, "010123456789")  # one digit too many: the pad stops at 11
    assert k.phone.digits == "01012345678"
    press(k, pygame.K_BACKSPACE)  # 뒤로: deletes the last digit
    _type(k, "9")
    assert voice.said[-1] == ("9", "ko")  # each digit said back as it is typed
    press(k, pygame.K_KP_ENTER)
    assert (t("say_phone_number", "ko", digits=spoken("01012345679")), "ko") in voice.said
    drive(k, lambda: k.phone.finished, timeout=15)
    assert k.phone.outcome == "registered"
    line = t("phone_registered", "ko", masked="010-****-5679")
    assert voice.said[-2] == (line, "ko")
    drawn = " ".join(d.text for d in k.screen.painter.log)  # a long line is wrapped on screen
    assert line in drawn and "1234" not in drawn
    status = client.ask(NOTIFY_STATUS, to="notify", token=token).result()
    assert status.sms.on and status.sms.last4 == "5679"
    assert "01012345679" not in caplog.text and "1234-5679" not in caplog.text and "12345679" not in caplog.text
    # OK on the answer goes home, and the number is forgotten.
    press(k, pygame.K_KP_ENTER)
    assert k.mode == "start" and k.phone.digits == ""


def test_a_bad_number_is_refused_on_screen_and_nothing_is_stored(notifier_kiosk) -> None:
    k, client, voice = notifier_kiosk
    _ticket_then_phone_step(k)
    token = k.ticket.token
    _type(k, "0212345678")  # a landline: no text message reaches it
    press(k, pygame.K_KP_ENTER)
    drive(k, lambda: k.phone.outcome is not None, timeout=15)
    assert k.phone.outcome == "invalid_phone" and k.mode == "phone"
    assert t("phone_invalid", "ko") in " ".join(d.text for d in k.screen.painter.log)
    assert (t("phone_invalid", "ko"), "ko") in voice.said
    status = client.ask(NOTIFY_STATUS, to="notify", token=token).result()
    assert not status.sms.on and status.sms.last4 is None
    # Typing again starts a fresh number; 뒤로 on an empty number cancels back to the ticket.
    _type(k, "0")
    assert k.phone.digits == "0" and k.phone.outcome is None
    press(k, pygame.K_BACKSPACE)
    press(k, pygame.K_BACKSPACE)
    assert k.mode == "done" and k.phone.digits == ""


def test_the_number_as_shown_masked_and_spoken() -> None:
    assert shown("01012345678") == "010-1234-5678" and shown("0101") == "010-1" and shown("010") == "010"
    assert masked("01012345678", "5678") == "010-****-5678"
    assert spoken("0101") == "0 1 0 1"


def test_the_notifier_away_is_a_plain_sentence_and_the_ticket_stands(
    notify_hall: NotifyHall, notify_hub: RunningHub, tmp_path
) -> None:
    """No notifier on the broker: the ask times out on the worker (the screen keeps drawing) and the
    visitor reads "지금은 신청할 수 없습니다"; the ticket is still theirs."""
    hall = notify_hall.config()
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    screen = Screen((1080, 1920), fullscreen=False)
    client = notify_hub.client("kiosk-1")
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    k = Kiosk(hall, "kiosk-1", client, printer, screen, voice=FakeGuide(), notify=True)
    try:
        _ticket_then_phone_step(k)
        _type(k, "01012345678")
        press(k, pygame.K_KP_ENTER)
        assert k.phone.sending and k.mode == "phone"  # on its way; the loop goes on drawing
        drive(k, lambda: k.phone.finished, timeout=20)
        assert k.phone.outcome == "timeout"
        assert t("phone_timeout", "ko") in " ".join(d.text for d in k.screen.painter.log)
        assert client.snapshot.service(k.ticket.service).waiting >= 1  # the ticket still waits
    finally:
        client.close()
        screen.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "9", "del"]), max_size=40))
def test_any_run_of_digit_and_delete_keys_keeps_a_short_digit_string(keys):
    step = PhoneStep(None, "kiosk-1")
    for key in keys:
        step.delete() if key == "del" else step.type(int(key))
        assert step.digits.isdigit() or step.digits == ""
        assert len(step.digits) <= MAX_DIGITS
    assert not step.submit("token", "ko") or step.digits  # nothing typed: nothing sent


def test_an_answer_for_a_closed_step_is_not_shown_to_the_next_visitor():
    step = PhoneStep(None, "kiosk-1")
    step.digits, step.sending = "01012345678", True
    visit = step.visit
    step.clear()  # nobody answered 계속하시겠습니까?: the kiosk went home
    step.results.put((visit, "registered", "5678"))
    assert not step.poll() and step.outcome is None and not step.sending
    step.type(1)
    assert step.digits == "1"


def test_a_kiosk_pi_learns_the_offer_from_the_halls_description(
    notify_hall: NotifyHall, notify_hub: RunningHub, tmp_path
) -> None:
    """A kiosk Pi runs from its device file, which says nothing of [notify]: it offered no step at all
    until the hub's retained description carried `sms_notices` (found merging the step)."""
    hall = notify_hall.config()
    assert hall.hall.public().sms_notices and p.read_hall(p.describe(hall.hall)).sms_notices
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    screen = Screen((1080, 1920), fullscreen=False)
    client = notify_hub.client("kiosk-1")
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    k = Kiosk(None, "kiosk-1", client, printer, screen, voice=FakeGuide())  # as from the device file
    try:
        drive(k, lambda: k.hall is not None, timeout=20)
        assert k.notify_offered
    finally:
        client.close()
        screen.close()
