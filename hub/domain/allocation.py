"""Who is called next: one ordering across the whole hall.

At a counter, tickets transferred to that counter come first; then the counter's service tiers in
order (primary first). Within a tier:

1. checked-in appointments (예약) whose slot has begun, earliest slot first — but a counter calls
   at most `bookings.bound` of them in a row while a walk-in of the tier waits;
2. walk-ins: priority tickets (교통약자) first, at most `priority_bound` in a row while a normal
   ticket waits; otherwise oldest first;
3. appointments checked in before their slot, when no walk-in of the tier waits (an idle counter
   serves an early visitor rather than nobody).

The two runs are counted separately, per counter, and each only grows while the other kind is
passed over: that is what the bounds limit (docs/protocol.md, "Allocation").
"""

from __future__ import annotations

from hub.domain.model import HallState, Ticket
from wire.hall import Counter


def _oldest(state: HallState, services: tuple[str, ...], priority: bool) -> int | None:
    heads = [line[0] for s in services if (line := state.line(("service", s, priority)))]
    return min(heads) if heads else None


def _booked(state: HallState, services: tuple[str, ...], now: float | None, due: bool) -> Ticket | None:
    """The checked-in appointment of these services with the earliest slot that is (or is not yet) due.

    The booked lines are short (a slot's few places, checked in within minutes), so a scan is cheap.
    """
    best: Ticket | None = None
    for s in services:
        for i in state.line(("booked", s, False)):
            t = state.tickets[i]
            slot = t.slot_at if t.slot_at is not None else t.issued
            if (now is None or slot <= now) != due:
                continue
            if best is None or (slot, t.id) < (best.slot_at or best.issued, best.id):
                best = t
    return best


def choose(state: HallState, counter: Counter, now: float | None = None) -> tuple[Ticket | None, int, int]:
    """The ticket `counter` calls next (None when nobody waits for it) and its new runs
    (priority run, booked run). Without `now`, every checked-in appointment counts as due."""
    current = state.counter(counter.id)
    streak, booked_run = current.priority_streak, current.booking_streak
    directed = state.line(("counter", counter.id, False))
    if directed:
        return state.tickets[directed[0]], streak, booked_run
    for tier in counter.services:
        priority, normal = _oldest(state, tier, True), _oldest(state, tier, False)
        walk_ins = priority is not None or normal is not None
        due = _booked(state, tier, now, due=True)
        if due is not None and (not walk_ins or booked_run < state.hall.site.bookings.bound):
            return due, streak, booked_run + 1 if walk_ins else 0
        if priority is not None and (normal is None or streak < state.hall.site.priority_bound):
            return state.tickets[priority], streak + 1 if normal is not None else 0, 0
        if normal is not None:
            return state.tickets[normal], 0, 0
        early = _booked(state, tier, now, due=False)
        if early is not None:
            return early, streak, 0
    return None, streak, booked_run


def streak_after_chosen(state: HallState, counter: Counter, ticket: Ticket) -> int:
    """The counter's priority run after calling `ticket` out of turn: a normal ticket ends it."""
    return state.counter(counter.id).priority_streak if ticket.priority or ticket.booking else 0


def _walk_in_order(state: HallState, service: str, limit: int | None) -> list[int]:
    """Walk-ins in expected call order: priority ahead, at most `priority_bound` in a row.

    Walks the two lines from their heads, so the first `limit` cost O(limit), not O(waiting).
    """
    priority, normal = state.line(("service", service, True)), state.line(("service", service, False))
    bound = state.hall.site.priority_bound
    p_left, n_left = len(priority), len(normal)
    total = p_left + n_left if limit is None else min(limit, p_left + n_left)
    p_ids, n_ids = iter(priority), iter(normal)
    order: list[int] = []
    streak = 0
    while len(order) < total:
        if p_left and (not n_left or streak < bound):
            order.append(next(p_ids))
            p_left -= 1
            streak = streak + 1 if n_left else 0
        else:
            order.append(next(n_ids))
            n_left -= 1
            streak = 0
    return order


def queue_order(state: HallState, service: str, limit: int | None = None) -> list[Ticket]:
    """The order in which the service's waiting tickets are expected to be called (first `limit`).

    Checked-in appointments by slot, at most `bookings.bound` in a row between walk-ins; walk-ins
    with priority tickets ahead, at most `priority_bound` in a row, as at a counter.
    """
    booked = sorted(
        (state.tickets[i] for i in state.line(("booked", service, False))),
        key=lambda t: (t.slot_at if t.slot_at is not None else t.issued, t.id),
    )
    walk_ins = _walk_in_order(state, service, limit)
    if not booked:
        return [state.tickets[i] for i in walk_ins]
    bound = state.hall.site.bookings.bound
    total = len(booked) + len(walk_ins) if limit is None else min(limit, len(booked) + len(walk_ins))
    order: list[Ticket] = []
    b, w, run = 0, 0, 0
    while len(order) < total:
        if b < len(booked) and (w >= len(walk_ins) or run < bound):
            order.append(booked[b])
            b, run = b + 1, run + 1
        else:
            order.append(state.tickets[walk_ins[w]])
            w, run = w + 1, 0
    return order
