"""The hall calendar: Korean holidays, hours by weekday, closures, single-day changes, lunch cover."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub import handler
from hub.domain import calendar, day_change, estimate, queue, view
from hub.domain.calendar import DayChange, HallCalendar, Phase
from hub.domain.model import CounterStatus, QueueError
from hub.holidays_kr import korean_holidays
from tests.halls import SEOUL, at
from wire import config

KR = HallCalendar(holidays=korean_holidays(range(2025, 2029)))

HALL = """
[site]
id = "cal"
name = { ko = "달력 민원실" }
calendar = { closed = [2026-12-31], extra_days = [2026-05-01] }

[[services]]
id = "cert"
name = { ko = "제증명" }
numbers = { first = 1001, last = 1999 }
hours = { open = "09:00", close = "18:00", cutoff = "17:50" }
week = { sat = { open = "09:00", close = "13:00", cutoff = "12:50" } }
typical_minutes = 5

[[services]]
id = "passport"
name = { ko = "여권" }
numbers = { first = 3001, last = 3999 }
hours = { open = "09:00", close = "18:00", cutoff = "17:00" }
week = { tue = { open = "09:00", close = "20:00", cutoff = "19:30" } }
typical_minutes = 12

[[counters]]
id = "1"
label = { ko = "1번 창구" }
services = [["cert"]]
presence = { away = [{ start = "12:00", end = "12:30" }] }

[[counters]]
id = "2"
label = { ko = "2번 창구" }
services = [["cert"]]
presence = { away = [{ start = "12:30", end = "13:00" }] }

[[counters]]
id = "3"
label = { ko = "3번 창구" }
services = [["passport"]]
presence = { days = ["mon", "tue", "wed", "thu", "fri"] }

[[devices]]
id = "staff"
role = "staff"

[[devices]]
id = "kiosk-1"
role = "kiosk"
"""


def hall(text: str = HALL) -> config.HallConfig:
    return config.parse(text, "calendar.toml")


def state_at(now: float, text: str = HALL, cal: HallCalendar = KR):
    return dataclasses.replace(queue.new_day(hall(text), now), calendar=cal)


def phase(service: str, when: str, cal: HallCalendar = KR, text: str = HALL) -> Phase:
    h = hall(text)
    return calendar.phase(h.service(service), at(when), h.site, cal)


# --- Korean public holidays 2026–2027, substitute days included -------------------------------

SUBSTITUTE_DAYS = [
    "2026-03-02",  # 삼일절 on a Sunday
    "2026-05-25",  # 부처님오신날 on a Sunday
    "2026-08-17",  # 광복절 on a Saturday
    "2026-10-05",  # 개천절 on a Saturday
    "2027-02-09",  # 설날 on a Sunday
    "2027-08-16",  # 광복절 on a Sunday
    "2027-10-04",  # 개천절 on a Sunday
    "2027-10-11",  # 한글날 on a Saturday
    "2027-12-27",  # 성탄절 on a Saturday
]
HOLIDAYS = [
    "2026-01-01",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-06-03",  # 지방선거일
    "2026-09-24",
    "2026-09-25",
    "2026-10-09",
    "2026-12-25",
    "2027-01-01",
    "2027-02-08",
    "2027-09-14",
    "2027-09-15",
    "2027-09-16",
]


@pytest.mark.parametrize("day", SUBSTITUTE_DAYS + HOLIDAYS)
def test_korean_public_and_substitute_holidays_close_the_hall(day):
    assert date.fromisoformat(day) in KR.holidays
    assert date.fromisoformat(day).weekday() < 5  # each falls on a working day: it is what closes the hall
    assert phase("cert", f"{day} 10:00") is Phase.NOT_TODAY
    assert phase("passport", f"{day} 10:00") is Phase.NOT_TODAY


def test_the_day_after_a_substitute_holiday_is_an_ordinary_working_day():
    assert phase("cert", "2026-10-06 10:00") is Phase.OPEN
    assert phase("cert", "2026-10-05 10:00", NO := HallCalendar()) is Phase.OPEN  # without holidays: open
    assert NO.holidays == frozenset()


def test_the_hall_can_ignore_public_holidays_or_work_one():
    never = HALL.replace("calendar = { closed", "calendar = { public_holidays = false, closed")
    assert phase("cert", "2026-10-05 10:00", text=never) is Phase.OPEN
    assert phase("cert", "2026-05-01 10:00") is Phase.OPEN  # 근로자의 날: an extra working day in this hall
    assert phase("cert", "2026-12-31 10:00") is Phase.NOT_TODAY  # the hall's own closure


# --- hours by weekday -----------------------------------------------------------------------


def test_passport_is_open_late_on_tuesdays_only():
    assert phase("passport", "2026-11-24 19:00") is Phase.OPEN  # Tuesday
    assert phase("passport", "2026-11-24 19:45") is Phase.CUT_OFF
    assert phase("passport", "2026-11-23 19:00") is Phase.CLOSED  # Monday
    assert phase("passport", "2026-11-23 17:30") is Phase.CUT_OFF


def test_certificates_open_saturday_morning():
    assert phase("cert", "2026-11-28 12:00") is Phase.OPEN  # Saturday
    assert phase("cert", "2026-11-28 13:30") is Phase.CLOSED
    assert phase("cert", "2026-11-29 10:00") is Phase.NOT_TODAY  # Sunday
    assert phase("passport", "2026-11-28 10:00") is Phase.NOT_TODAY


def test_the_snapshot_shows_todays_hours_and_the_next_opening():
    snap = view.snapshot(state_at(at("2026-11-24 10:00")), at("2026-11-24 10:00"))
    passport = next(s for s in snap["services"] if s["id"] == "passport")
    assert (passport["opens"], passport["cutoff"], passport["closes"]) == ("09:00", "19:30", "20:00")
    assert passport["next_opening"] is None and passport["open_today"]
    assert snap["next_opening"] is None  # open now
    # Monday 23 November, after every service has closed: tickets again Tuesday 09:00.
    evening = at("2026-11-23 18:30")
    snap = view.snapshot(state_at(evening), evening)
    assert snap["next_opening"] == "2026-11-24T09:00:00+09:00"
    # Saturday afternoon: certificates on Monday; passports on Monday; the hall on Monday 09:00.
    saturday = at("2026-11-28 14:00")
    snap = view.snapshot(state_at(saturday), saturday)
    assert snap["next_opening"] == "2026-11-30T09:00:00+09:00"
    # Friday 2 October 2026 evening: the 3rd (Sat) is 개천절, the 5th its substitute holiday.
    friday = at("2026-10-02 19:00")
    snap = view.snapshot(state_at(friday), friday)
    cert = next(s for s in snap["services"] if s["id"] == "cert")
    assert cert["next_opening"] == "2026-10-06T09:00:00+09:00"  # not Saturday the 3rd, not Monday the 5th
    sunday = at("2026-11-29 10:00")
    cert = next(s for s in view.snapshot(state_at(sunday), sunday)["services"] if s["id"] == "cert")
    assert not cert["open_today"] and cert["status"] == "closed"


# --- single-day changes from the console ----------------------------------------------------


def test_closing_early_today_stops_issuing_then_and_can_be_undone():
    morning = at("2026-11-23 10:00")
    state = state_at(morning)
    state, events = day_change.change_day(state, morning, closes=time(14, 0))
    assert [e.kind for e in events] == ["day_changed"]
    assert events[0].detail["closes"] == "14:00"
    state, _ = queue.issue(state, "cert", at("2026-11-23 13:59"), token_hash="a", device="kiosk-1")
    with pytest.raises(QueueError) as err:
        queue.issue(state, "cert", at("2026-11-23 14:00"), token_hash="b", device="kiosk-1")
    assert err.value.code == "service_closed"
    snap = view.snapshot(state, at("2026-11-23 14:30"))
    assert snap["next_opening"] == "2026-11-24T09:00:00+09:00"
    assert next(s for s in snap["services"] if s["id"] == "cert")["closes"] == "14:00"
    state, _ = day_change.change_day(state, at("2026-11-23 14:30"), clear=True)
    assert calendar.phase(state.hall.service("cert"), at("2026-11-23 14:30"), state.hall.site, state.calendar) is (
        Phase.OPEN
    )


def test_a_day_change_for_one_service_leaves_the_others_open():
    now = at("2026-11-23 10:00")
    state, _ = day_change.change_day(state_at(now), now, service="passport", closed=True)
    site = state.hall.site
    assert calendar.phase(state.hall.service("passport"), now, site, state.calendar) is Phase.NOT_TODAY
    assert calendar.phase(state.hall.service("cert"), now, site, state.calendar) is Phase.OPEN


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"day": date(2026, 11, 20), "closed": True}, "bad_request"),  # the past
        ({"closed": True, "closes": time(14, 0)}, "bad_request"),  # two at once
        ({}, "bad_request"),  # nothing to do
        ({"service": "nope", "closed": True}, "unknown_service"),
        ({"clear": True}, "invalid_state"),  # nothing to clear
        ({"day": date(2028, 1, 5), "closed": True}, "bad_request"),  # beyond a year
    ],
)
def test_a_bad_day_change_is_refused_and_changes_nothing(kwargs, code):
    now = at("2026-11-23 10:00")
    state = state_at(now)
    with pytest.raises(QueueError) as err:
        day_change.change_day(state, now, **kwargs)
    assert err.value.code == code


def test_the_day_change_op_is_for_staff_only_and_replies_with_the_change():
    now = at("2026-11-23 10:00")
    state = state_at(now)
    command = {"v": 1, "id": "d1", "op": "change_day", "closes": "14:00"}
    refused = handler.handle(state, "kiosk-1", command, now, "tok")
    assert refused.reply.error.code == "forbidden" and refused.state is state
    done = handler.handle(state, "staff", command, now, "tok")
    assert done.reply.status == "ok"
    assert done.reply.data.day == {
        "date": "2026-11-23",
        "service": None,
        "closes": "14:00",
        "closed": False,
        "clear": False,
    }
    assert done.state.seq == state.seq + 1
    bad = handler.handle(state, "staff", {**command, "date": "2026-02-30"}, now, "tok")
    assert bad.reply.error.code == "bad_request"


def test_past_day_changes_are_dropped_when_the_day_rolls():
    now = at("2026-11-23 10:00")
    state, _ = day_change.change_day(state_at(now), now, closes=time(14, 0))
    state, _ = day_change.change_day(state, now, day=date(2026, 11, 25), closed=True)
    state, _ = queue.tick(state, at("2026-11-24 10:00"))
    assert state.calendar.changes == (DayChange(date(2026, 11, 25), None, None, True),)


# --- lunch cover in the estimates -----------------------------------------------------------


def _busy(now: float, waiting: int, text: str = HALL):
    state = state_at(now, text)
    for i in range(waiting):
        state, _ = queue.issue(state, "cert", now, token_hash=f"t{i}", device="staff")
    for counter in ("1", "2"):
        state, _ = queue.resume(state, counter, now)
    return state


NO_LUNCH = HALL.replace('presence = { away = [{ start = "12:00", end = "12:30" }] }', "").replace(
    'presence = { away = [{ start = "12:30", end = "13:00" }] }', ""
)


def test_a_lunch_plan_lengthens_the_estimate_across_lunch_only():
    before_lunch = at("2026-11-23 11:40")
    planned = estimate.wait_range(_busy(before_lunch, 20), "cert", 20, before_lunch)
    plain = estimate.wait_range(_busy(before_lunch, 20, NO_LUNCH), "cert", 20, before_lunch)
    assert planned[1] > plain[1] and planned[0] >= plain[0]
    # Two counters, 5 minutes each: 20.5 visitors' worth (6,150 s) is 51 minutes with both. With
    # one of them away 12:00–13:00 in turns: 20 min × 2, 60 min × 1, then 75 s × 2 = 81 minutes,
    # an average of 6,150 / 4,875 s = 1.26 counters.
    _, _, capacity = estimate.model(_busy(before_lunch, 20), "cert", before_lunch, 20)
    assert capacity == pytest.approx(6150 / 4875)
    # A short queue at 10:00 is served long before lunch: the plan changes nothing.
    morning = at("2026-11-23 10:00")
    assert estimate.wait_range(_busy(morning, 3), "cert", 3, morning) == estimate.wait_range(
        _busy(morning, 3, NO_LUNCH), "cert", 3, morning
    )


def test_a_counter_away_for_lunch_counts_again_once_back():
    noon = at("2026-11-23 12:10")
    state = _busy(noon, 10)
    state, _ = queue.pause(state, "1", noon)  # counter 1 at lunch, as planned
    _, _, capacity = estimate.model(state, "cert", noon, 10)
    # Only counter 2 until 12:30, then both until 12:30 + … (then 2 leaves): more than one counter.
    assert 1.0 < capacity < 2.0
    assert state.counter("1").status is CounterStatus.PAUSED


def test_the_closing_warning_takes_lunch_into_account():
    # Saturday: certificates close at 13:00. At 12:05 with 9 waiting, two counters would make it,
    # but counter 1 is at lunch until 12:30 and counter 2 leaves at 12:30: the kiosk warns.
    now = at("2026-11-28 12:05")
    waiting = 9
    with_plan = view.service_status(_busy(now, waiting), "cert", now, waiting)[0]
    without = view.service_status(_busy(now, waiting, NO_LUNCH), "cert", now, waiting)[0]
    assert (with_plan, without) == ("closing", "open")


def test_a_counter_not_planned_on_a_day_is_not_counted_before_opening():
    saturday = at("2026-11-28 08:30")  # counter 3 (passport) works Monday to Friday only
    state = state_at(saturday)
    assert estimate.planned_capacity(state, "passport", saturday, 600.0) is None


# --- properties ------------------------------------------------------------------------------

WEEKDAYS = st.lists(st.sampled_from(config.DAYS), min_size=0, max_size=7, unique=True)
MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31))
HOLIDAY_SETS = st.frozensets(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)), max_size=80)


def _service_text(days: list[str], saturday: bool) -> str:
    week = 'week = { sat = { open = "10:00", close = "12:00" } }' if saturday else ""
    return f"""
[site]
id = "p"
name = {{ ko = "속성 민원실" }}

[[services]]
id = "cert"
name = {{ ko = "제증명" }}
hours = {{ open = "09:00", close = "18:00", cutoff = "17:00", days = {days!r} }}
{week}
""".replace("'", '"')


@settings(max_examples=150, deadline=None)
@given(days=WEEKDAYS, saturday=st.booleans(), moment=MOMENTS, holidays=HOLIDAY_SETS, extra=HOLIDAY_SETS)
def test_next_opening_is_a_future_working_day_never_a_holiday(days, saturday, moment, holidays, extra):
    if not days and not saturday:  # a task open on no day at all: `sunbeon check` refuses the hall
        with pytest.raises(config.ConfigError, match="no day listed"):
            hall(_service_text(days, saturday))
        return
    h = hall(_service_text(days, saturday))
    now = moment.replace(tzinfo=SEOUL).timestamp()
    cal = HallCalendar(holidays=holidays | extra)
    service = h.service("cert")
    opening = calendar.next_opening(service, now, h.site, cal)
    if not days and not saturday:
        assert opening is None
        return
    if len(holidays | extra) < 60 or opening is not None:
        assert opening is not None
        assert opening.timestamp() > now  # always in the future
        assert opening.date() not in cal.holidays  # never a holiday
        assert calendar.hours_on(service, opening.date(), h.site, cal) is not None  # a working day
        assert calendar.phase(service, opening.timestamp(), h.site, cal) is Phase.OPEN
        # and nothing opens in between
        day = datetime.fromtimestamp(now, SEOUL).date()
        while day < opening.date():
            hours = calendar.hours_on(service, day, h.site, cal)
            assert hours is None or datetime.combine(day, hours.open, SEOUL).timestamp() <= now
            day += timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(week=st.integers(0, 3), weekday=st.integers(0, 4), minute=st.integers(0, 529), waiting=st.integers(0, 60))
def test_a_lunch_plan_never_shortens_an_estimate(week, weekday, minute, waiting):
    day = date(2026, 11, 23) + timedelta(days=7 * week + weekday)  # Mondays to Fridays, no holiday among them
    now = datetime.combine(day, time(9, 0), SEOUL).timestamp() + 60 * minute
    planned = estimate.wait_range(_busy(now, waiting), "cert", waiting, now)
    plain = estimate.wait_range(_busy(now, waiting, NO_LUNCH), "cert", waiting, now)
    assert planned[1] >= plain[1]
