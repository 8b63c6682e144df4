"""Draws the README's pictures with the project's own code: kiosk screens, a printed ticket,
the counter monitor and the hall board, for a scripted morning in the example hall.

Run: make screenshots   (writes docs/images/*.png)
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from display import screens as display_screens  # noqa: E402
from hardware.screen import Screen  # noqa: E402
from hub import config, handler, protocol as p  # noqa: E402
from hub.domain import queue, view  # noqa: E402
from kiosk import screens as kiosk_screens  # noqa: E402
from kiosk.app import Kiosk  # noqa: E402,F401  (the same modules the kiosk runs)
from kiosk.ticket import TicketContent, qr_image, render  # noqa: E402

OUT = ROOT / "docs" / "images"
NOW = datetime(2026, 11, 23, 10, 40, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()


def morning() -> tuple[p.Snapshot, dict]:
    """The example hall at 10:40: tickets issued, counters calling, one kiosk out of paper."""
    hall = config.load(ROOT / "examples" / "hall.toml")
    state = queue.new_day(hall, NOW - 3600)
    tasks = ["cert", "passport_apply", "family", "passport_pickup", "cert", "permit", "passport_apply", "cert"]
    reply = None
    for i in range(46):
        cmd = f'{{"v":1,"id":"i{i}","op":"issue","service":"{tasks[i % len(tasks)]}","language":"{"vi" if i == 45 else "ko"}"}}'
        done = handler.handle(state, "kiosk-1", cmd.encode(), NOW - 3000 + i * 60, f"token{i:04d}")
        state, reply = done.state, done.reply
    for round_ in range(2):
        for c in ["1", "2", "3", "4", "6", "7", "8", "9", "10"]:
            state = handler.handle(state, f"counter-{c}", f'{{"v":1,"id":"n{c}{round_}","op":"call_next"}}'.encode(),
                                   NOW - 600 + round_ * 300, "x").state
    state = handler.handle(state, "counter-5", b'{"v":1,"id":"p5","op":"pause"}', NOW - 60, "x").state
    alerts = [{"device": "kiosk-2", "state": "degraded", "detail": "printer: paper out", "reason": "paper_out"}]
    return p.Snapshot.model_validate_json(p.encode(view.snapshot(state, NOW, alerts))), reply.data


def main() -> None:
    """Write every picture."""
    OUT.mkdir(parents=True, exist_ok=True)
    snapshot, ticket = morning()
    kiosk = Screen((1080, 1920), offscreen=True)
    kiosk_screens.start(kiosk.painter, snapshot, language="ko", large=False, priority=False, online=True, now=NOW,
                        tz="Asia/Seoul")
    kiosk.screenshot(OUT / "kiosk-start.png")
    kiosk_screens.start(kiosk.painter, snapshot, language="en", large=True, priority=False, online=True, now=NOW,
                        tz="Asia/Seoul")
    kiosk.screenshot(OUT / "kiosk-start-large-en.png")
    import pygame
    qr = qr_image(ticket["url"], 270).convert("RGB")
    kiosk_screens.done(kiosk.painter, ticket, pygame.image.frombytes(qr.tobytes(), qr.size, "RGB"),
                       language="vi", large=False, printed=True)
    kiosk.screenshot(OUT / "kiosk-done-vi.png")
    render(TicketContent.from_reply(ticket), 576).save(OUT / "ticket.png")
    hall = Screen((1920, 1080), offscreen=True)
    display_screens.hall(hall.painter, snapshot, online=True, flash_call=None, now=NOW, tz="Asia/Seoul")
    hall.screenshot(OUT / "hall-board.png")
    counter = Screen((1280, 720), offscreen=True)
    display_screens.counter(counter.painter, snapshot, "3", online=True, flash=False)
    counter.screenshot(OUT / "counter-monitor.png")
    print("\n".join(str(f.relative_to(ROOT)) for f in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
