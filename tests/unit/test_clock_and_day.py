"""The hall clock (SUNBEON_CLOCK), the demo's day options, and the simulated people's timing."""

from __future__ import annotations

import math
import random
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.halls import hall_text
from tools.demo import closing_time, duration_seconds, start_time
from wire import clock, config
from wire.hallday import HOURLY, next_arrival, service_seconds

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_clock_starts_where_asked_and_runs_at_its_speed():
    c = clock.parse("2026-11-23T08:50:00+09:00@60~1000.0", real_now=0)
    assert c.virtual and c.speed == 60
    start = datetime(2026, 11, 23, 8, 50, tzinfo=SEOUL).timestamp()
    real = time.time()
    assert abs(c.now() - (start + (real - 1000.0) * 60)) < 60 * 0.5  # within half a real second
    assert c.real(120) == 2.0 and c.real(-5) == 0.0


def test_roles_started_apart_agree_through_the_anchor():
    text = clock.HallClock(datetime(2026, 11, 23, 8, 50, tzinfo=SEOUL).timestamp(), 500, time.time()).env()
    first = clock.parse(text)
    time.sleep(0.05)
    second = clock.parse(text)  # a role started later reads the same value
    assert abs(first.now() - second.now()) < 500 * 0.02


def test_no_value_is_the_real_clock():
    assert not clock.parse("").virtual
    assert abs(clock.parse("").now() - time.time()) < 1


@pytest.mark.parametrize(
    "bad",
    [
        "tomorrow",
        "2026-11-23T08:50:00",
        "2026-11-23T08:50+09:00@0",
        "2026-11-23T08:50+09:00@-3",
        "2026-11-23T08:50+09:00@nan",
        "2026-11-23T08:50+09:00@fast",
        "2026-11-23T08:50+09:00@60~inf",
        "2026-11-23T08:50+09:00@1e9",
    ],
)
def test_a_wrong_value_is_a_clear_error(bad):
    with pytest.raises(clock.ClockError):
        clock.parse(bad)


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_is_a_clock_error(text):
    try:
        c = clock.parse(text)
    except clock.ClockError:
        return
    assert math.isfinite(c.now()) and 0 < c.speed <= clock.MAX_SPEED


def test_a_bad_environment_value_leaves_a_running_role_on_the_real_clock(monkeypatch):
    monkeypatch.setenv(clock.ENV, "yesterday@fast")
    monkeypatch.setattr(clock, "_current", None)
    assert not clock.current().virtual  # logged, never raised inside a loop
    with pytest.raises(clock.ClockError):
        clock.check_env()  # ... but the command line refuses it at start


def test_waiting_is_scaled_by_the_speed():
    c = clock.HallClock(0.0, 1000.0, time.time())
    stop = threading.Event()
    began = time.monotonic()
    c.wait(stop, 100)  # 100 hall seconds at 1000×: 0.1 real seconds
    assert 0.09 <= time.monotonic() - began < 2


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 2**32))
@settings(max_examples=300, deadline=None)
def test_service_times_never_fail_whatever_the_typical_time(minutes, seed):
    # The demo's clerk died on gammavariate(alpha, beta ≤ 0) once measured means shrank to 0.
    seconds = service_seconds(random.Random(seed), minutes)
    assert seconds > 0 and math.isfinite(seconds)


def test_service_times_centre_on_the_typical_time():
    rng = random.Random(1)
    draws = [service_seconds(rng, 8) / 60 for _ in range(4000)]
    assert 7.6 < sum(draws) / len(draws) < 8.4


def test_arrivals_follow_the_day_with_a_lunch_dip():
    rng = random.Random(5)
    day = datetime(2026, 11, 23, tzinfo=SEOUL).timestamp()
    hours, t = [], day
    while (t := next_arrival(rng, t, 95, lambda x: datetime.fromtimestamp(x, SEOUL).hour)) < day + 86400:
        hours.append(datetime.fromtimestamp(t, SEOUL).hour)
    assert set(hours) <= set(HOURLY) and 450 < len(hours) < 620
    assert hours.count(12) < hours.count(10) and hours.count(12) < hours.count(14)
    assert next_arrival(rng, day, 0, lambda x: 10) == math.inf


@pytest.fixture
def hall():
    return config.parse(hall_text(always_open=False), "hall.toml")


def test_start_defaults_to_ten_to_nine_on_an_open_day(hall):
    sunday = datetime(2026, 11, 22).date()
    assert start_time(None, hall, today=sunday) == datetime(2026, 11, 23, 8, 50, tzinfo=SEOUL)
    assert start_time("10:30", hall, today=sunday) == datetime(2026, 11, 23, 10, 30, tzinfo=SEOUL)
    assert start_time("2026-11-25", hall, today=sunday) == datetime(2026, 11, 25, 8, 50, tzinfo=SEOUL)
    assert start_time("2026-11-25T13:05", hall, today=sunday) == datetime(2026, 11, 25, 13, 5, tzinfo=SEOUL)
    with pytest.raises(config.ConfigError):
        start_time("noon", hall)
    assert (
        closing_time(hall, datetime(2026, 11, 23, 8, 50, tzinfo=SEOUL))
        == datetime(2026, 11, 23, 18, 0, tzinfo=SEOUL).timestamp()
    )


@pytest.mark.parametrize(
    "text,seconds",
    [("close", None), (None, None), ("0", 0.0), ("90m", 5400.0), ("3h", 10800.0), ("1h30m", 5400.0), ("45", 2700.0)],
)
def test_durations(text, seconds):
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("bad", ["soon", "h", "-3h", "1d"])
def test_wrong_durations_are_refused(bad):
    with pytest.raises(config.ConfigError):
        duration_seconds(bad)


def test_a_demo_started_after_lunch_keeps_its_clerks_at_the_counters():
    """Started at 14:00, the demo once sent every clerk to lunch at once (nobody was called for
    45 hall minutes); a break is due only from its start until it would have ended, once a day."""
    from wire.hallday import lunch_due

    seoul = ZoneInfo("Asia/Seoul")
    at = lambda hh, mm: datetime(2026, 11, 23, hh, mm, tzinfo=seoul)  # noqa: E731
    assert not lunch_due(at(14, 0), (12, 0), None)
    assert not lunch_due(at(14, 0), (12, 45), None)
    assert not lunch_due(at(11, 59), (12, 0), None)
    assert lunch_due(at(12, 0), (12, 0), None)
    assert lunch_due(at(12, 30), (12, 0), None)  # a clerk still busy at 12:00 goes a bit later
    assert not lunch_due(at(12, 45), (12, 0), None)
    assert lunch_due(at(13, 10), (12, 45), None)
    assert not lunch_due(at(12, 10), (12, 0), "2026-11-23")  # once a day
