"""`sunbeon display`: builds a counter monitor or the hall board from its device file and runs it.

On a display Pi the file holds only the broker, the device's login and its buttons or voice; the
counters, names and hours come from the hub's retained description (wire/hall.py). The hall's
whole file works too (the demo).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from display.announce import Announcer, ClipVoice, EspeakVoice, SilentVoice
from display.app import Display
from hardware import HardwareError
from hardware.audio import Speaker
from hardware.buttons import CallButton, CallLed
from hardware.screen import Screen
from wire import clock as hall_clock
from wire import config as cfg
from wire import stopping
from wire.client import HubClient

log = logging.getLogger("sunbeon.display")


def wire_buttons(display: Display, pins: cfg.ButtonPins, stack: ExitStack, pin_factory: Any = None) -> None:
    """Attach the configured buttons to the counter's controls and the LED to its calls."""
    controls = display.controls
    assert controls is not None
    debounce = pins.debounce_ms / 1000
    if pins.next is not None:
        nxt = stack.enter_context(
            CallButton(pins.next, pin_factory=pin_factory, debounce=debounce, hold_time=pins.hold_seconds)
        )
        nxt.when_pressed, nxt.when_held = controls.next, controls.toggle_pause
    for pin, action in (
        (pins.recall, controls.recall),
        (pins.no_show, controls.no_show),
        (pins.help, controls.help_done),
    ):
        if pin is not None:
            stack.enter_context(CallButton(pin, pin_factory=pin_factory, debounce=debounce)).when_pressed = action
    if pins.led is not None:
        display.led = stack.enter_context(CallLed(pins.led, pin_factory=pin_factory))


def announcer_for(settings: cfg.VoiceSettings, work: Path) -> tuple[Announcer, str | None]:
    """The hall's voice as configured (espeak-ng by default), and what is wrong with it, if anything.

    Without a sound output the board still shows every call (and says so in its status).
    """
    problem = None
    speaker = None
    if settings.engine != "none":
        try:
            speaker = Speaker()
        except HardwareError as err:
            problem = f"sound: {err}"
            log.warning("calls will not be spoken: %s", err)
    if settings.engine == "espeak":
        voice: Any = EspeakVoice(work, speed=settings.speed)
    elif settings.engine == "clips":
        voice = ClipVoice(Path(settings.clips or ""), work, fallback=None)
    else:
        voice = SilentVoice()
    return Announcer(voice, speaker, chime=settings.chime, work=work, remove_work=True), problem


def run(
    config_path: str,
    *,
    mode: str,
    counter: str | None,
    device: str | None,
    window: tuple[int, int] | None = None,
    clerk: bool = False,
    speed: float = 1.0,
) -> int:
    """Run a display until SIGTERM, SIGINT or the window closes."""
    usual = f"counter-{counter}" if mode == "counter" else "hall-display"  # in the hall's whole file
    local = cfg.local(config_path, device, ("counter", "display", "staff"), usual=usual)
    entry, device = local.device, local.device.id
    if mode == "counter" and entry.role == "counter" and entry.counter != counter:
        raise cfg.ConfigError(
            config_path, None, f"{device!r} is the device of counter {entry.counter!r}, not {counter!r}"
        )
    stop = threading.Event()
    stopping.stop_on_signals(stop)  # Ctrl-C too: a clean stop; no lock taken in the handler (wire/stopping.py)
    with ExitStack() as stack:
        screen = stack.enter_context(Screen(window, fullscreen=window is None, title=f"Sunbeon {mode} {counter or ''}"))
        client = HubClient(local.site, device, local.mqtt, role=entry.role).start()
        stack.callback(client.close)
        announcer = None
        if mode == "hall":
            # A private folder of voice clips, removed when the board stops (the Announcer owns it).
            work = Path(tempfile.mkdtemp(prefix="sunbeon-voice-"))
            announcer, problem = announcer_for(entry.voice or cfg.VoiceSettings(), work)
            stack.enter_context(announcer)
            if problem:
                client.set_status("degraded", problem, reason="no_sound")
        display = Display(
            local.hall, client, screen, mode=mode, counter=counter, announcer=announcer, wall=hall_clock.now
        )  # the board's clock shows hall time
        if mode == "counter" and entry.buttons:
            wire_buttons(display, entry.buttons, stack)
        if mode == "counter" and clerk:
            from display.simulate import Clerk

            display.simulator = Clerk(hall_clock.current())
        log.info("%s display for %s on %dx%d", mode, device, screen.width, screen.height)
        display.run(stop)
        screen.save_last_frame(device)
    return 0
