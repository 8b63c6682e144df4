"""Wait estimates: from measured service times and the counters open for a service, as a range."""

from __future__ import annotations

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


def model(state: HallState, service: str) -> tuple[float, float, float]:
    """(mean seconds, deviation seconds, capacity) behind the service's estimates."""
    times = service_time(state, service)
    counters = capacity(state, service) or capacity(state, service, open_only=False) or SECONDARY_SHARE
    return times.mean, times.deviation, counters


def wait_range(state: HallState, service: str, ahead: int) -> tuple[int, int]:
    """Minutes until a ticket with `ahead` people before it is called: (low, high)."""
    return estimate_range(*model(state, service), ahead)
