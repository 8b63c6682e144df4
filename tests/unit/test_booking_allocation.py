"""Allocation with appointments: checked-in bookings are called at their slot time ahead of
walk-ins, at most `bookings.bound` in a row while a walk-in waits, so walk-ins are never starved."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain import allocation, queue
from hub.domain.model import TicketState
from tests.halls import at
from tests.unit.test_booking import fresh

START = at("2026-11-23 09:00")


def _hall(arrivals: list[tuple[str, int]], bound: int):
    """A hall with these arrivals at passport: ("walk", _) or ("booked", slot offset minutes)."""
    state = fresh(START)
    site = state.hall.site
    rules = site.bookings.model_copy(update={"bound": bound})
    hall = state.hall.model_copy(update={"site": site.model_copy(update={"bookings": rules})})
    state = dataclasses.replace(state, hall=hall)
    for i, (kind, offset) in enumerate(arrivals):
        state, events = queue.issue(state, "passport", START + i, token_hash=f"h{i}", device="staff")
        if kind == "booked":
            ticket = dataclasses.replace(events[-1].ticket, booking=f"CODE{i:04d}", slot_at=START + 60 * offset)
            state, _ = queue._apply(state, [], tickets=[ticket])
    return state


arrivals = st.lists(st.tuples(st.sampled_from(["walk", "booked"]), st.integers(-10, 30)), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(arrivals=arrivals, bound=st.integers(1, 4), step=st.integers(30, 600))
def test_walk_ins_are_never_starved_and_everyone_is_called(arrivals, bound, step):
    state = _hall(arrivals, bound)
    now = START + 100
    counter = state.hall.counter("2")
    calls = []
    for _ in range(len(arrivals)):
        walk_ins_waiting = any(not t.booking for t in state.waiting("passport"))
        due_waiting = [t for t in state.waiting("passport") if t.booking and t.slot_at <= now]
        state, events = queue.call_next(state, "2", now)
        called = next(e.ticket for e in events if e.kind == "called")
        calls.append((called, walk_ins_waiting, bool(due_waiting)))
        # A due appointment goes ahead of walk-ins unless the run has reached the bound.
        if due_waiting and not called.booking:
            assert walk_ins_waiting and state.counter("2").booking_streak == 0
        now += step
    assert not state.waiting("passport")  # everyone is called
    assert len({c.id for c, _, _ in calls}) == len(arrivals)
    run = 0
    for ticket, walk_ins_waiting, _ in calls:
        if ticket.booking and walk_ins_waiting:
            run += 1
            assert run <= bound, "more booked calls in a row than the bound while a walk-in waited"
        elif not ticket.booking:
            run = 0
    del counter


@settings(max_examples=100, deadline=None)
@given(arrivals=arrivals, bound=st.integers(1, 4))
def test_the_snapshot_order_is_the_order_one_counter_calls_in(arrivals, bound):
    # With every slot begun, the expected order (queue_order) is what a single counter does.
    state = _hall([(k, -15) for k, _ in arrivals], bound)
    now = START + 3600
    expected = [t.id for t in allocation.queue_order(state, "passport")]
    called = []
    for _ in arrivals:
        state, events = queue.call_next(state, "2", now)
        called.append(next(e.ticket.id for e in events if e.kind == "called"))
    assert called == expected


def test_an_appointment_checked_in_early_waits_for_its_slot_unless_the_counter_is_idle():
    state = _hall([("walk", 0), ("booked", 60), ("walk", 0)], 2)
    now = START + 100
    state, events = queue.call_next(state, "2", now)
    assert not events[-1].ticket.booking
    state, events = queue.call_next(state, "2", now + 1)
    assert not events[-1].ticket.booking  # the slot is an hour away: the walk-in first
    state, events = queue.call_next(state, "2", now + 2)
    assert events[-1].ticket.booking  # nobody else: served early rather than nobody
    assert all(t.state is not TicketState.WAITING for t in state.tickets.values())
