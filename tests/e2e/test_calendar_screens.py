"""The hall calendar on the public screens: the kiosk's start screen, the hall board and the status
page say when tickets are next taken while the hall is closed ("다음 접수: 11월 24일(화) 09:00")."""

from __future__ import annotations

import dataclasses

import pytest

from display import screens as board
from hardware.screen import Screen
from hub.domain import queue, view
from hub.holidays_kr import korean_holidays
from kiosk import screens as kiosk
from tests.halls import at, hall
from tests.screens import check_screen
from web.relay import public_status
from wire import calendar_text
from wire import protocol as p

LINES = {
    "ko": "다음 접수: 11월 24일(화) 09:00",
    "en": "Next tickets: Tue 24 Nov, 09:00",
    "zh": "下次取号：11月24日（周二）09:00",
    "vi": "Lấy số lần tới: 09:00, thứ Ba 24/11",
    "ru": "Следующий приём: вт, 24.11, 09:00",
}


def closed_snapshot(now: float) -> p.Snapshot:
    h = hall(always_open=False)
    state = queue.new_day(h, now)
    state = dataclasses.replace(state, calendar=dataclasses.replace(state.calendar, holidays=korean_holidays([2026])))
    return p.Snapshot.model_validate(view.snapshot(state, now))


@pytest.mark.parametrize("language", sorted(LINES))
def test_the_kiosk_start_screen_says_when_tickets_are_next_taken(language):
    evening = at("2026-11-23 19:00")  # Monday evening: next tickets Tuesday 09:00
    snap = closed_snapshot(evening)
    assert snap.next_opening == "2026-11-24T09:00:00+09:00"
    screen = Screen((1080, 1920), offscreen=True)
    kiosk.start(
        screen.painter, snap, language=language, large=False, priority=False, online=True, now=evening, tz="Asia/Seoul"
    )
    check_screen(screen, f"kiosk-closed-{language}", [LINES[language]])


def test_the_hall_board_shows_the_hubs_next_opening_after_a_holiday():
    friday = at("2026-10-02 19:00")  # then 개천절 (Sat) and its substitute holiday (Mon 5 Oct)
    snap = closed_snapshot(friday)
    opening = calendar_text.parse(snap.next_opening)
    assert opening is not None and opening.isoformat() == "2026-10-06T09:00:00+09:00"
    screen = Screen((1920, 1080), offscreen=True)
    board.hall(screen.painter, snap, online=True, flash_call=None, now=friday, tz="Asia/Seoul", opening=opening)
    check_screen(screen, "hall-board-after-holiday", ["다음 접수: 10월 6일(화) 09:00"])


def test_the_status_page_json_carries_the_line_in_every_language():
    snap = closed_snapshot(at("2026-11-23 19:00"))
    status = public_status(snap, hall(always_open=False), online=True)
    assert status["next_opening"] == "2026-11-24T09:00:00+09:00"
    assert status["next_opening_text"] == LINES
    open_now = public_status(closed_snapshot(at("2026-11-24 10:00")), hall(always_open=False), online=True)
    assert open_now["next_opening"] is None and open_now["next_opening_text"] is None


def test_an_unreadable_next_opening_shows_nothing():
    assert calendar_text.next_opening_line("not a time", "ko") is None
    assert calendar_text.next_opening_line("2026-11-24T09:00:00", "ko") is None  # no zone: not trusted
    assert calendar_text.next_opening_line(None, "vi") is None
