"""Business days and opening hours, in the site's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from wire.hall import DAYS, Service, Site


class Phase(StrEnum):
    """Where a service is in its day."""

    NOT_TODAY = "not_today"
    BEFORE_OPEN = "before_open"
    OPEN = "open"
    CUT_OFF = "cut_off"
    CLOSED = "closed"


def local(now: float, site: Site) -> datetime:
    """`now` (Unix seconds) as a wall-clock time at the site."""
    return datetime.fromtimestamp(now, site.tz)


def business_date(now: float, site: Site) -> str:
    """The business day `now` belongs to: the calendar date, shifted back by the day's start hour."""
    start = site.day_starts
    shifted = local(now, site) - timedelta(hours=start.hour, minutes=start.minute)
    return shifted.date().isoformat()


def phase(service: Service, now: float, site: Site) -> Phase:
    """Whether the service takes tickets at `now`."""
    moment = local(now, site)
    if DAYS[moment.weekday()] not in service.hours.days:
        return Phase.NOT_TODAY
    clock = moment.time()
    if clock < service.hours.open:
        return Phase.BEFORE_OPEN
    if clock < service.hours.last_ticket:
        return Phase.OPEN
    if clock < service.hours.close:
        return Phase.CUT_OFF
    return Phase.CLOSED


def seconds_until_close(service: Service, now: float, site: Site) -> float:
    """Seconds from `now` until the service closes today (negative once closed)."""
    moment = local(now, site)
    close = moment.replace(hour=service.hours.close.hour, minute=service.hours.close.minute, second=0, microsecond=0)
    return (close - moment).total_seconds()
