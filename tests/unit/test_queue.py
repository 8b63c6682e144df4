"""The queue core, driven directly: no broker, no disk."""

import pytest

from hub.domain import allocation, calendar, estimate, queue
from hub.domain.model import CounterStatus, QueueError, TicketState
from tests.halls import at, hall

NOON = at("2026-11-23 12:00")  # a Monday


def issue(state, service="cert", now=NOON, **kw):
    kw.setdefault("token_hash", f"h{state.next_id}")
    kw.setdefault("device", "kiosk-1")
    return queue.issue(state, service, now, **kw)


def fresh(**kw):
    return queue.new_day(hall(**kw), NOON)


def test_numbers_run_through_the_block_per_service():
    state = fresh()
    labels = []
    for service in ("cert", "cert", "passport", "cert"):
        state, events = issue(state, service)
        labels.append(events[-1].ticket.label)
    assert labels == ["1001", "1002", "P001", "1003"]


def test_numbers_restart_on_a_new_business_day_and_old_tickets_end():
    state, _ = issue(fresh())
    state, _ = issue(state)
    # 03:59 next morning is still the same business day (the day starts at 04:00).
    state, events = issue(state, now=at("2026-11-24 03:59"))
    assert events[-1].ticket.label == "1003"
    state, events = issue(state, now=at("2026-11-24 04:00"))
    assert state.business_date == "2026-11-24"
    assert [e.kind for e in events] == ["cancelled"] * 3 + ["day_opened", "issued"]
    assert all(e.detail["reason"] == "day_end" for e in events[:3])
    assert events[-1].ticket.label == "1001"
    assert len(state.tickets) == 1


def test_number_wraps_but_skips_live_numbers():
    state = fresh(block=(1, 3))
    for _ in range(3):
        state, _ = issue(state)
    with pytest.raises(QueueError) as err:
        issue(state)
    assert err.value.code == "numbers_exhausted"
    state, events = queue.call_next(state, "3", NOON + 1)  # 1 called (still live)
    state, events = queue.call_next(state, "3", NOON + 2)  # 1 done, 2 called
    state, events = issue(state, now=NOON + 3)
    assert events[-1].ticket.label == "1"  # 1 is free again; 2 and 3 are live
    with pytest.raises(QueueError):
        issue(state, now=NOON + 4)


def test_call_next_is_oldest_first_and_finishes_the_current_ticket():
    state = fresh()
    for i in range(3):
        state, _ = issue(state, now=NOON + i)
    state, events = queue.call_next(state, "3", NOON + 10)
    assert [e.kind for e in events] == ["resumed", "called"]
    assert events[-1].ticket.label == "1001"
    state, events = queue.call_next(state, "3", NOON + 70)
    assert [e.kind for e in events] == ["finished", "called"]
    assert events[0].ticket.state is TicketState.DONE and events[0].ticket.label == "1001"
    assert events[1].ticket.label == "1002"
    assert state.counter("3").status is CounterStatus.OPEN


def test_tiers_primary_first_then_secondary():
    state = fresh()
    state, _ = issue(state, "passport", now=NOON)
    state, _ = issue(state, "cert", now=NOON + 5)
    state, events = queue.call_next(state, "1", NOON + 10)  # counter 1: cert first, passport second
    assert events[-1].ticket.label == "1001"
    state, events = queue.call_next(state, "1", NOON + 20)
    assert events[-1].ticket.label == "P001"
    state, events = queue.call_next(state, "1", NOON + 30)
    assert [e.kind for e in events] == ["finished"]  # nobody left: open and idle
    assert state.counter("1").serving is None


def test_priority_first_but_bounded():
    state = fresh(priority_bound=2)
    state, _ = issue(state, now=NOON)  # 1001 normal, oldest
    for i in range(4):
        state, _ = issue(state, now=NOON + 1 + i, priority=True)  # 1002..1005 priority
    order = []
    for i in range(5):
        state, events = queue.call_next(state, "3", NOON + 100 + i)
        order.append(events[-1].ticket.label)
    assert order == ["1002", "1003", "1001", "1004", "1005"]


def test_priority_refused_where_not_offered():
    with pytest.raises(QueueError) as err:
        issue(fresh(), "passport", priority=True)
    assert err.value.code == "priority_not_offered"


def test_call_a_chosen_ticket_out_of_turn():
    state = fresh()
    for i in range(3):
        state, _ = issue(state, now=NOON + i)
    state, events = queue.call(state, "3", "1003", NOON + 10)
    assert events[-1].ticket.label == "1003"
    with pytest.raises(QueueError) as err:
        queue.call(state, "2", "1001", NOON + 11)  # counter 2 serves passports only
    assert err.value.code == "not_served_here"
    with pytest.raises(QueueError) as err:
        queue.call(state, "3", "1003", NOON + 12)
    assert err.value.code == "invalid_state"


def test_recall_no_show_finish():
    state = fresh()
    state, _ = issue(state)
    with pytest.raises(QueueError) as err:
        queue.recall(state, "3", NOON + 1)
    assert err.value.code == "not_serving"
    state, _ = queue.call_next(state, "3", NOON + 2)
    state, events = queue.recall(state, "3", NOON + 3)
    assert events[-1].kind == "recalled" and events[-1].ticket.recalls == 1
    assert state.recent_calls[0].recall and state.recent_calls[1].label == "1001"
    state, events = queue.no_show(state, "3", NOON + 4)
    assert events[-1].ticket.state is TicketState.NO_SHOW
    assert not state.tickets and state.counter("3").serving is None


def test_transfer_keeps_number_and_issue_time():
    state = fresh()
    state, _ = issue(state, now=NOON)
    state, _ = issue(state, "passport", now=NOON + 60)
    state, _ = queue.call_next(state, "3", NOON + 100)
    state, events = queue.transfer(state, "3", NOON + 200, to_service="passport")
    moved = events[-1].ticket
    assert (moved.label, moved.issued, moved.service, moved.state) == ("1001", NOON, "passport", TicketState.WAITING)
    # Older than P001, so the passport counter calls it first.
    state, events = queue.call_next(state, "2", NOON + 300)
    assert events[-1].ticket.label == "1001"


def test_transfer_to_a_counter_reserves_the_ticket():
    state = fresh()
    state, _ = issue(state, now=NOON)
    state, _ = issue(state, now=NOON + 1)
    state, _ = queue.call_next(state, "3", NOON + 2)
    state, _ = queue.transfer(state, "3", NOON + 3, to_counter="1")
    state, events = queue.call_next(state, "3", NOON + 4)
    assert events[-1].ticket.label == "1002"  # counter 3 may not take 1001 any more
    state, events = queue.call_next(state, "1", NOON + 5)
    assert events[-1].ticket.label == "1001"


def test_pause_and_resume():
    state = fresh()
    state, _ = queue.resume(state, "3", NOON)
    state, _events = queue.pause(state, "3", NOON + 1)
    assert state.counter("3").status is CounterStatus.PAUSED
    with pytest.raises(QueueError):
        queue.pause(state, "3", NOON + 2)
    state, _ = queue.resume(state, "3", NOON + 3)
    assert state.counter("3").status is CounterStatus.OPEN


def test_cancel_by_token_or_number():
    state = fresh()
    state, _ = issue(state, token_hash="secret-hash")
    state, _ = issue(state)
    state, events = queue.cancel(state, NOON + 1, token_hash="secret-hash")
    assert events[-1].ticket.state is TicketState.CANCELLED
    with pytest.raises(QueueError) as err:
        queue.cancel(state, NOON + 2, token_hash="secret-hash")
    assert err.value.code == "unknown_ticket"
    state, _ = queue.call_next(state, "3", NOON + 3)
    with pytest.raises(QueueError) as err:
        queue.cancel(state, NOON + 4, label="1002")
    assert err.value.code == "invalid_state"


def test_hours_and_cut_off():
    state = queue.new_day(hall(always_open=False), at("2026-11-23 08:00"))
    for when, ok in [
        ("2026-11-23 08:59", False),
        ("2026-11-23 09:00", True),
        ("2026-11-23 16:59", True),
        ("2026-11-23 17:00", False),
        ("2026-11-28 10:00", False),
    ]:  # 28th is a Saturday
        if ok:
            state, _ = issue(state, now=at(when))
        else:
            with pytest.raises(QueueError) as err:
                issue(state, now=at(when))
            assert err.value.code == "service_closed"
    service = state.hall.service("cert")
    assert calendar.phase(service, at("2026-11-23 17:30"), state.hall.site) is calendar.Phase.CUT_OFF


def test_kiosk_rate_limit_but_not_for_the_web():
    state = fresh(per_minute=3)
    for i in range(3):
        state, _ = issue(state, now=NOON + i)
    with pytest.raises(QueueError) as err:
        issue(state, now=NOON + 5)
    assert err.value.code == "rate_limited"
    state, _ = issue(state, now=NOON + 61)  # the minute has passed
    for i in range(5):
        state, _ = issue(state, now=NOON + 62 + i, device="web", channel="web")


def test_estimates_grow_with_the_queue_and_shrink_with_counters():
    state = fresh()
    empty = estimate.wait_range(state, "cert", 0)
    for i in range(10):
        state, _ = issue(state, now=NOON + i)
    one_counter_closed = estimate.wait_range(state, "cert", 10)
    state, _ = queue.resume(state, "3", NOON + 20)
    one_open = estimate.wait_range(state, "cert", 10)
    state, _ = queue.resume(state, "1", NOON + 21)
    two_open = estimate.wait_range(state, "cert", 10)
    assert empty[1] < one_open[1]
    assert two_open[0] < one_open[0] and two_open[1] < one_open[1]
    assert one_counter_closed[0] <= one_counter_closed[1]
    # 10 ahead at one counter of ~4 minutes each: the range holds 40 minutes.
    assert one_open[0] <= 40 <= one_open[1]


def test_measured_service_times_move_the_estimate():
    state = fresh()
    state, _ = issue(state, now=NOON)
    state, _ = issue(state, now=NOON + 1)
    state, _ = queue.call_next(state, "3", NOON + 10)
    state, _ = queue.call_next(state, "3", NOON + 10 + 20 * 60)  # a 20-minute service
    assert estimate.service_time(state, "cert").mean == pytest.approx(20 * 60)


def test_queue_order_matches_what_a_counter_would_call():
    state = fresh(priority_bound=1)
    for i, prio in enumerate([False, True, True, False, True]):
        state, _ = issue(state, now=NOON + i, priority=prio)
    expected = [t.label for t in allocation.queue_order(state, "cert")]
    called = []
    for i in range(5):
        state, events = queue.call_next(state, "3", NOON + 100 + i)
        called.append(events[-1].ticket.label)
    assert called == expected
