"""Counter monitors and the hall board against a real broker and hub, buttons on gpiozero mock pins."""

import time

import pygame
import pytest
from gpiozero.pins.mock import MockFactory

from display.announce import Announcer, EspeakVoice
from display.app import Display
from display.main import wire_buttons
from hardware.audio import Speaker
from hardware.screen import Screen
from tests.screens import check_screen
from wire.config import ButtonPins

# Margins a loaded machine cannot eat: NEXT acts on release and a hold pauses the counter, so the
# hold time is ten times a short press (at 0.4 s against a 0.05 s press, an oversleeping test thread
# made a press a hold); the chatter of a press is driven without sleeps and well inside the debounce
# (with 1 ms sleeps between edges, a loaded machine stretched it past a 30 ms debounce: two calls).
PINS = ButtonPins(next=17, recall=27, no_show=22, led=23, hold_seconds=1.5, debounce_ms=100)


def settle(*displays, until=lambda: True, timeout=60.0):
    """Step the displays until `until()` holds; the deadline is generous, since only a failure waits it out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for d in displays:
            d.step()
        if until():
            return
        time.sleep(0.02)
    raise AssertionError("the displays did not get there")


@pytest.fixture
def hall_display(hub, tmp_path):
    speaker = Speaker(realtime=False)
    announcer = Announcer(EspeakVoice(tmp_path), speaker, work=tmp_path)
    client = hub.client("hall-display")
    display = Display(hub.hall, client, Screen((1920, 1080), offscreen=True), mode="hall", announcer=announcer)
    yield display
    client.close()
    announcer.close()
    speaker.close()


@pytest.fixture
def counter_display(hub):
    from contextlib import ExitStack

    factory = MockFactory()
    client = hub.client("counter-3")
    display = Display(hub.hall, client, Screen((1280, 720), offscreen=True), mode="counter", counter="3")
    with ExitStack() as stack:
        wire_buttons(display, PINS, stack, pin_factory=factory)
        display.pins = factory
        yield display
    client.close()


def press(display, pin):
    """A short press, with the chatter of a real contact (four edges) before it settles."""
    p = display.pins.pin(pin)
    for i in range(4):
        p.drive_low() if i % 2 == 0 else p.drive_high()
    p.drive_low()
    time.sleep(0.15)
    p.drive_high()


def hold_until(display, pin, until):
    """Hold a button down until `until()` holds (the hold timer has fired and the hub has answered),
    then let go: a fixed hold of 0.7 s against a 0.4 s timer lost the race on a loaded machine."""
    p = display.pins.pin(pin)
    p.drive_low()
    try:
        settle(display, until=until)
    finally:
        p.drive_high()


def serving(display):
    snap = display.client.snapshot
    view = snap.counter("3") if snap else None
    return view.serving.number if view and view.serving else None


def test_next_button_calls_once_despite_bounce_and_every_screen_shows_it(hub, clients, counter_display, hall_display):
    kiosk = clients["kiosk-1"]
    kiosk.request("issue", service="cert")
    kiosk.request("issue", service="cert", language="zh")
    press(counter_display, 17)
    settle(
        counter_display,
        hall_display,
        until=lambda: serving(counter_display) == "1001" and serving(hall_display) == "1001",
    )
    time.sleep(0.3)  # let any stray second call arrive, if one were sent
    snap = counter_display.client.wait_for_snapshot(lambda s: s.counter("3").serving is not None)
    assert snap.counter("3").serving.number == "1001" and snap.service("cert").waiting == 1
    assert counter_display.led.is_lit
    counter_display.draw()
    check_screen(counter_display.screen, "display-counter", ["3번 창구", "1001", "대기 1명"])
    assert hall_display.announcer.wait_idle(60)
    assert [s.text for s in hall_display.announcer.spoken] == ["천일 번 고객님, 삼 번 창구로 오십시오"]
    hall_display.draw()
    check_screen(hall_display.screen, "display-hall", ["1001", "→ 3번 창구", "제증명", "1명"])
    # The next press calls the Chinese visitor: the board says it in Korean, then Chinese.
    press(counter_display, 17)
    # The board too: its call event comes before its snapshot, so the announcer has the call queued
    # (waiting on the counter alone, a loaded machine found the announcer idle before the call came).
    settle(
        counter_display,
        hall_display,
        until=lambda: serving(counter_display) == "1002" and serving(hall_display) == "1002",
    )
    assert hall_display.announcer.wait_idle(60)
    assert [s.text for s in hall_display.announcer.spoken[1:]] == [
        "천이 번 고객님, 삼 번 창구로 오십시오",
        "请1002号到3号窗口办理。",
    ]


def test_recall_no_show_and_hold_to_pause(hub, clients, counter_display, hall_display):
    clients["kiosk-1"].request("issue", service="cert")
    press(counter_display, 17)
    settle(counter_display, until=lambda: serving(counter_display) == "1001")
    press(counter_display, 27)  # RECALL
    assert hall_display.announcer.wait_idle(60)
    settle(hall_display, until=lambda: len(hall_display.announcer.spoken) == 2)
    assert hall_display.client.snapshot.recent_calls[0].recall
    press(counter_display, 22)  # NO-SHOW
    settle(counter_display, until=lambda: serving(counter_display) is None)
    rows = hub.store.tickets(hub.service.state.business_date)
    assert [(r["label"], r["state"], r["recalls"]) for r in rows] == [("1001", "no_show", 1)]
    hold_until(counter_display, 17, lambda: counter_display.client.snapshot.counter("3").status == "paused")
    counter_display.draw()
    check_screen(counter_display.screen, "display-counter-paused", ["잠시 자리를 비웠습니다"])
    hold_until(counter_display, 17, lambda: counter_display.client.snapshot.counter("3").status == "open")  # resume
    press(counter_display, 17)  # nobody waits: the monitor says so (from the snapshot)
    settle(counter_display, until=lambda: counter_display.client.snapshot.counter("3").waiting == 0)
    counter_display.draw()
    check_screen(counter_display.screen, "display-counter-nobody", ["대기 인원이 없습니다"])


def test_keyboard_stands_in_for_the_buttons(hub, clients, counter_display):
    clients["kiosk-1"].request("issue", service="cert")
    counter_display.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n))
    settle(counter_display, until=lambda: serving(counter_display) == "1001")


def test_hall_board_shows_alerts(hub, clients, hall_display):
    clients["kiosk-1"].set_status("degraded", "printer: paper out")
    settle(hall_display, until=lambda: bool(hall_display.client.snapshot.alerts))
    hall_display.draw()
    check_screen(hall_display.screen, "display-hall-alert", ["1번 키오스크 · 용지 없음"])


def test_broker_restart_shows_reconnecting_then_recovers(broker, hub, clients, counter_display, hall_display):
    clients["kiosk-1"].request("issue", service="cert")
    clients["kiosk-1"].request("issue", service="cert")
    press(counter_display, 17)
    settle(counter_display, hall_display, until=lambda: serving(hall_display) == "1001")
    broker.stop()
    settle(
        counter_display,
        hall_display,
        until=lambda: not counter_display.client.online and not hall_display.client.online,
    )
    for d in (counter_display, hall_display):
        d.draw()
        assert any("연결 중" in t for t in d.screen.painter.drawn_text())
        assert "1001" in d.screen.painter.drawn_text()  # the last state stays on screen
    check_screen(counter_display.screen, "display-counter-reconnecting", ["1001", "연결 중"])
    broker.start()
    settle(
        counter_display,
        hall_display,
        until=lambda: counter_display.client.online and hall_display.client.online,
        timeout=120,  # the clients' reconnect backoff, on a loaded machine
    )
    press(counter_display, 17)
    settle(counter_display, hall_display, until=lambda: serving(hall_display) == "1002")
    for d in (counter_display, hall_display):
        d.draw()
        assert not any("연결 중" in t for t in d.screen.painter.drawn_text())
