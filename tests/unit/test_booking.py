"""Appointments (예약 방문) in the pure core: booking, changing, cancelling, checking in, releasing."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from hub import handler
from hub.domain import booking, queue
from hub.domain.calendar import HallCalendar
from hub.domain.model import BookingState, QueueError, TicketState
from hub.holidays_kr import korean_holidays
from tests.halls import at
from wire import config

HALL = """
[site]
id = "book"
name = { ko = "예약 민원실" }
bookings = { check_in_early_minutes = 15, check_in_late_minutes = 10, bound = 2 }

[[services]]
id = "passport"
name = { ko = "여권" }
numbers = { first = 3001, last = 3999 }
hours = { open = "09:00", close = "18:00", cutoff = "17:00" }
typical_minutes = 10
booking = { slot_minutes = 15, walk_in_share = 0.5, days_ahead = 45, per_person_per_day = 1 }

[[services]]
id = "cert"
name = { ko = "제증명" }
numbers = { first = 1001, last = 1999 }
hours = { open = "09:00", close = "18:00" }
typical_minutes = 4

[[counters]]
id = "1"
label = { ko = "1번 창구" }
services = [["passport"]]
presence = { away = [{ start = "12:00", end = "13:00" }] }

[[counters]]
id = "2"
label = { ko = "2번 창구" }
services = [["passport"], ["cert"]]

[[counters]]
id = "3"
label = { ko = "3번 창구" }
services = [["cert"]]

[[devices]]
id = "kiosk-1"
role = "kiosk"

[[devices]]
id = "web"
role = "web"

[[devices]]
id = "staff"
role = "staff"

[[devices]]
id = "counter-2"
role = "counter"
counter = "2"
"""
MONDAY = date(2026, 11, 23)
NOW = at("2026-11-23 08:00")


def fresh(now: float = NOW):
    state = queue.new_day(config.parse(HALL, "book.toml"), now)
    return dataclasses.replace(state, calendar=HallCalendar(holidays=korean_holidays([2026, 2027])))


def book(state, slot="10:00", day=MONDAY, now=NOW, token=None, **kw):
    kw.setdefault("service_id", "passport")
    state, events = booking.book(
        state, now, day=day, slot=time.fromisoformat(slot), token=token or f"t{slot}{kw}", **kw
    )
    return state, events[-1].booking


def test_capacity_follows_the_counters_planned_and_the_walk_in_share():
    state = fresh()
    svc = state.hall.service("passport")
    # 2 counters × 15/10 visitors × half for bookings = 1.5 → 1 place; at lunch counter 1 is away: 0.75 → 0.
    assert booking.capacity(state, svc, MONDAY, time(10, 0)) == 1
    assert booking.capacity(state, svc, MONDAY, time(12, 15)) == 0
    slots = booking.slots(state, svc, MONDAY)
    assert slots[0] == time(9, 0) and slots[-1] == time(16, 45) and len(slots) == 32


def test_a_booking_gets_a_short_code_and_holds_its_place():
    state, made = book(fresh(), phone="01012345678", name="홍길동")
    assert len(made.code) == 8 and set(made.code) <= set(booking.CODE_ALPHABET)
    assert made.state is BookingState.BOOKED and made.phone_tail == "5678" and made.owner.startswith("p:")
    assert "01012345678" not in repr(made)  # only a hash and the last four digits are kept
    with pytest.raises(QueueError) as err:
        book(state, token="other", phone="01099998888")
    assert err.value.code == "slot_full"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"slot": "07:30"}, "bad_request"),  # not a slot
        ({"slot": "10:05"}, "bad_request"),  # not on the 15-minute grid
        ({"slot": "12:15"}, "slot_full"),  # lunch: no place at all
        ({"day": date(2026, 11, 22)}, "slot_past"),  # yesterday
        ({"day": date(2026, 12, 25)}, "service_closed"),  # 성탄절 (a holiday)
        ({"day": date(2026, 11, 29)}, "service_closed"),  # a Sunday
        ({"day": date(2027, 1, 29)}, "bad_request"),  # beyond days_ahead
        ({"service_id": "cert"}, "bookings_not_offered"),
        ({"service_id": "nope"}, "unknown_service"),
    ],
)
def test_a_bad_booking_is_refused_and_changes_nothing(kw, code):
    state = fresh()
    with pytest.raises(QueueError) as err:
        book(state, **kw)
    assert err.value.code == code


def test_a_slot_that_has_begun_cannot_be_booked():
    state = fresh(at("2026-11-23 10:00"))
    with pytest.raises(QueueError) as err:
        book(state, slot="10:00", now=at("2026-11-23 10:00"))
    assert err.value.code == "slot_past"
    book(state, slot="10:15", now=at("2026-11-23 10:00"))


def test_one_booking_per_person_per_service_per_day():
    state, _ = book(fresh(), slot="10:00", phone="01012345678")
    with pytest.raises(QueueError) as err:
        book(state, slot="11:00", phone="01012345678")
    assert err.value.code == "booking_limit"
    state, _ = book(state, slot="11:00", owner="browser-a")
    with pytest.raises(QueueError):
        book(state, slot="11:15", owner="browser-a")
    book(state, slot="11:00", day=date(2026, 11, 24), phone="01012345678")  # another day is fine


def test_change_and_cancel_by_code():
    state, made = book(fresh(), slot="10:00")
    state, events = booking.change(state, NOW, code=made.code.lower(), day=MONDAY, slot=time(11, 0))
    moved = events[-1].booking
    assert (moved.slot, moved.code) == ("11:00", made.code)
    assert booking.taken(state, "passport", "2026-11-23", "10:00") == 0
    state, _ = book(state, slot="10:00", token="second")  # the old place is free again
    state, events = booking.cancel(state, NOW, code=made.code)
    assert events[-1].booking.state is BookingState.CANCELLED and made.code not in state.bookings
    with pytest.raises(QueueError) as err:
        booking.cancel(state, NOW, code=made.code)
    assert err.value.code == "unknown_booking"


def test_check_in_inside_the_window_issues_a_ticket_marked_booked():
    state, made = book(fresh(), slot="10:00")
    for when, code in (("09:44", "too_early"), ("10:11", "too_late")):
        with pytest.raises(QueueError) as err:
            booking.check_in(state, at(f"2026-11-23 {when}"), code=made.code, token_hash="h", device="kiosk-1")
        assert err.value.code == code
    state, events = booking.check_in(state, at("2026-11-23 09:50"), code=made.code, token_hash="h", device="kiosk-1")
    ticket = events[-1].ticket
    assert ticket.booking == made.code and ticket.state is TicketState.WAITING and ticket.slot_at == made.slot_at
    assert [e.kind for e in events] == ["issued", "checked_in"]
    assert events[-1].detail["early_seconds"] == 600
    with pytest.raises(QueueError) as err:
        booking.check_in(state, at("2026-11-23 09:51"), code=made.code, token_hash="h2", device="kiosk-1")
    assert err.value.code == "already_checked_in"
    with pytest.raises(QueueError) as err:
        booking.cancel(state, at("2026-11-23 09:51"), code=made.code)
    assert err.value.code == "already_checked_in"


def test_a_booking_not_checked_in_is_released_as_a_no_show_at_the_end_of_its_window():
    state, made = book(fresh(), slot="10:00")
    state, events = booking.tick(state, at("2026-11-23 10:10"))
    assert events == [] and made.code in state.bookings
    state, events = booking.tick(state, at("2026-11-23 10:10:01"))
    assert [e.kind for e in events] == ["booking_no_show"] and made.code not in state.bookings
    assert booking.taken(state, "passport", "2026-11-23", "10:00") == 0


def test_the_handler_checks_roles_and_answers_with_the_booking():
    state = fresh()
    command = {"v": 1, "id": "b1", "op": "book", "service": "passport", "date": "2026-11-23", "slot": "10:00"}
    assert handler.handle(state, "kiosk-1", command, NOW, "tok").reply.error.code == "forbidden"
    done = handler.handle(state, "web", {**command, "owner": "browser"}, NOW, "tok")
    assert done.reply.status == "ok", done.reply
    code = done.reply.data.booking.code
    assert done.reply.data.booking.channel == "web" and "owner" not in done.reply.data.booking.model_dump()
    listed = handler.handle(done.state, "web", {"v": 1, "id": "l", "op": "list_bookings"}, NOW, "x")
    assert listed.reply.error.code == "forbidden"
    listed = handler.handle(done.state, "staff", {"v": 1, "id": "l", "op": "list_bookings"}, NOW, "x")
    assert [b.code for b in listed.reply.data.bookings] == [code]
    checked = handler.handle(
        done.state, "kiosk-1", {"v": 1, "id": "c", "op": "check_in", "code": code}, at("2026-11-23 09:55"), "t2"
    )
    assert checked.reply.status == "ok", checked.reply
    assert checked.reply.data.booked is True and checked.reply.data.number == "3001"
    assert checked.reply.data.booking.state == "checked_in"
    from kiosk.ticket import TicketContent  # the kiosk prints the 예약 mark from the reply

    assert TicketContent.from_reply(checked.reply.data).booked
    bad = handler.handle(state, "web", {**command, "phone": "010-1234"}, NOW, "t")
    assert bad.reply.error.code == "bad_request"
