"""The shape of a simulated hall day, shared by `sunbeon simulate` and the demo's visitors and clerks.

Kept apart from tools/simulate.py (which runs a whole hub) so a kiosk or a display running the
demo imports a few numbers, not the hub's store.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

# Visitors per hour over a weekday (the district office's shape: a morning and an afternoon peak,
# a lunch dip at 12).
HOURLY: dict[int, float] = {9: 70, 10: 95, 11: 80, 12: 45, 13: 60, 14: 85, 15: 75, 16: 55, 17: 25}
TASK_MIX = {"cert": 0.38, "family": 0.17, "passport_apply": 0.2, "passport_pickup": 0.17, "permit": 0.08}
NO_SHOW = 0.04  # share of called visitors who do not come
NO_SHOW_WAIT = 120.0  # seconds a clerk waits (and recalls) before marking a no-show
PRIORITY = 0.06  # share of visitors with a priority ticket
LUNCH = 45 * 60  # seconds of a clerk's lunch break; counters go in two waves, 12:00 and 12:45
SHAPE = 4.0  # gamma shape of service times: most near the typical time, a few long ones
SHORTEST_MINUTES = 0.5  # no task is served in less (and a gamma needs a scale above 0)


def service_seconds(rng: random.Random, typical_minutes: float) -> float:
    """How long one visitor takes at the counter, in hall seconds: gamma around the typical time.

    The scale can never reach 0 (which made `gammavariate` raise and killed the demo's clerk once
    the hub's measured mean had shrunk to nothing): the mean is floored at SHORTEST_MINUTES.
    """
    minutes = typical_minutes if typical_minutes == typical_minutes else SHORTEST_MINUTES  # NaN
    minutes = min(max(minutes, SHORTEST_MINUTES), 8 * 60)
    return rng.gammavariate(SHAPE, minutes * 60 / SHAPE)


def visitors_per_hour(hour: int, profile: Mapping[int, float] | None = None) -> float:
    """Visitors arriving in the hall's hour `hour` (0 outside the profile's hours)."""
    return float((profile or HOURLY).get(hour, 0))


def lunch_start(index: int) -> tuple[int, int]:
    """(hour, minute) a counter's clerk goes to lunch: alternate counters in two waves."""
    return (12, 45) if index % 2 else (12, 0)


def lunch_due(moment: datetime, lunch: tuple[int, int], last_lunch_day: str | None) -> bool:
    """Whether a clerk whose break starts at `lunch` (hour, minute) goes now: once a day, from the
    start until the break would have ended. A demo started at 14:00 once sent every clerk to a
    45-minute lunch at once (the window then ran to 15:00), so nobody was called."""
    start = moment.replace(hour=lunch[0], minute=lunch[1], second=0, microsecond=0)
    return last_lunch_day != moment.date().isoformat() and start <= moment < start + timedelta(seconds=LUNCH)


def next_arrival(
    rng: random.Random,
    after: float,
    peak_per_hour: float,
    hour_of: Callable[[float], int],
    profile: Mapping[int, float] | None = None,
    max_draws: int = 100_000,
) -> float:
    """The time of the next visitor after `after` (Unix seconds), when the busiest hour of
    `profile` brings `peak_per_hour`: a Poisson process at the peak rate, thinned by each hour's
    share (`hour_of` gives a time's hour in the hall's time zone). inf when nobody ever comes."""
    profile = profile or HOURLY
    busiest = max(profile.values(), default=0.0)
    if peak_per_hour <= 0 or busiest <= 0:
        return float("inf")
    t = after
    for _ in range(max_draws):
        t += rng.expovariate(peak_per_hour / 3600)
        if rng.random() * busiest < visitors_per_hour(hour_of(t), profile):
            return t
    return float("inf")
