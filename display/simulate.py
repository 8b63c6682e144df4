"""A simulated clerk at a counter, for the demo: presses NEXT on the real controls after serving
each visitor for about the task's typical time (and now and then marks a no-show)."""

from __future__ import annotations

import random


class Clerk:
    """Presses the counter's buttons as a clerk would, `speed` times faster than life."""

    def __init__(self, speed: float = 1.0, seed: int = 3) -> None:
        self.speed = speed
        self.random = random.Random(seed)
        self.next_at: float | None = None
        self.current: int | None = None

    def step(self, display: "object", now: float) -> None:
        """Called every frame."""
        d = display  # a display.app.Display in counter mode
        snapshot = d.client.snapshot  # type: ignore[attr-defined]
        if snapshot is None or not d.client.online:  # type: ignore[attr-defined]
            return
        view = snapshot.counter(d.counter)  # type: ignore[attr-defined]
        serving = view.serving if view else None
        if serving is not None and serving.id != self.current:
            self.current = serving.id
            minutes = next((s.mean_service_seconds / 60 for s in snapshot.services if s.id == serving.service), 5)
            self.next_at = now + self.random.gammavariate(4, minutes * 60 / 4) / self.speed
        if self.next_at is None:
            self.next_at = now
        if now < self.next_at:
            return
        if serving is not None and self.random.random() < 0.04:
            d.controls.no_show()  # type: ignore[attr-defined]
        else:
            d.controls.next()  # type: ignore[attr-defined]
        self.current = None if serving is None else self.current
        self.next_at = now + (30 / self.speed if serving is None else 2.0)
