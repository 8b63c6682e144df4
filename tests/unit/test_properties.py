"""Property tests of the queue core: random days of commands keep the hall's promises."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain import queue
from hub.domain.model import QueueError, TicketState
from tests.halls import at, hall

NOON = at("2026-11-23 12:00")
BOUND = 2
HALL = hall(priority_bound=BOUND, block=(1, 20), per_minute=600)
COUNTERS = ["1", "2", "3"]

step = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(["cert", "passport"]), st.booleans()),
    st.tuples(st.just("call_next"), st.sampled_from(COUNTERS)),
    st.tuples(st.just("no_show"), st.sampled_from(COUNTERS)),
    st.tuples(st.just("finish"), st.sampled_from(COUNTERS)),
    st.tuples(st.just("recall"), st.sampled_from(COUNTERS)),
    st.tuples(st.just("transfer"), st.sampled_from(COUNTERS), st.sampled_from(["cert", "passport"])),
    st.tuples(st.just("pause"), st.sampled_from(COUNTERS)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("call"), st.sampled_from(COUNTERS), st.integers(0, 30)),
    st.tuples(st.just("later"), st.integers(1, 7200)),
)


def run(steps):
    """Apply the steps, skipping refused ones; yield (op, state, events) after each applied one."""
    state, now = queue.new_day(HALL, NOON), NOON
    for s in steps:
        now += 1
        try:
            match s:
                case ("issue", service, prio):
                    prio = prio and service == "cert"
                    state, events = queue.issue(
                        state, service, now, token_hash=f"h{state.next_id}", device="kiosk-1", priority=prio
                    )
                case ("cancel", n):
                    state, events = queue.cancel(state, now, token_hash=f"h{n}")
                case ("call", counter, n):
                    live = sorted(state.tickets.values(), key=lambda t: t.id)
                    if not live:
                        continue
                    state, events = queue.call(state, counter, live[n % len(live)].label, now)
                case ("transfer", counter, service):
                    state, events = queue.transfer(state, counter, now, to_service=service)
                case ("later", seconds):
                    now += seconds
                    state, events = queue.tick(state, now)
                case (op, counter):
                    state, events = getattr(queue, op)(state, counter, now)
        except QueueError:
            continue
        yield s[0], state, events


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=120))
def test_no_two_live_tickets_share_a_number(steps):
    for _, state, _ in run(steps):
        labels = [t.label for t in state.tickets.values()]
        assert len(labels) == len(set(labels))


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=120))
def test_no_ticket_lost_or_served_twice(steps):
    issued, ended, called_done = set(), set(), set()
    for _, state, events in run(steps):
        for e in events:
            t = e.ticket
            if e.kind == "issued":
                assert t.id not in issued
                issued.add(t.id)
            elif e.kind in ("finished", "no_show", "cancelled"):
                assert t.id in issued and t.id not in ended, "a ticket ended twice"
                ended.add(t.id)
                if e.kind == "finished":
                    called_done.add(t.id)
            elif e.kind == "called":
                assert t.id not in ended, "a finished ticket was called"
        # Every ticket ever issued is either live in the state or ended: none vanish.
        assert issued == ended | set(state.tickets)
        assert not ended & set(state.tickets)
        # A counter serves at most one ticket, and each called ticket at one counter.
        serving = [c.serving for c in state.counters.values() if c.serving is not None]
        assert len(serving) == len(set(serving))
        for ticket_id in serving:
            assert state.tickets[ticket_id].state is TicketState.CALLED


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=150))
def test_priority_bound_and_fifo_within_a_class(steps):
    streak: dict[str, int] = {}
    before = None
    for op, state, events in run(steps):
        previous, before = before, state
        called = [e for e in events if e.kind == "called"]
        if op != "call_next" or not called or previous is None or any(e.kind == "day_opened" for e in events):
            if op == "call" and called:
                streak[called[-1].counter] = 0  # out of turn: not the allocation's choice
            continue
        before_call = previous
        e = called[-1]
        counter = HALL.counter(e.counter)
        # What this counter could have taken, in its first non-empty tier, just before the call.
        pre = [t for t in before_call.waiting() if t.for_counter is None]
        tiers = [[t for t in pre if t.service in tier] for tier in counter.services]
        tier = next((t for t in tiers if t), [])
        assert e.ticket.id in {t.id for t in tier}, "called from the wrong tier"
        same_class = [t for t in tier if t.priority == e.ticket.priority]
        assert e.ticket.id == min(same_class, key=lambda t: (t.issued, t.id)).id, "not oldest of its class"
        normal_waited = any(not t.priority for t in tier)
        if e.ticket.priority and normal_waited:
            streak[e.counter] = streak.get(e.counter, 0) + 1
            assert streak[e.counter] <= BOUND, "normal tickets starved"
        else:
            streak[e.counter] = 0


@settings(max_examples=200, deadline=None)
@given(st.lists(step, max_size=120))
def test_indexes_always_match_the_tickets(steps):
    import dataclasses

    for _, state, _ in run(steps):
        empty = dataclasses.replace(state, tickets={}, queues={}, labels={})
        rebuilt = queue.restore(empty, state.tickets.values())
        assert {k: v for k, v in state.queues.items() if v} == {k: v for k, v in rebuilt.queues.items() if v}
        assert dict(state.labels) == dict(rebuilt.labels)
