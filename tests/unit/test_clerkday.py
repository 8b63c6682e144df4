"""The one simulated clerk (wire/clerkday.py) and the demo monitor's clerk that presses for it."""

from __future__ import annotations

import random
import threading
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from display.simulate import Clerk
from wire import config
from wire.clerkday import SimulatedClerk
from wire.hallday import NO_SHOW, NO_SHOW_WAIT, SHORTEST_MINUTES

SEOUL = ZoneInfo("Asia/Seoul")
HALL = config.load(Path(__file__).resolve().parents[2] / "examples" / "hall.toml")


def at(hour: int, minute: int = 0, day: int = 23) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=SEOUL).timestamp()


def seed_where(no_show: bool) -> int:
    """A seed whose first visit is (or is not) a no-show."""
    return next(s for s in range(10_000) if (random.Random(s).random() < NO_SHOW) == no_show)


def test_lunch_once_a_day_in_the_counters_wave():
    first, second = (SimulatedClerk(random.Random(1), "Asia/Seoul", lunch_index=i) for i in (0, 1))
    assert first.lunch_at(datetime(2026, 11, 23, 9, tzinfo=SEOUL)) == at(12, 0)
    assert second.lunch_at(datetime(2026, 11, 23, 9, tzinfo=SEOUL)) == at(12, 45)
    assert not first.goes_to_lunch(at(11, 59))
    assert first.goes_to_lunch(at(12, 10)) and not first.goes_to_lunch(at(12, 20))  # once
    assert not second.goes_to_lunch(at(12, 10)) and second.goes_to_lunch(at(12, 50))
    assert not first.goes_to_lunch(at(14, 0, day=24))  # a demo started after lunch skips it
    assert first.goes_to_lunch(at(12, 5, day=24))  # and the next day it comes again


def test_visits_are_drawn_from_the_seed_and_the_typical_time():
    def day(seed: int) -> list:
        clerk = SimulatedClerk(random.Random(seed), "Asia/Seoul")
        return [clerk.visit(at(10) + i * 600, 8) for i in range(200)]

    assert day(5) == day(5) and day(5) != day(6)
    visits = day(5)
    shows = [v for v in visits if not v.no_show]
    assert 0 < len(visits) - len(shows) < 30  # about NO_SHOW of 200
    assert all(v.recall_at == v.ends_at - NO_SHOW_WAIT / 2 for v in visits if v.no_show)
    assert all(v.recall_at is None for v in shows)
    lengths = [v.ends_at - (at(10) + i * 600) for i, v in enumerate(visits) if not v.no_show]
    assert 4 * 60 < sum(lengths) / len(lengths) < 12 * 60  # gamma around 8 minutes
    zero = SimulatedClerk(random.Random(1), "Asia/Seoul").visit(at(10), 0)
    assert zero.no_show or zero.ends_at > at(10)  # a 0-minute task never breaks the draw
    assert SHORTEST_MINUTES > 0


class FakeClock:
    """Hall time the test moves; real seconds equal hall seconds."""

    def __init__(self, now: float) -> None:
        self.t = now

    def now(self) -> float:
        return self.t

    def real(self, hall_seconds: float) -> float:
        return max(0.0, hall_seconds)


class Monitor:
    """The parts of a counter monitor the clerk touches: its snapshot, the hall, its buttons."""

    def __init__(self, called: float) -> None:
        self.hall, self.counter, self.pressed = HALL, "3", []
        ticket = SimpleNamespace(id=1, service="cert", called=called, number="1001")
        self.view = SimpleNamespace(status="open", serving=ticket)
        waiting = [SimpleNamespace(id=s.id, waiting=0) for s in HALL.services]
        snapshot = SimpleNamespace(counter=lambda c: self.view, services=waiting)
        self.client = SimpleNamespace(snapshot=snapshot, online=True)
        # send: a press on a worker thread; _send: the same press, in the caller's thread.
        self.controls = SimpleNamespace(send=self._send, _send=self._press)

    def _send(self, op: str) -> threading.Thread:
        done = threading.Thread(target=self._press, args=(op,))
        done.start()
        done.join()
        return done

    def _press(self, op: str) -> None:
        self.pressed.append(op)
        # As the hub's next snapshot says: the visitor is gone, and nobody else waits here.
        if op in ("call_next", "no_show", "finish"):
            self.view.serving = None
        if op in ("pause", "resume"):
            self.view.status = "paused" if op == "pause" else "open"


def run(clerk: Clerk, monitor: Monitor, clock: FakeClock, until: float) -> list[tuple[float, str]]:
    """Step the clerk every 5 hall seconds; the presses with the hall time of each."""
    seen: list[tuple[float, str]] = []
    while clock.t < until:
        before = len(monitor.pressed)
        clerk.step(monitor, clock.t)  # the fake's real clock is the hall clock
        seen += [(clock.t, op) for op in monitor.pressed[before:]]
        clock.t += 5
    return seen


def test_the_monitor_clerk_presses_next_when_the_drawn_visit_ends():
    clock = FakeClock(at(10))
    seed = seed_where(no_show=False)
    clerk, monitor = Clerk(clock, seed=seed), Monitor(called=at(10))  # type: ignore[arg-type]
    expected = SimulatedClerk(random.Random(seed), "Asia/Seoul").visit(at(10), 4)  # cert: 4 minutes
    presses = run(clerk, monitor, clock, at(11))
    assert presses[0][1] == "call_next" and expected.ends_at <= presses[0][0] < expected.ends_at + 5


def test_the_monitor_clerk_recalls_a_no_show_halfway_then_marks_it():
    clock = FakeClock(at(10))
    clerk, monitor = Clerk(clock, seed=seed_where(no_show=True)), Monitor(called=at(10))  # type: ignore[arg-type]
    presses = run(clerk, monitor, clock, at(10) + NO_SHOW_WAIT + 600)
    assert [op for _, op in presses] == ["recall", "no_show"]  # and then nobody to call
    assert at(10) + NO_SHOW_WAIT / 2 <= presses[0][0] < at(10) + NO_SHOW_WAIT / 2 + 5
    assert at(10) + NO_SHOW_WAIT <= presses[1][0] < at(10) + NO_SHOW_WAIT + 5


def test_the_monitor_clerk_goes_to_lunch_finishing_the_visitor_first():
    clock = FakeClock(at(11, 59))
    seed = next(
        s
        for s in range(10_000)
        if SimulatedClerk(random.Random(s), "Asia/Seoul").visit(at(11, 58), 4).ends_at > at(12, 1)
    )
    clerk, monitor = Clerk(clock, seed=seed), Monitor(called=at(11, 58))  # type: ignore[arg-type]
    run(clerk, monitor, clock, at(12, 30))
    assert clerk.pressing is not None
    clerk.pressing.join(5)
    assert monitor.pressed == ["finish", "pause"]  # its visitor's service would have run past 12:00
    presses = run(clerk, monitor, clock, at(13, 30))
    assert [op for _, op in presses] == ["resume"]  # back after LUNCH, to an empty hall
