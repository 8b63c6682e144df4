"""Who is called next: one ordering across the whole hall.

At a counter, tickets transferred to that counter come first; then the counter's service tiers in
order (primary first). Within a tier, priority tickets (교통약자) go first, but a counter calls at
most `priority_bound` of them in a row while a normal ticket waits; otherwise oldest first.
"""

from __future__ import annotations

from hub.domain.model import HallState, Ticket
from wire.hall import Counter


def _oldest(state: HallState, services: tuple[str, ...], priority: bool) -> int | None:
    heads = [line[0] for s in services if (line := state.line(("service", s, priority)))]
    return min(heads) if heads else None


def choose(state: HallState, counter: Counter) -> tuple[Ticket | None, int]:
    """The ticket `counter` calls next (None when nobody waits for it) and its new priority run.

    The run only grows while a normal ticket is passed over; that is what the bound limits.
    """
    streak = state.counter(counter.id).priority_streak
    directed = state.line(("counter", counter.id, False))
    if directed:
        return state.tickets[directed[0]], streak
    for tier in counter.services:
        priority, normal = _oldest(state, tier, True), _oldest(state, tier, False)
        if priority is not None and (normal is None or streak < state.hall.site.priority_bound):
            return state.tickets[priority], streak + 1 if normal is not None else 0
        if normal is not None:
            return state.tickets[normal], 0
    return None, streak


def streak_after_chosen(state: HallState, counter: Counter, ticket: Ticket) -> int:
    """The counter's priority run after calling `ticket` out of turn: a normal ticket ends it."""
    return state.counter(counter.id).priority_streak if ticket.priority else 0


def queue_order(state: HallState, service: str, limit: int | None = None) -> list[Ticket]:
    """The order in which the service's waiting tickets are expected to be called (first `limit`).

    Priority tickets move ahead of normal ones, at most `priority_bound` in a row, as at a counter.
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
    return [state.tickets[i] for i in order]
