"""`sunbeon kiosk`: builds a kiosk from the hall's config and runs it."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from hardware.printer import printer_for
from hardware.screen import Screen
from hardware.voice import Guide
from kiosk.app import Kiosk
from wire import clock as hall_clock
from wire import config as cfg
from wire.client import HubClient

log = logging.getLogger("sunbeon.kiosk")


def kiosk_device(hall: cfg.HallConfig, device: str) -> cfg.Device:
    """The device entry, which must be a kiosk."""
    entry = hall.device(device)
    if entry is None or entry.role != "kiosk":
        known = ", ".join(d.id for d in hall.devices if d.role == "kiosk") or "none"
        raise cfg.ConfigError("config", None, f"{device!r} is not a kiosk in this hall (kiosks: {known})")
    return entry


def warm_up(kiosk: Kiosk, hall: cfg.HallConfig) -> None:
    """Load every language's fonts before the first visitor: each language's first ticket
    otherwise loads its fonts then (~0.1–0.2 s and 10–15 MB each, measured), so the first
    Vietnamese visitor waited longer and the kiosk's memory kept stepping up through the day."""
    import time

    from kiosk import screens
    from kiosk.text import LANGUAGES
    from kiosk.ticket import TicketContent, render

    names = {lang: hall.site.name.get(lang) for lang in LANGUAGES}
    service = hall.services[0].name
    for language in LANGUAGES:
        try:
            render(
                TicketContent(
                    number="0000",
                    service_names={lang: service.get(lang) for lang in LANGUAGES},
                    site_names=names,
                    ahead=0,
                    estimate=(0, 0),
                    issued=time.time(),
                    url=hall.site.public_url,
                    language=language,
                    priority=False,
                    closing_warning=False,
                    timezone=hall.site.timezone,
                ),
                kiosk.width,
            )
            screens.printing(kiosk.screen.painter, language=language, large=False, frame=0)
        except Exception as err:  # noqa: BLE001 - a font problem shows on the first real ticket too; never stop here
            log.warning("could not prepare %s: %s", language, err)
    kiosk.dirty = True


def run(
    config_path: str,
    device: str,
    *,
    window: tuple[int, int] | None = None,
    visitors_per_hour: float = 0,
    speed: float = 1.0,
) -> int:
    """Run the kiosk until SIGTERM, SIGINT or the window closes."""
    hall = cfg.load(config_path)
    entry = kiosk_device(hall, device)
    printer = printer_for(entry.printer or cfg.PrinterSettings())
    screen = Screen(window, fullscreen=window is None, title=f"Sunbeon kiosk {device}")
    client = HubClient(hall.site.id, device, hall.mqtt, role="kiosk").start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):  # Ctrl-C too: a clean stop, not a traceback
        signal.signal(sig, lambda *_: stop.set())
    log.info("kiosk %s on %dx%d, printer %s", device, screen.width, screen.height, printer.describe())
    try:
        guide = voice_guide(entry.voice or cfg.VoiceSettings())
        # the header shows hall time
        kiosk = Kiosk(hall, device, client, printer, screen, wall=hall_clock.now, voice=guide)
        warm_up(kiosk, hall)
        if visitors_per_hour:
            from kiosk.simulate import Visitors

            kiosk.simulator = Visitors(visitors_per_hour, hall_clock.current(), timezone=hall.site.timezone)
        kiosk.run(stop)
        screen.save_last_frame(device)
    finally:
        client.close()
        printer.close()
        screen.close()
    return 0


def voice_guide(settings: cfg.VoiceSettings) -> Guide | None:
    """The kiosk's voice guidance from its config (espeak-ng or recorded clips, on the configured
    ALSA device); None when the engine is "none" or cannot start (the kiosk still works by sight)."""
    import tempfile

    from hardware import HardwareError
    from hardware.voice import ClipVoice, EspeakVoice, Voice

    if settings.engine == "none":
        return None
    work = Path(tempfile.mkdtemp(prefix="sunbeon-guide-"))
    try:
        espeak = EspeakVoice(work, speed=settings.speed, volume=settings.volume)
        voice: Voice = ClipVoice(Path(settings.clips), work, fallback=espeak) if settings.clips else espeak
    except HardwareError as err:
        log.error("no voice guidance: %s", err)
        return None
    return Guide(voice, output=settings.output, volume=settings.volume, speed=settings.speed)
