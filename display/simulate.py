"""A simulated clerk at a counter, for the demo: presses NEXT on the real controls after serving
each visitor for about the task's typical time (and now and then marks a no-show), and goes to
lunch, on the hall's clock."""

from __future__ import annotations

import random
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from wire.clock import REAL, HallClock
from wire.hallday import LUNCH, NO_SHOW, lunch_due, lunch_start, service_seconds

PRESS_GAP = 2.0  # real seconds before pressing again when a press brought no new visitor


class Clerk:
    """Presses the counter's buttons as a clerk would. Service times are drawn from the task's
    configured typical time — the simulation's truth — never from the hub's measured mean, which
    is what the simulation is there to test (and which once shrank to 0 and killed this clerk)."""

    def __init__(self, clock: HallClock = REAL, seed: int = 3, *, lunch_index: int = 0) -> None:
        self.clock = clock
        self.random = random.Random(seed)
        self.next_at: float | None = None  # real monotonic time of the next press
        self.current: int | None = None
        self.lunch = lunch_start(lunch_index)
        self.lunch_day: str | None = None  # the hall date of the last lunch taken
        self.pressing: threading.Thread | None = None

    def _lunch_due(self, display: object) -> bool:
        tz = ZoneInfo(display.hall.site.timezone)  # type: ignore[attr-defined]
        return lunch_due(datetime.fromtimestamp(self.clock.now(), tz), self.lunch, self.lunch_day)

    @staticmethod
    def _go_to_lunch(display: object, serving: bool) -> threading.Thread:
        # Finish the visitor first (a paused counter keeps its ticket, whose service time would
        # then include the lunch), then pause; one thread keeps the two in order.
        controls = display.controls  # type: ignore[attr-defined]
        ops = (["finish"] if serving else []) + ["pause"]
        thread = threading.Thread(target=lambda: [controls._send(op) for op in ops], daemon=True, name="clerk-lunch")
        thread.start()
        return thread

    @staticmethod
    def _anyone_waiting(display: object, snapshot: object) -> bool:
        counter = display.hall.counter(display.counter)  # type: ignore[attr-defined]
        mine = {s for tier in counter.services for s in tier} if counter else set()
        return any(s.waiting for s in snapshot.services if s.id in mine)  # type: ignore[attr-defined]

    def step(self, display: object, now: float) -> None:
        """Called every frame (`now`: the display's real monotonic clock)."""
        d = display  # a display.app.Display in counter mode
        snapshot = d.client.snapshot  # type: ignore[attr-defined]
        if snapshot is None or not d.client.online:  # type: ignore[attr-defined]
            return
        if self.pressing is not None and self.pressing.is_alive():
            return
        view = snapshot.counter(d.counter)  # type: ignore[attr-defined]
        serving = view.serving if view else None
        if view is not None and view.status == "paused":
            if self.next_at is None or now >= self.next_at:
                self.pressing = d.controls.send("resume")  # type: ignore[attr-defined]  # back from lunch
                self.next_at = now
            return
        if serving is not None and serving.id != self.current:
            self.current = serving.id
            service = d.hall.service(serving.service)  # type: ignore[attr-defined]
            minutes = service.typical_minutes if service else 5.0
            # From the hub's stamp of the call: the time its news took to arrive is not idle time.
            called = serving.called or self.clock.now()
            self.next_at = now + self.clock.real(called + service_seconds(self.random, minutes) - self.clock.now())
        if self.next_at is None:
            self.next_at = now
        if now < self.next_at:
            return
        if self._lunch_due(d):
            self.lunch_day = datetime.fromtimestamp(self.clock.now(), ZoneInfo(d.hall.site.timezone)).date().isoformat()  # type: ignore[attr-defined]
            self.pressing = self._go_to_lunch(d, serving is not None)
            self.current, self.next_at = None, now + self.clock.real(LUNCH)
            return
        if serving is None and not self._anyone_waiting(d, snapshot):
            return  # nobody for this counter: look again next frame, without a press
        op = "no_show" if serving is not None and self.random.random() < NO_SHOW else "call_next"
        self.pressing = d.controls.send(op)  # type: ignore[attr-defined]
        self.current = None if serving is None else self.current
        # One press at a time, and a moment for the snapshot that follows its reply.
        self.next_at = now + min(PRESS_GAP, self.clock.real(10))
