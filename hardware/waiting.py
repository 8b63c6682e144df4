"""The screen a kiosk or display shows before it knows its hall.

A Pi started from its own device file learns the tasks, counters and hours from the hub's
retained description (wire/hall.py); until it arrives (the hub box still booting, the broker not
yet reachable) the screen says so plainly in every language, and the device keeps trying. The
lines come from the caller's message catalog (kiosk: `waiting_title`/`waiting_body`; display:
`waiting.*`), Korean first: hardware reads no catalog itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from hardware.screen import Painter

BACKGROUND, TITLE, BODY = (24, 58, 110), (255, 255, 255), (200, 214, 235)


def draw(p: Painter, lines: Sequence[tuple[str, str, str | None]]) -> None:
    """(language, title, body or None) for each language: the first large, the others smaller."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()
    u = max(12, min(w, h) // 40)
    y = h // 4 if len(lines) <= 4 else h // 6
    for i, (language, title, body) in enumerate(lines):
        size = int(u * (2.4 if i == 0 else 1.5))
        for line in p.wrap(title, language, size, w - 4 * u):
            p.text(line, language, size, (w // 2, y), TITLE)
            y += int(size * 1.35)
        if body:
            small = int(u * (1.6 if i == 0 else 1.2))
            p.text(body, language, small, (w // 2, y), BODY, max_width=w - 4 * u)
            y += int(small * 1.35)
        y += u
