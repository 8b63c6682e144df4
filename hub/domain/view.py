"""What the hall looks like from outside: the snapshot every screen draws from, as plain data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from hub.domain import allocation, calendar, estimate, help_requests
from hub.domain.model import Call, Event, HallState, Ticket, frozen

QUEUE_SHOWN = 50  # the snapshot lists the first waiting tickets of each service, not all of them


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    """A ticket as the wire shows it (no token: only its hash, which the web relay matches)."""
    return {
        "id": ticket.id,
        "number": ticket.label,
        "service": ticket.service,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "language": ticket.language,
        "state": ticket.state.value,
        "issued": ticket.issued,
        "called": ticket.called,
        "finished": ticket.finished,
        "counter": ticket.counter,
        "for_counter": ticket.for_counter,
        "recalls": ticket.recalls,
        "ahead_at_issue": ticket.ahead_at_issue,
        "estimate_at_issue": list(ticket.estimate_at_issue),
        "business_date": ticket.business_date,
        "booked": ticket.booking is not None,  # a checked-in appointment (예약): the ticket says so
        "remote": ticket.remote_owner is not None,  # a remote ticket (원격 번호표), confirmed or not
    }


def _with_hash(ticket: Ticket) -> dict[str, Any]:
    return {**ticket_view(ticket), "token_hash": ticket.token_hash}


def call_view(call: Call) -> dict[str, Any]:
    """A call as the hall board lists it."""
    return {
        "ticket": call.ticket,
        "number": call.label,
        "service": call.service,
        "counter": call.counter,
        "at": call.at,
        "recall": call.recall,
        "language": call.language,
    }


def service_status(state: HallState, service_id: str, now: float, waiting: int) -> tuple[str, tuple[int, int]]:
    """("open" | "closing" | "closed", estimate for a new ticket).

    "closing" means a ticket issued now would probably not be called before the service closes.
    """
    service = state.hall.service(service_id)
    assert service is not None
    wait = estimate.wait_range(state, service_id, waiting, now)
    if calendar.phase(service, now, state.hall.site, state.calendar) is not calendar.Phase.OPEN:
        return "closed", wait
    if wait[1] * 60 > calendar.seconds_until_close(service, now, state.hall.site, state.calendar):
        return "closing", wait
    return "open", wait


def _today(state: HallState, service_id: str, now: float) -> calendar.DayHours | None:
    service = state.hall.service(service_id)
    assert service is not None
    site = state.hall.site
    return calendar.hours_on(service, calendar.local(now, site).date(), site, state.calendar)


def _hours_shown(state: HallState, service_id: str, now: float) -> calendar.DayHours:
    """Today's hours; on a day it does not open, those of its next opening day (or its usual ones)."""
    today = _today(state, service_id, now)
    if today is not None:
        return today
    service = state.hall.service(service_id)
    assert service is not None
    site = state.hall.site
    opening = calendar.next_opening(service, now, site, state.calendar)
    later = calendar.hours_on(service, opening.date(), site, state.calendar) if opening else None
    hours = service.hours
    return later or calendar.DayHours(hours.open, hours.last_ticket, hours.close)


def hall_next_opening(state: HallState, now: float) -> str | None:
    """When the hall next takes tickets, while no service takes any now (ISO time at the site):
    what the kiosk, the boards and the web show when closed ("다음 접수: 11월 24일(화) 09:00")."""
    site, cal = state.hall.site, state.calendar
    if any(calendar.phase(s, now, site, cal) is calendar.Phase.OPEN for s in state.hall.services):
        return None
    found = [o for s in state.hall.services if (o := calendar.next_opening(s, now, site, cal)) is not None]
    return min(found).isoformat() if found else None


def note_calls(before: HallState, after: HallState, events: Iterable[Event]) -> HallState:
    """`after` with each service's last called number updated by these events.

    A new business day starts with none: yesterday's numbers mean nothing on today's board.
    """
    last = dict(after.last_called) if after.business_date == before.business_date else {}
    for event in events:
        if event.kind in ("called", "recalled") and event.ticket is not None:
            last[event.ticket.service] = event.ticket.label
    if last == dict(after.last_called):
        return after
    return dataclasses.replace(after, last_called=frozen(last))


def with_last_called(state: HallState, last_called: Mapping[str, str]) -> HallState:
    """A restored state with the last called numbers read back from the event log."""
    known = {k: v for k, v in last_called.items() if state.hall.service(k) is not None}
    return dataclasses.replace(state, last_called=frozen(known))


def snapshot(state: HallState, now: float, alerts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole hall, as published retained on `state/snapshot`."""
    hall = state.hall
    services = []
    for service in hall.services:
        waiting = state.waiting_count(service.id)
        order = allocation.queue_order(state, service.id, QUEUE_SHOWN)
        mean, deviation, capacity = estimate.model(state, service.id, now)
        status, wait = service_status(state, service.id, now, waiting)
        hours = _hours_shown(state, service.id, now)
        intake = calendar.next_intake(service, now, hall.site, state.calendar)
        services.append(
            {
                "id": service.id,
                "name": service.name.all(),
                "status": status,
                "waiting": waiting,
                "waiting_priority": len(state.line(("service", service.id, True))),
                "queue": [
                    {
                        "number": t.label,
                        "priority": t.priority,
                        "token_hash": t.token_hash,
                        "for_counter": t.for_counter,
                    }
                    for t in order
                ],
                "last_called": state.last_called.get(service.id),
                "estimate_minutes": list(wait),
                "counters_open": estimate.open_counters(state, service.id),
                "mean_service_seconds": round(estimate.service_time(state, service.id).mean, 1),
                "opens": hours.open.strftime("%H:%M"),
                "cutoff": hours.last_ticket.strftime("%H:%M"),
                "closes": hours.close.strftime("%H:%M"),
                # The hall calendar: whether it opens today at all, and when tickets are next taken.
                "open_today": _today(state, service.id, now) is not None,
                "next_opening": intake.isoformat() if intake else None,
                "priority_offered": service.priority,
                # Rounded for the wire: 3 + 3 × 0.2 counters is 3.6000000000000005 in floating point.
                "estimate_model": {
                    "mean": round(mean, 1),
                    "deviation": round(deviation, 1),
                    "capacity": round(capacity, 2),
                },
            }
        )
    counters = []
    for counter in hall.counters:
        current = state.counter(counter.id)
        serving = state.tickets.get(current.serving) if current.serving is not None else None
        served = {s for tier in counter.services for s in tier}
        waiting = len(state.line(("counter", counter.id, False))) + sum(state.waiting_count(s) for s in served)
        counters.append(
            {
                "id": counter.id,
                "label": counter.label.all(),
                "status": current.status.value,
                "services": [list(t) for t in counter.services],
                "serving": _with_hash(serving) if serving else None,
                "waiting": waiting,
            }
        )
    return {
        "v": 1,
        "seq": state.seq,
        "site": {"id": hall.site.id, "name": hall.site.name.all()},
        "next_opening": hall_next_opening(state, now),
        "business_date": state.business_date,
        "at": now,
        "services": services,
        "counters": counters,
        "recent_calls": [call_view(c) for c in state.recent_calls],
        "alerts": alerts or [],
        "help": help_requests.view(state),
    }


def places(state: HallState) -> dict[str, Any]:
    """Every waiting ticket's page-token hash and number, in call order, per service and per
    counter (tickets sent to one counter): the web relay finds a visitor's place here.
    Hashes only: the tokens never leave the hub and the kiosk that printed them."""

    def line(tickets: list[Ticket]) -> list[list[str]]:
        return [[t.token_hash, t.label] for t in tickets]

    by_service = {s.id: allocation.queue_order(state, s.id) for s in state.hall.services}
    by_counter = {c.id: [state.tickets[i] for i in state.line(("counter", c.id, False))] for c in state.hall.counters}
    waiting = [t for tickets in (*by_service.values(), *by_counter.values()) for t in tickets]
    return {
        "v": 1,
        "seq": state.seq,
        "services": {service: line(tickets) for service, tickets in by_service.items()},
        "counters": {counter: line(tickets) for counter, tickets in by_counter.items()},
        # Remote tickets still to be confirmed in the hall: only their pages show the arrival code.
        "unconfirmed": [t.token_hash for t in waiting if t.remote_owner and t.confirmed is None],
    }
