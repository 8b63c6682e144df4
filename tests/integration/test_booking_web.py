"""Appointments end to end: a real Mosquitto, a real hub, the real web relay over HTTP.

The race for a slot's last place is run with concurrent HTTP requests: exactly one resident wins.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import httpx

from tests.halls import SEOUL
from wire import protocol as p


def tomorrow() -> str:
    return (datetime.now(SEOUL).date() + timedelta(days=1)).isoformat()


def test_two_residents_racing_for_the_last_place_exactly_one_wins(web, hub):
    # The test hall's passport slots have one place each (counters planned × 15/10 × 0.7 = 1.26).
    racers = 8
    results: list[httpx.Response] = []
    start = threading.Barrier(racers)

    def race(i: int) -> None:
        with httpx.Client(base_url=web.url, timeout=15) as client:
            start.wait()
            results.append(
                client.post("/api/bookings", json={"service": "passport", "date": tomorrow(), "slot": "10:00"})
            )

    threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [409] * (racers - 1), [r.text for r in results]
    assert {r.json()["error"] for r in results if r.status_code == 409} == {"slot_full"}
    staff = hub.client("staff")
    try:
        listed = staff.ask(p.LIST_BOOKINGS, date=tomorrow()).result()
        assert [b.slot for b in listed.bookings] == ["10:00"]  # one stored, nothing else changed
    finally:
        staff.close()


def test_book_change_cancel_and_check_in_over_http(web, hub, http):
    made = http.post(
        "/api/bookings", json={"service": "passport", "date": tomorrow(), "slot": "11:00", "name": "김민원"}
    )
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    assert made.json()["name"] == "김민원" and "owner" not in made.json()
    page = http.get(f"/booking/{code}?lang=ko")
    assert page.status_code == 200 and f"{code[:4]}-{code[4:]}" in page.text and "<svg" in page.text
    # The same browser (cookie) may not hold a second booking of the task that day.
    again = http.post("/api/bookings", json={"service": "passport", "date": tomorrow(), "slot": "11:15"})
    assert again.status_code == 409 and again.json()["error"] == "booking_limit"
    assert "한 번만" in again.json()["message"]
    # Bad input: a clear error, nothing changed.
    for body, error in (
        ({"service": "passport", "date": "2020-01-01", "slot": "10:00"}, "slot_past"),
        ({"service": "cert", "date": tomorrow(), "slot": "10:00"}, "bookings_not_offered"),
        ({"service": "passport", "date": tomorrow(), "slot": "10:07"}, "bad_request"),
        ({"service": "passport", "date": "2026-02-30", "slot": "10:00"}, "bad_request"),
    ):
        with httpx.Client(base_url=web.url, timeout=10) as fresh:
            refused = fresh.post("/api/bookings", json=body)
        assert refused.status_code in (400, 404, 409) and refused.json()["error"] == error, (body, refused.text)
    assert http.get("/booking/ZZZZZZZZ").status_code == 404
    # Change, then cancel, by code (forms, with the page's CSRF token).
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    moved = http.post(f"/booking/{code}/change", data={"day": tomorrow(), "slot": "11:30", "csrf": csrf})
    assert moved.status_code == 303 and "msg=changed" in moved.headers["location"]
    staff = hub.client("staff")
    kiosk = hub.client("kiosk-1")
    try:
        shown = staff.ask(p.SHOW_BOOKING, code=code).result()
        assert shown.booking is not None and shown.booking.slot == "11:30"
        # Tomorrow's slot: the kiosk refuses today, with the reason, and issues nothing.
        early = kiosk.ask(p.CHECK_IN, code=code)
        assert early.error.code == "too_early"
        gone = http.post(f"/booking/{code}/cancel", data={"csrf": csrf})
        assert gone.status_code == 200 and "취소되었습니다" in gone.text
        assert staff.ask(p.SHOW_BOOKING, code=code).error.code == "unknown_booking"
        assert kiosk.ask(p.CHECK_IN, code=code).error.code == "unknown_booking"
    finally:
        staff.close()
        kiosk.close()


def test_a_booking_is_stored_before_it_is_acknowledged_and_survives_a_restart(web, hub, http):
    made = http.post("/api/bookings", json={"service": "passport", "date": tomorrow(), "slot": "14:00"})
    assert made.status_code == 201
    code = made.json()["code"]
    rows = hub.store.conn.execute("SELECT state FROM bookings WHERE code=?", [code]).fetchall()
    assert rows == [("booked",)]
    hub.stop()
    hub.start()
    staff = hub.client("staff")
    try:
        assert staff.ask(p.SHOW_BOOKING, code=code).result().booking.state == "booked"
        full = staff.ask(p.BOOK, service="passport", date=tomorrow(), slot="14:00")
        assert full.error.code == "slot_full"
    finally:
        staff.close()


def test_the_console_lists_the_days_bookings_and_books_for_a_resident_who_phoned(web, hub):
    from tests.halls import CLERK_PASSWORD

    with httpx.Client(base_url=web.url, timeout=10) as http:
        made = http.post("/api/bookings", json={"service": "passport", "date": tomorrow(), "slot": "09:00"})
        assert made.status_code == 201
        assert http.get(f"/console/3/bookings?date={tomorrow()}", follow_redirects=False).status_code == 303
        http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD})
        page = http.get(f"/console/3/bookings?date={tomorrow()}")
        assert page.status_code == 200 and made.json()["code"] in page.text
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        phoned = http.post(
            "/console/3/bookings",
            data={"service": "passport", "day": tomorrow(), "slot": "09:15", "phone": "010-9876-5432", "csrf": csrf},
            follow_redirects=True,
        )
        assert "예약 번호" in phoned.text and "···5432" in phoned.text and "01098765432" not in phoned.text
        full = http.post(
            "/console/3/bookings",
            data={"service": "passport", "day": tomorrow(), "slot": "09:15", "csrf": csrf},
            follow_redirects=True,
        )
        assert "마감되었습니다" in full.text  # the slot's one place is taken: a clear refusal
        assert http.get("/console/1/bookings", follow_redirects=False).status_code == 303  # only its own counter
        # A crafted link cannot put its words on the clerk's screen; only a booking code is echoed.
        crafted = http.get(f"/console/3/bookings?date={tomorrow()}&msg=예약 취소됨: 창구 1로 즉시 연락&made=<b>x</b>")
        assert "즉시 연락" not in crafted.text and "&lt;b&gt;" not in crafted.text
