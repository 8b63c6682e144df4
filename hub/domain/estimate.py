"""Wait estimates: from measured service times and the counters open for a service, as a range."""

from __future__ import annotations

from datetime import datetime

from hub.domain import calendar
from hub.domain.model import CounterStatus, HallState, ServiceTime
from wire.protocol import estimate_range

SMOOTHING = 0.2  # weight of the newest service time in the moving average
# A counter serving a task in a later tier gives it little time when the hall is busy (it serves
# its primary task first); 0.2 is what the simulated day bears out (docs/simulation.md).
SECONDARY_SHARE = 0.2
LONGEST_SERVICE = 4 * 3600  # a longer "service" is a counter left open, not a measurement


def service_time(state: HallState, service: str) -> ServiceTime:
    """The measured service time, or the configured typical one before any is measured."""
    if service in state.service_times:  # `in` first: a persistent map's `get` of a miss raises inside
        return state.service_times[service]
    typical = state.hall.service(service).typical_minutes * 60  # type: ignore[union-attr]
    return ServiceTime(mean=typical, deviation=typical * 0.35, samples=0)


def observe(current: ServiceTime, seconds: float) -> ServiceTime:
    """Fold one measured service time into the moving average."""
    if seconds < 0 or seconds > LONGEST_SERVICE:
        return current
    if current.samples == 0:
        return ServiceTime(mean=seconds, deviation=current.deviation, samples=1)
    error = seconds - current.mean
    return ServiceTime(
        mean=current.mean + SMOOTHING * error,
        deviation=current.deviation + SMOOTHING * (abs(error) - current.deviation),
        samples=current.samples + 1,
    )


def capacity(state: HallState, service: str, *, open_only: bool = True) -> float:
    """How many counters' worth of time the service gets: primary counters 1, later tiers a half."""
    total = 0.0
    for counter in state.hall.counters:
        if open_only and state.counter(counter.id).status is not CounterStatus.OPEN:
            continue
        for rank, tier in enumerate(counter.services):
            if service in tier:
                total += 1.0 if rank == 0 else SECONDARY_SHARE
                break
    return total


def open_counters(state: HallState, service: str) -> int:
    """Counters open now that serve the service in any tier."""
    return sum(
        1
        for c in state.hall.counters
        if state.counter(c.id).status is CounterStatus.OPEN and any(service in t for t in c.services)
    )


def model(
    state: HallState, service: str, now: float | None = None, ahead: int | None = None
) -> tuple[float, float, float]:
    """(mean seconds, deviation seconds, capacity) behind the service's estimates.

    Given `now`, the capacity follows the counters' planned presence (lunch cover in turns) over
    the time the queue of `ahead` (default: all waiting) takes to serve: see `planned_capacity`.
    """
    times = service_time(state, service)
    counters = capacity(state, service) or capacity(state, service, open_only=False) or SECONDARY_SHARE
    if now is not None:
        queue = state.waiting_count(service) if ahead is None else ahead
        counters = planned_capacity(state, service, now, (queue + 0.5) * times.mean) or counters
    return times.mean, times.deviation, counters


def wait_range(state: HallState, service: str, ahead: int, now: float | None = None) -> tuple[int, int]:
    """Minutes until a ticket with `ahead` people before it is called: (low, high)."""
    return estimate_range(*model(state, service, now, ahead), ahead)


def planned_capacity(state: HallState, service: str, now: float, work: float) -> float | None:
    """The counters' worth of time the service gets on average while `work` seconds of service
    are done from `now`, following the plan of who is away when (lunch 12:00–13:00 in turns).

    Counters open now count until their planned absence and again after it; a counter away now by
    the plan counts from its return; with no counter open, the plan alone. None when no plan
    changes the picture (the plain open-counter capacity stands), so a hall without a plan gets
    exactly the estimate it had before.
    """
    counters = [
        (c, 1.0 if rank == 0 else SECONDARY_SHARE)
        for c in state.hall.counters
        for rank, tier in enumerate(c.services)
        if service in tier and all(service not in t for t in c.services[:rank])
    ]
    if not any(c.presence.away or c.presence.days is not None for c, _ in counters):
        return None
    moment = calendar.local(now, state.hall.site)
    open_now = {c.id for c, _ in counters if state.counter(c.id).status is CounterStatus.OPEN}

    def counts(counter_id: str, away_now: bool) -> bool:
        return not open_now or counter_id in open_now or away_now

    expected = [(c, w) for c, w in counters if counts(c.id, calendar.planned_away(c, moment))]
    if not expected:
        return None
    left, elapsed, at = work, 0.0, moment
    marks: list[datetime | None] = [*calendar.plan_changes([c for c, _ in expected], moment), None]
    for mark in marks:
        rate = sum(w for c, w in expected if calendar.planned_present(c, at))
        span = (mark - at).total_seconds() if mark is not None else None
        if span is None or rate * span >= left:
            if rate <= 0:
                return None  # nobody planned for the rest of the day: leave it to the plain estimate
            elapsed += left / rate
            break
        left -= rate * span
        elapsed += span
        at = mark  # type: ignore[assignment]  # not None: the last mark (None) ends the loop above
    return work / elapsed if elapsed > 0 else None
