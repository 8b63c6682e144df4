"""직원 호출 end to end: the kiosk's button (or key) asks for a clerk; the hall board, the counter
monitors and the clerk console show "도움 요청 · 1번 키오스크" until a clerk clears it from the
console or a counter's button. Who may raise and who may clear is checked at the hub."""

import time
from contextlib import ExitStack

import httpx
from gpiozero.pins.mock import MockFactory

from display.app import Display
from display.main import wire_buttons
from hardware.fakes import FakeGuide
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from kiosk.app import Kiosk
from kiosk.keypad import Key
from kiosk.text import t
from tests.e2e.test_display import PINS, press
from tests.e2e.test_kiosk import drive
from tests.halls import CLERK_PASSWORD
from wire.config import ButtonPins, PrinterSettings

HELP = "도움 요청 · 1번 키오스크"
HELP_PIN = 24


def wait(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def board_text(display):
    display.draw()
    return " ".join(display.screen.painter.drawn_text())


def test_staff_call_reaches_every_screen_until_a_clerk_takes_it(hub, web, tmp_path):
    kiosk_client, board_client = hub.client("kiosk-1"), hub.client("hall-display")
    counter_client = hub.client("counter-3")
    voice = FakeGuide()
    screen = Screen((1080, 1920), fullscreen=False)  # a window (SDL dummy): drive() reads its events
    kiosk = Kiosk(hub.hall, "kiosk-1", kiosk_client, NetworkPrinter(PrinterSettings(port=1)), screen, voice=voice)
    board = Display(hub.hall, board_client, Screen((1920, 1080), offscreen=True), mode="hall")
    monitor = Display(hub.hall, counter_client, Screen((1280, 720), offscreen=True), mode="counter", counter="3")
    factory = MockFactory()
    try:
        with ExitStack() as stack:
            wire_buttons(monitor, ButtonPins(**{**PINS.model_dump(), "help": HELP_PIN}), stack, pin_factory=factory)
            monitor.pins = factory
            drive(kiosk, lambda: any(a == ("staff",) for _, a in kiosk.targets))
            kiosk.voice_on = True
            target = next(r for r, a in kiosk.targets if a == ("staff",))
            kiosk.tap(target[0] + 5, target[1] + 5)
            assert voice.texts()[-1] == t("staff_called", "ko")
            wait(lambda: board_client.snapshot.help)
            assert [h.device for h in board_client.snapshot.help] == ["kiosk-1"]
            assert HELP in board_text(board)
            wait(lambda: counter_client.snapshot.help)
            assert HELP in board_text(monitor)
            drive(kiosk, lambda: kiosk.staff_called)
            # Pressing again while waiting asks once (the first time counts).
            kiosk.tap(target[0] + 5, target[1] + 5)
            time.sleep(0.3)
            assert len(board_client.snapshot.help) == 1
            # The clerk console shows it and takes it.
            with httpx.Client(base_url=web.url, timeout=10) as http:
                http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD})
                page = http.get("/console/3").text
                assert HELP in page
                csrf = page.split('name="csrf" value="')[1].split('"')[0]
                taken = http.post(
                    "/console/3/command",
                    data={"op": "help_done", "device": "kiosk-1", "csrf": csrf},
                    follow_redirects=False,
                )
                assert taken.headers["location"] == "/console/3?msg=ok.help_done"
                wait(lambda: not board_client.snapshot.help)
                assert HELP not in board_text(board) and HELP not in http.get("/console/3/panel").text
            drive(kiosk, lambda: not kiosk.staff_called)
            # Asked again (by the keypad's key this time), and taken by the counter's HELP button.
            kiosk.key(Key("staff"))
            wait(lambda: counter_client.snapshot.help)
            press(monitor, HELP_PIN)
            wait(lambda: not counter_client.snapshot.help)
            events = [e for e in hub.store.events(hub.service.state.business_date) if e["kind"].startswith("help")]
            assert [e["kind"] for e in events] == ["help_requested", "help_done"] * 2
    finally:
        for c in (kiosk_client, board_client, counter_client):
            c.close()
        screen.close()


def test_who_may_raise_and_clear_a_help_request(hub, clients):
    assert clients["web"].request("help").error.code == "forbidden"  # the public relay may not
    assert clients["kiosk-1"].request("help").status == "ok"
    assert clients["kiosk-1"].request("help_done", device="kiosk-1").error.code == "forbidden"  # not its own
    assert clients["web"].request("help_done").error.code == "forbidden"
    assert clients["counter-1"].request("help_done", device="kiosk-9").error.code == "invalid_state"
    assert clients["staff"].request("help_done").status == "ok"  # the oldest
    assert clients["counter-1"].request("help_done").error.code == "invalid_state"  # nothing left
