"""A simulated clerk at a counter, for the demo: presses the real monitor's buttons (NEXT, and for a
no-show RECALL then NO-SHOW), goes to lunch, on the hall's clock. Its habits are
wire/clerkday.py's, shared with the demo's API clerks and `sunbeon simulate`."""

from __future__ import annotations

import random
import threading

from wire.clerkday import SimulatedClerk
from wire.clock import REAL, HallClock
from wire.hallday import LUNCH

PRESS_GAP = 2.0  # real seconds before pressing again when a press brought no new visitor


class Clerk:
    """Presses the counter's buttons as a clerk would, frame by frame (`step`)."""

    def __init__(self, clock: HallClock = REAL, seed: int = 3, *, lunch_index: int = 0) -> None:
        self.clock = clock
        self.seed, self.lunch_index = seed, lunch_index
        self.habits: SimulatedClerk | None = None  # made at the first step, in the hall's time zone
        self.next_at: float | None = None  # real monotonic time of the next press
        self.current: int | None = None
        self.presses: list[tuple[float, str]] = []  # (hall time, op) still due for the current visitor
        self.pressing: threading.Thread | None = None

    def _real(self, now: float, hall_time: float) -> float:
        """The display's monotonic time at which the hall clock reads `hall_time`."""
        return now + self.clock.real(hall_time - self.clock.now())

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
        if self.habits is None:
            timezone = d.hall.site.timezone  # type: ignore[attr-defined]
            self.habits = SimulatedClerk(random.Random(self.seed), timezone, lunch_index=self.lunch_index)
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
            # From the hub's stamp of the call: the time its news took to arrive is not idle time.
            visit = self.habits.visit(serving.called or self.clock.now(), service.typical_minutes if service else 5.0)
            self.presses = (
                [(visit.recall_at or visit.ends_at, "recall"), (visit.ends_at, "no_show")]
                if visit.no_show
                else [(visit.ends_at, "call_next")]  # NEXT also finishes this visitor
            )
            self.next_at = self._real(now, self.presses[0][0])
        if self.next_at is None:
            self.next_at = now
        if now < self.next_at:
            return
        if self.habits.goes_to_lunch(self.clock.now()):
            self.pressing = self._go_to_lunch(d, serving is not None)
            self.current, self.presses, self.next_at = None, [], now + self.clock.real(LUNCH)
            return
        if self.presses and serving is not None:
            _, op = self.presses.pop(0)
            self.pressing = d.controls.send(op)  # type: ignore[attr-defined]
            if self.presses:  # the no-show's second press, at its own time
                self.next_at = self._real(now, self.presses[0][0])
                return
        elif serving is None and self._anyone_waiting(d, snapshot):
            self.presses = []
            self.pressing = d.controls.send("call_next")  # type: ignore[attr-defined]
        else:
            self.presses = []
            if serving is None:
                return  # nobody for this counter: look again next frame, without a press
            self.pressing = d.controls.send("call_next")  # type: ignore[attr-defined]
        self.current = None if serving is None else self.current
        # One press at a time, and a moment for the snapshot that follows its reply.
        self.next_at = now + min(PRESS_GAP, self.clock.real(10))
