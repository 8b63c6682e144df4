"""A single day's change from the console: "오늘 14시 조기 마감", or a day closed. Pure, like the queue."""

from __future__ import annotations

import dataclasses
from datetime import date, time

from hub.domain import calendar
from hub.domain.model import Event, HallState, QueueError, frozen
from hub.domain.queue import Outcome, roll_day


def change_day(
    state: HallState,
    now: float,
    *,
    day: date | None = None,
    service: str | None = None,
    closes: time | None = None,
    closed: bool = False,
    clear: bool = False,
) -> Outcome:
    """Close the hall (or one service) early on a day, close it all day, or undo that (`clear`).

    Today or a later day only: a past day cannot change. Tickets already waiting stay in the
    queue (the clerks serve those in the hall); the kiosks and the web stop issuing at once.
    """
    state, events = roll_day(state, now)
    today = date.fromisoformat(state.business_date)
    day = day or today
    if day < today:
        raise QueueError("bad_request", f"{day.isoformat()} is in the past; only today or a later day can change")
    if (day - today).days > 366:
        raise QueueError("bad_request", "a day change reaches at most a year ahead")
    if service is not None and state.hall.service(service) is None:
        raise QueueError("unknown_service", f"no service {service!r}")
    if sum((closes is not None, closed, clear)) != 1:
        raise QueueError("bad_request", "change_day needs exactly one of closes, closed or clear")
    kept = tuple(c for c in state.calendar.changes if (c.date, c.service) != (day, service))
    if clear:
        if len(kept) == len(state.calendar.changes):
            raise QueueError("invalid_state", f"no change on {day.isoformat()} to clear")
        changes = kept
    else:
        changes = (*kept, calendar.DayChange(day, service, closes, closed))
    detail = {
        "date": day.isoformat(),
        "service": service,
        "closes": closes.strftime("%H:%M") if closes else None,
        "closed": closed,
        "clear": clear,
    }
    events.append(Event("day_changed", now, detail=frozen(detail)))
    return dataclasses.replace(state, calendar=dataclasses.replace(state.calendar, changes=changes)), events
