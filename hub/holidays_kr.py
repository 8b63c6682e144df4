"""Korean public and substitute holidays for the hall calendar, read from the `holidays` package.

The shell's side of the calendar: the pure core takes the resulting set of dates
(hub/domain/calendar.py, `HallCalendar.holidays`) and never imports the package itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

log = logging.getLogger("sunbeon.hub")


def korean_holidays(years: Iterable[int]) -> frozenset[date]:
    """Public holidays of South Korea (KR) in these years, substitute holidays (대체공휴일) and
    election days included. Empty, with a warning, when the package is missing: the hall then
    keeps its weekday hours and config closures, and opens on holidays unless told otherwise."""
    try:
        import holidays
    except ImportError:
        log.warning("the holidays package is missing (pip install 'sunbeon[hub]'): no public holidays known")
        return frozenset()
    return frozenset(holidays.country_holidays("KR", years=list(years)).keys())


def years_around(year: int) -> range:
    """The years a running hub keeps holidays for: last year to two years ahead (next openings,
    bookings a year out)."""
    return range(year - 1, year + 3)
