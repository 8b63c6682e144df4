"""Simulated visitors at a kiosk, for the demo: they tap the real screen, so the real path runs
(issue at the hub, render, print). Arrivals are random (exponential gaps); a seed repeats them."""

from __future__ import annotations

import random

from kiosk.text import LANGUAGES

LANGUAGE_MIX = [85, 6, 5, 4]  # ko, en, zh, vi
TASK_WEIGHTS = [4, 2, 3, 3, 1]  # the example hall's tasks, in its order


class Visitors:
    """Taps a kiosk as `per_hour` visitors an hour would, `speed` times faster than life."""

    def __init__(self, per_hour: float = 90, speed: float = 1.0, seed: int = 1) -> None:
        self.rate = per_hour * speed / 3600
        self.random = random.Random(seed)
        self.next_at: float | None = None

    def step(self, kiosk: "object", now: float) -> None:
        """Called every frame: tap what the next visitor would tap, when it is time."""
        k = kiosk  # a kiosk.app.Kiosk
        if self.next_at is None:
            self.next_at = now + self.random.expovariate(self.rate)
        if k.mode in ("done", "problem") and now - k.changed_at > 2.0:  # type: ignore[attr-defined]
            k.tap(1, 1)  # type: ignore[attr-defined]  # the visitor takes the ticket and touches the screen
            return
        if k.mode != "start" or now < self.next_at:  # type: ignore[attr-defined]
            return
        services = [a for _, a in k.targets if a[0] == "service"]  # type: ignore[attr-defined]
        if not services:
            return
        language = self.random.choices(LANGUAGES, LANGUAGE_MIX)[0]
        weights = [TASK_WEIGHTS[i % len(TASK_WEIGHTS)] for i in range(len(services))]
        for action in [("language", language), self.random.choices(services, weights)[0]]:
            rect = next((r for r, a in k.targets if a == action), None)  # type: ignore[attr-defined]
            if rect:
                k.tap(rect[0] + rect[2] // 2, rect[1] + rect[3] // 2)  # type: ignore[attr-defined]
                k.draw()  # type: ignore[attr-defined]
        self.next_at = now + self.random.expovariate(self.rate)
