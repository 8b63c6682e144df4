"""`sunbeon kiosk`: builds a kiosk from its device file (or the hall's whole file) and runs it.

On a kiosk Pi the file holds only the broker, the kiosk's login and its printer; the tasks, names
and hours come from the hub's retained description (wire/hall.py), and a new one is drawn at once.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from hardware.printer import printer_for
from hardware.screen import Screen
from hardware.voice import Guide
from kiosk.app import Kiosk
from wire import clock as hall_clock
from wire import config as cfg
from wire import stopping
from wire.client import HubClient
from wire.hall import Hall

log = logging.getLogger("sunbeon.kiosk")


def warm_up(kiosk: Kiosk, hall: Hall | None) -> None:
    """Load every language's fonts before the first visitor: each language's first ticket
    otherwise loads its fonts then (~0.1–0.2 s and 10–15 MB each, measured), so the first
    Vietnamese visitor waited longer and the kiosk's memory kept stepping up through the day."""
    import time

    from kiosk import screens
    from kiosk.text import LANGUAGES
    from kiosk.ticket import TicketContent, render

    # Before the hub's description has come, stand-in names load the same fonts.
    names = {lang: hall.site.name.get(lang) if hall else "민원실" for lang in LANGUAGES}
    service = {lang: hall.services[0].name.get(lang) if hall else "제증명" for lang in LANGUAGES}
    for language in LANGUAGES:
        try:
            render(
                TicketContent(
                    number="0000",
                    service_names=service,
                    site_names=names,
                    ahead=0,
                    estimate=(0, 0),
                    issued=time.time(),
                    url=hall.site.public_url if hall else "http://localhost",
                    language=language,
                    priority=False,
                    closing_warning=False,
                    timezone=hall.site.timezone if hall else "Asia/Seoul",
                ),
                kiosk.width,
            )
            screens.printing(kiosk.screen.painter, language=language, large=False, frame=0)
        except Exception as err:  # noqa: BLE001 - a font problem shows on the first real ticket too; never stop here
            log.warning("could not prepare %s: %s", language, err)
    kiosk.dirty = True


def run(
    config_path: str,
    device: str | None,
    *,
    window: tuple[int, int] | None = None,
    visitors_per_hour: float = 0,
    speed: float = 1.0,
) -> int:
    """Run the kiosk until SIGTERM, SIGINT or the window closes.

    `config_path` is the kiosk's device file (its id inside; `device` may be left out) or the
    hall's whole file (the demo), which needs `device`.
    """
    local = cfg.local(config_path, device, "kiosk")
    entry, device = local.device, local.device.id
    # Before the client starts: its first "cannot reach the broker" line comes from paho's thread
    # at once, and a Ctrl-C right after it ended the kiosk with KeyboardInterrupt (exit 130).
    stop = threading.Event()
    stopping.stop_on_signals(stop)  # Ctrl-C too: a clean stop; no lock taken in the handler (wire/stopping.py)
    printer = printer_for(entry.printer or cfg.PrinterSettings())
    screen = Screen(window, fullscreen=window is None, title=f"Sunbeon kiosk {device}")
    client = HubClient(local.site, device, local.mqtt, role="kiosk").start()
    log.info("kiosk %s on %dx%d, printer %s", device, screen.width, screen.height, printer.describe())
    try:
        guide = voice_guide(entry.voice or cfg.VoiceSettings())
        # The header shows hall time; until the hub describes the hall, a waiting screen.
        kiosk = Kiosk(
            local.hall,
            device,
            client,
            printer,
            screen,
            width=printer.width,
            wall=hall_clock.now,
            voice=guide,
            mount=entry.screen,  # 문자로 알림 받기 follows the hall's description (sms_notices)
        )
        warm_up(kiosk, local.hall)
        if visitors_per_hour:
            from kiosk.simulate import Visitors

            timezone = local.hall.site.timezone if local.hall else "Asia/Seoul"
            kiosk.simulator = Visitors(visitors_per_hour, hall_clock.current(), timezone=timezone)
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
