"""The simulated clerk: one set of habits for every place a clerk is played.

Three drivers press for it, each in its own way: the demo's counter monitor (display/simulate.py,
on the monitor's own buttons, frame by frame), the demo's counters without a monitor
(tools/demo_people.py, through the hub's API on a thread), and `sunbeon simulate`
(tools/simulate.py, a discrete-event loop on a virtual clock). What a clerk *does* is here, once:
when the lunch break is, how long a visitor takes, who does not come and when the clerk recalls
and gives up. All times are hall times (Unix seconds); nothing here reads a clock or does I/O.

Service times come from the task's configured typical time, the simulation's truth, never from
the hub's measured mean, which is what the simulation is there to test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from wire.hallday import NO_SHOW, NO_SHOW_WAIT, lunch_due, lunch_start, service_seconds


@dataclass(frozen=True)
class Visit:
    """How one called visitor goes, drawn when the clerk calls them."""

    no_show: bool
    ends_at: float  # the clerk is free again: served, or marked a no-show
    recall_at: float | None = None  # a no-show is called once more, halfway through the wait


class SimulatedClerk:
    """A clerk's habits at one counter: lunch once a day in the counter's wave, visits drawn from
    the task's typical time, a few no-shows. `rng` may be shared between clerks (the simulation
    shares one, so a seed gives one day)."""

    def __init__(self, rng: random.Random, timezone: str, lunch_index: int = 0) -> None:
        self.random = rng
        self.tz = ZoneInfo(timezone)
        self.lunch = lunch_start(lunch_index)
        self.lunch_day: str | None = None  # the hall date of the last lunch taken

    def lunch_at(self, day: datetime) -> float:
        """When this clerk's break starts on `day` (hall time)."""
        local = day.astimezone(self.tz)
        return local.replace(hour=self.lunch[0], minute=self.lunch[1], second=0, microsecond=0).timestamp()

    def goes_to_lunch(self, now: float) -> bool:
        """Whether the break starts now: once a day, from its start until it would have ended
        (a demo started at 14:00 once sent every clerk to lunch at once). Taking it is recorded."""
        moment = datetime.fromtimestamp(now, self.tz)
        if not lunch_due(moment, self.lunch, self.lunch_day):
            return False
        self.lunch_day = moment.date().isoformat()
        return True

    def visit(self, called: float, typical_minutes: float) -> Visit:
        """The visitor called at `called`: a no-show (recalled, then marked after NO_SHOW_WAIT), or
        served for a time drawn around the task's typical minutes."""
        if self.random.random() < NO_SHOW:
            return Visit(True, called + NO_SHOW_WAIT, recall_at=called + NO_SHOW_WAIT / 2)
        return Visit(False, called + service_seconds(self.random, typical_minutes))
