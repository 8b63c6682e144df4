"""Business days and opening hours, in the site's time zone: the hall's real calendar.

A service's hours on a day come from, in order: the hall's closures and Korean public holidays
(closed; an extra working day overrides a holiday), the service's hours for that weekday
(`week`), its usual `hours` on its `days`, and a single-day change made from the console
("오늘 14시 조기 마감"). Holidays are data the shell hands in (`HallCalendar.holidays`, built from
the `holidays` package); nothing here reads a clock, a file or a package's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from wire.hall import DAYS, Counter, Service, Site

HORIZON_DAYS = 400  # how far ahead the next opening is looked for (a year and its holidays)


class Phase(StrEnum):
    """Where a service is in its day."""

    NOT_TODAY = "not_today"
    BEFORE_OPEN = "before_open"
    OPEN = "open"
    CUT_OFF = "cut_off"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class DayChange:
    """One day's change from the console: closed all day, or closing early at `closes`.

    `service` None means the whole hall. Ticket cut-off moves to the new closing time.
    """

    date: date
    service: str | None = None
    closes: time | None = None
    closed: bool = False


@dataclass(frozen=True, slots=True)
class HallCalendar:
    """What the calendar knows beyond the config: public holidays (injected) and day changes."""

    holidays: frozenset[date] = frozenset()
    changes: tuple[DayChange, ...] = ()


NO_HOLIDAYS = HallCalendar()


@dataclass(frozen=True, slots=True)
class DayHours:
    """A service's hours on one date: it opens, stops issuing tickets at `last_ticket`, closes."""

    open: time
    last_ticket: time
    close: time


def local(now: float, site: Site) -> datetime:
    """`now` (Unix seconds) as a wall-clock time at the site."""
    return datetime.fromtimestamp(now, site.tz)


def business_date(now: float, site: Site) -> str:
    """The business day `now` belongs to: the calendar date, shifted back by the day's start hour."""
    start = site.day_starts
    shifted = local(now, site) - timedelta(hours=start.hour, minutes=start.minute)
    return shifted.date().isoformat()


def is_holiday(day: date, site: Site, cal: HallCalendar) -> bool:
    """Whether the hall is shut for the day: its own closure, or a public holiday it does not work."""
    if day in site.calendar.closed:
        return True
    return site.calendar.public_holidays and day in cal.holidays and day not in site.calendar.extra_days


def _planned(service: Service, day: date, site: Site) -> DayHours | None:
    weekday = day.weekday()
    special = service.week.on(weekday)
    if special is not None:
        return DayHours(special.open, special.last_ticket, special.close)
    if DAYS[weekday] in service.hours.days or day in site.calendar.extra_days:
        hours = service.hours
        return DayHours(hours.open, hours.last_ticket, hours.close)
    return None


def hours_on(service: Service, day: date, site: Site, cal: HallCalendar = NO_HOLIDAYS) -> DayHours | None:
    """The service's hours on `day`, or None when it takes nobody that day."""
    if is_holiday(day, site, cal):
        return None
    hours = _planned(service, day, site)
    for change in cal.changes:
        if hours is None or change.date != day or change.service not in (None, service.id):
            continue
        if change.closed or (change.closes is not None and change.closes <= hours.open):
            return None
        if change.closes is not None and change.closes < hours.close:
            hours = DayHours(hours.open, min(hours.last_ticket, change.closes), change.closes)
    return hours


def phase(service: Service, now: float, site: Site, cal: HallCalendar = NO_HOLIDAYS) -> Phase:
    """Whether the service takes tickets at `now`."""
    moment = local(now, site)
    hours = hours_on(service, moment.date(), site, cal)
    if hours is None:
        return Phase.NOT_TODAY
    clock = moment.time().replace(tzinfo=None)
    if clock < hours.open:
        return Phase.BEFORE_OPEN
    if clock < hours.last_ticket:
        return Phase.OPEN
    if clock < hours.close:
        return Phase.CUT_OFF
    return Phase.CLOSED


def _at(day: date, clock: time, site: Site) -> datetime:
    return datetime.combine(day, clock, tzinfo=site.tz)


def seconds_until_close(service: Service, now: float, site: Site, cal: HallCalendar = NO_HOLIDAYS) -> float:
    """Seconds from `now` until the service closes today (negative once closed or not open today)."""
    moment = local(now, site)
    hours = hours_on(service, moment.date(), site, cal)
    if hours is None:
        return -1.0
    return (_at(moment.date(), hours.close, site) - moment).total_seconds()


def next_opening(service: Service, now: float, site: Site, cal: HallCalendar = NO_HOLIDAYS) -> datetime | None:
    """The first moment after `now` at which the service opens (today's opening if still ahead),
    or None when it opens on no day within HORIZON_DAYS."""
    moment = local(now, site)
    for offset in range(HORIZON_DAYS):
        day = moment.date() + timedelta(days=offset)
        hours = hours_on(service, day, site, cal)
        if hours is None:
            continue
        opens = _at(day, hours.open, site)
        if opens > moment:
            return opens
    return None


def next_intake(service: Service, now: float, site: Site, cal: HallCalendar = NO_HOLIDAYS) -> datetime | None:
    """When a visitor can next take a ticket: None while the service takes tickets now,
    else its next opening ("다음 접수: 11월 24일(화) 09:00")."""
    if phase(service, now, site, cal) is Phase.OPEN:
        return None
    return next_opening(service, now, site, cal)


# --- a counter's planned presence (lunch cover in turns) -------------------------------------


def _works_on(counter: Counter, moment: datetime) -> bool:
    days = counter.presence.days
    return days is None or DAYS[moment.weekday()] in days


def planned_away(counter: Counter, moment: datetime) -> bool:
    """Whether the plan has the counter away at `moment` (e.g. its turn at lunch)."""
    clock = moment.time().replace(tzinfo=None)
    weekday = DAYS[moment.weekday()]
    return any(a.start <= clock < a.end and (a.days is None or weekday in a.days) for a in counter.presence.away)


def planned_present(counter: Counter, moment: datetime) -> bool:
    """Whether the plan has the counter staffed at `moment`."""
    return _works_on(counter, moment) and not planned_away(counter, moment)


def plan_changes(counters: list[Counter], moment: datetime) -> list[datetime]:
    """The moments later today at which some counter's planned presence changes, in order."""
    day = moment.date()
    marks = {
        datetime.combine(day, clock, tzinfo=moment.tzinfo)
        for c in counters
        for a in c.presence.away
        for clock in (a.start, a.end)
    }
    return sorted(m for m in marks if m > moment)
