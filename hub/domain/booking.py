"""Appointments (예약 방문): book a slot, change or cancel it by code, check in at the kiosk. Pure.

A slot's capacity is what the counters planned for the service can serve in it (their presence
on that weekday and time, lunch cover included), minus the share kept for walk-ins. Checking in
issues an ordinary ticket marked 예약 that the allocation calls at its slot time
(hub/domain/allocation.py). A booking not checked in by the end of its window is released as a
no-show (`release`, run by the hub's tick). Every refusal raises QueueError and changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from hub.domain import calendar, queue
from hub.domain.model import Booking, BookingState, Event, HallState, QueueError, frozen
from hub.domain.queue import Outcome, roll_day
from wire.hall import Service

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a keypad
CODE_LENGTH = 8
LIVE = (BookingState.BOOKED, BookingState.CHECKED_IN)


def code_from(token: str) -> str:
    """A booking code from the fresh random token the shell hands in (8 of 32 symbols: 40 bits)."""
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, rest = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rest])
    return "".join(chars)


def normal_code(code: str) -> str:
    """A code as typed or scanned: case, spaces and dashes do not matter ("k7qp-m2xa")."""
    return "".join(ch for ch in code.upper() if ch not in " -")[:16]


def owner_of(phone: str | None, owner: str | None) -> str:
    """The key the per-person limit counts by: the phone's hash, else the relay's browser key, else none."""
    if phone:
        return "p:" + hashlib.sha256(phone.encode()).hexdigest()[:24]
    return "b:" + owner[:64] if owner else ""


def _service(state: HallState, service_id: str) -> Service:
    service = state.hall.service(service_id)
    if service is None:
        raise QueueError("unknown_service", f"no service {service_id!r}")
    if service.booking is None:
        raise QueueError("bookings_not_offered", f"{service.id!r} takes no appointments")
    return service


def slot_start(state: HallState, day: date, slot: time) -> float:
    """The slot's start as Unix seconds at the site."""
    return datetime.combine(day, slot, tzinfo=state.hall.site.tz).timestamp()


def slots(state: HallState, service: Service, day: date) -> list[time]:
    """Every slot start of the service on `day` (empty when it does not open): from opening to the
    ticket cut-off, `slot_minutes` apart."""
    assert service.booking is not None
    hours = calendar.hours_on(service, day, state.hall.site, state.calendar)
    if hours is None:
        return []
    step = timedelta(minutes=service.booking.slot_minutes)
    at, end = datetime.combine(day, hours.open), datetime.combine(day, hours.last_ticket)
    found = []
    while at + step <= end:
        found.append(at.time())
        at += step
    return found


def capacity(state: HallState, service: Service, day: date, slot: time) -> int:
    """Bookable places in a slot: counters planned for the service then (primary tier 1, later
    tiers a fifth, as in the estimates) × visitors each serves in the slot × the booked share."""
    assert service.booking is not None
    moment = datetime.combine(day, slot, tzinfo=state.hall.site.tz)
    counters = 0.0
    for counter in state.hall.counters:
        for rank, tier in enumerate(counter.services):
            if service.id in tier:
                if calendar.planned_present(counter, moment):
                    counters += 1.0 if rank == 0 else 0.2
                break
    per_slot = counters * service.booking.slot_minutes / service.typical_minutes
    return math.floor(per_slot * (1 - service.booking.walk_in_share) + 1e-9)


def taken(state: HallState, service: str, day: str, slot: str, *, but: str | None = None) -> int:
    """Live bookings in one slot (not counting the booking `but`, which is being moved)."""
    return sum(
        1
        for b in state.bookings.values()
        if b.service == service and b.date == day and b.slot == slot and b.state in LIVE and b.code != but
    )


def _check_slot(state: HallState, service: Service, day: date, slot: time, now: float, *, but: str | None) -> float:
    """The slot's start when it can be booked now; QueueError saying why not otherwise."""
    assert service.booking is not None
    today = date.fromisoformat(state.business_date)
    if day < today or (day - today).days > service.booking.days_ahead:
        raise QueueError("slot_past" if day < today else "bad_request", f"{day.isoformat()} cannot be booked now")
    open_slots = slots(state, service, day)
    if not open_slots:
        raise QueueError("service_closed", f"{service.id} takes nobody on {day.isoformat()} (a holiday or a day off)")
    if slot not in open_slots:
        raise QueueError("bad_request", f"{slot.strftime('%H:%M')} is not a slot of {service.id} that day")
    start = slot_start(state, day, slot)
    if start <= now:
        raise QueueError("slot_past", f"the slot {day.isoformat()} {slot.strftime('%H:%M')} has begun")
    places = capacity(state, service, day, slot)
    if taken(state, service.id, day.isoformat(), slot.strftime("%H:%M"), but=but) >= places:
        raise QueueError("slot_full", f"no place left at {day.isoformat()} {slot.strftime('%H:%M')}")
    return start


def _check_limit(state: HallState, service: Service, day: str, owner: str, *, but: str | None = None) -> None:
    assert service.booking is not None
    if not owner:
        return
    held = sum(
        1
        for b in state.bookings.values()
        if b.owner == owner and b.service == service.id and b.date == day and b.state in LIVE and b.code != but
    )
    if held >= service.booking.per_person_per_day:
        raise QueueError("booking_limit", f"this person already holds {held} booking(s) for {service.id} that day")


def find(state: HallState, code: str) -> Booking:
    """The live booking with this code; QueueError unknown_booking otherwise."""
    return _find(state, code)


def offered(state: HallState, service_id: str, day: date, now: float) -> list[dict[str, object]]:
    """The slots of a service on a day with the places left in each (0: full or begun).

    Refuses as `book` would for the service and the day (unknown, not offered, closed, too far).
    """
    service = _service(state, service_id)
    assert service.booking is not None
    today = date.fromisoformat(state.business_date)
    if day < today or (day - today).days > service.booking.days_ahead:
        raise QueueError("slot_past" if day < today else "bad_request", f"{day.isoformat()} cannot be booked now")
    found = slots(state, service, day)
    if not found:
        raise QueueError("service_closed", f"{service.id} takes nobody on {day.isoformat()}")
    result: list[dict[str, object]] = []
    for slot in found:
        label = slot.strftime("%H:%M")
        left = capacity(state, service, day, slot) - taken(state, service.id, day.isoformat(), label)
        begun = slot_start(state, day, slot) <= now
        result.append({"slot": label, "places": 0 if begun else max(0, left)})
    return result


def _find(state: HallState, code: str) -> Booking:
    booking = state.bookings.get(normal_code(code))
    if booking is None:
        raise QueueError("unknown_booking", "no live booking with that code")
    return booking


def _stored(state: HallState, events: list[Event], booking: Booking) -> Outcome:
    bookings = queue._persistent(state.bookings)
    bookings = bookings.set(booking.code, booking) if booking.state in LIVE else bookings.discard(booking.code)
    return dataclasses.replace(state, bookings=bookings), events


def book(
    state: HallState,
    now: float,
    *,
    service_id: str,
    day: date,
    slot: time,
    token: str,
    phone: str | None = None,
    owner: str | None = None,
    name: str | None = None,
    language: str = "ko",
    channel: str = "web",
) -> Outcome:
    """Book a slot; the code comes from the fresh token the shell handed in."""
    state, events = roll_day(state, now)
    service = _service(state, service_id)
    start = _check_slot(state, service, day, slot, now, but=None)
    who = owner_of(phone, owner)
    _check_limit(state, service, day.isoformat(), who)
    code = code_from(token)
    if code in state.bookings:  # 1 in 10^12 per live booking; the client retries with a new id
        raise QueueError("internal", "code collision; try again")
    booking = Booking(
        code=code,
        service=service.id,
        date=day.isoformat(),
        slot=slot.strftime("%H:%M"),
        slot_at=start,
        owner=who,
        phone_tail=phone[-4:] if phone else None,
        name=name or None,
        language=language,
        channel=channel,
        created=now,
    )
    events.append(Event("booked", now, detail=frozen(_detail(booking)), booking=booking))
    return _stored(state, events, booking)


def change(state: HallState, now: float, *, code: str, day: date, slot: time) -> Outcome:
    """Move a booking (not yet checked in) to another slot of the same service."""
    state, events = roll_day(state, now)
    booking = _find(state, code)
    if booking.state is not BookingState.BOOKED:
        raise QueueError("already_checked_in", "a checked-in booking cannot move")
    service = _service(state, booking.service)
    start = _check_slot(state, service, day, slot, now, but=booking.code)
    _check_limit(state, service, day.isoformat(), booking.owner, but=booking.code)
    moved = dataclasses.replace(booking, date=day.isoformat(), slot=slot.strftime("%H:%M"), slot_at=start)
    detail = {**_detail(moved), "from_date": booking.date, "from_slot": booking.slot}
    events.append(Event("booking_changed", now, detail=frozen(detail), booking=moved))
    return _stored(state, events, moved)


def cancel(state: HallState, now: float, *, code: str) -> Outcome:
    """Give up a booking that is not checked in yet."""
    state, events = roll_day(state, now)
    booking = _find(state, code)
    if booking.state is not BookingState.BOOKED:
        raise QueueError("already_checked_in", "a checked-in booking is cancelled as its ticket")
    gone = dataclasses.replace(booking, state=BookingState.CANCELLED, name=None)
    events.append(Event("booking_cancelled", now, detail=frozen(_detail(gone)), booking=gone))
    return _stored(state, events, gone)


def window(state: HallState, booking: Booking) -> tuple[float, float]:
    """When the booking can check in: from `check_in_early_minutes` before its slot to
    `check_in_late_minutes` after its start."""
    rules = state.hall.site.bookings
    return booking.slot_at - 60 * rules.check_in_early_minutes, booking.slot_at + 60 * rules.check_in_late_minutes


def check_in(state: HallState, now: float, *, code: str, token_hash: str, device: str) -> Outcome:
    """The visitor has arrived: inside the window, an ordinary ticket marked 예약 is issued.

    Early or late, `too_early` / `too_late` say so, and the kiosk offers a walk-in ticket instead.
    """
    state, events = roll_day(state, now)
    booking = _find(state, code)
    if booking.state is BookingState.CHECKED_IN:
        raise QueueError("already_checked_in", f"booking {booking.code} has already checked in")
    opens, closes = window(state, booking)
    if now < opens:
        raise QueueError("too_early", f"check-in opens {int((opens - now) // 60) + 1} min from now")
    if now > closes:
        raise QueueError("too_late", f"check-in closed {int((now - closes) // 60)} min ago")
    # The ticket comes from the queue's own issue: same numbering, same durability.
    state, issued = queue.issue(
        state, booking.service, now, token_hash=token_hash, device=device, language=booking.language
    )
    ticket = issued[-1].ticket
    assert ticket is not None
    marked = dataclasses.replace(ticket, booking=booking.code, slot_at=booking.slot_at)
    state, _ = queue._apply(state, [], tickets=[marked])
    issued[-1] = dataclasses.replace(issued[-1], ticket=marked)
    arrived = dataclasses.replace(booking, state=BookingState.CHECKED_IN, checked_in=now, ticket=marked.id, name=None)
    detail = {**_detail(arrived), "early_seconds": round(booking.slot_at - now)}
    events += issued
    events.append(Event("checked_in", now, marked, detail=frozen(detail), booking=arrived))
    return _stored(state, events, arrived)


def release(state: HallState, now: float) -> Outcome:
    """Bookings whose check-in window has ended without a check-in become no-shows; checked-in
    bookings of past days are forgotten (their tickets ended with the day)."""
    events: list[Event] = []
    for booking in list(state.bookings.values()):
        if booking.state is BookingState.BOOKED and now > window(state, booking)[1]:
            gone = dataclasses.replace(booking, state=BookingState.NO_SHOW, name=None)
            events.append(Event("booking_no_show", now, detail=frozen(_detail(gone)), booking=gone))
            state, _ = _stored(state, [], gone)
        elif booking.state is BookingState.CHECKED_IN and booking.date < state.business_date:
            state, _ = _stored(state, [], dataclasses.replace(booking, state=BookingState.NO_SHOW))
    return state, events


def tick(state: HallState, now: float) -> Outcome:
    """Time passing: a new business day (queue.tick), then bookings whose window has ended."""
    state, events = queue.tick(state, now)
    state, released = release(state, now)
    return state, events + released


def day_list(state: HallState, day: str, service: str | None = None) -> list[Booking]:
    """Live bookings of a day (optionally one service), by slot: the console's list."""
    found: Iterable[Booking] = (
        b for b in state.bookings.values() if b.date == day and (service is None or b.service == service)
    )
    return sorted(found, key=lambda b: (b.slot_at, b.code))


def _detail(booking: Booking) -> dict[str, object]:
    return {"code": booking.code, "service": booking.service, "date": booking.date, "slot": booking.slot}


def view(booking: Booking, *, private: bool = False) -> dict[str, object]:
    """A booking as a reply carries it. The owner's hash never leaves the hub; the name and the
    phone's last digits only to the person who holds the code and to staff (`private`)."""
    data: dict[str, object] = {
        "code": booking.code,
        "service": booking.service,
        "date": booking.date,
        "slot": booking.slot,
        "slot_at": booking.slot_at,
        "state": booking.state.value,
        "language": booking.language,
        "checked_in": booking.checked_in,
    }
    if private:
        data["name"] = booking.name
        data["phone_tail"] = booking.phone_tail
        data["channel"] = booking.channel
    return data
