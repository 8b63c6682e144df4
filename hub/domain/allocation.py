"""Who is called next: one ordering across the whole hall.

At a counter, tickets transferred to that counter come first; then the counter's service tiers in
order (primary first). Within a tier, priority tickets (교통약자) go first, but a counter calls at
most `priority_bound` of them in a row while a normal ticket waits; otherwise oldest first.
"""

from __future__ import annotations

from hub.config import Counter
from hub.domain.model import CounterState, HallState, Ticket


def _age(ticket: Ticket) -> tuple[float, int]:
    return (ticket.issued, ticket.id)


def candidates(state: HallState, counter: Counter) -> list[list[Ticket]]:
    """The waiting tickets this counter may call, grouped by tier (directed tickets first)."""
    waiting = state.waiting()
    directed = [t for t in waiting if t.for_counter == counter.id]
    tiers = [directed] if directed else []
    for tier in counter.services:
        services = set(tier)
        tiers.append([t for t in waiting if t.for_counter is None and t.service in services])
    return [tier for tier in tiers if tier]


def pick(state: HallState, counter: Counter) -> Ticket | None:
    """The ticket `counter` calls next, or None when nobody waits for it."""
    tiers = candidates(state, counter)
    if not tiers:
        return None
    tier = tiers[0]
    priority = [t for t in tier if t.priority]
    normal = [t for t in tier if not t.priority]
    streak = state.counter(counter.id).priority_streak
    if priority and (not normal or streak < state.hall.site.priority_bound):
        return min(priority, key=_age)
    return min(normal or priority, key=_age)


def next_streak(state: HallState, counter: Counter, called: Ticket) -> int:
    """The counter's run of priority calls after calling `called`.

    The run only grows while a normal ticket was passed over; that is what the bound limits.
    """
    current: CounterState = state.counter(counter.id)
    if not called.priority:
        return 0
    passed_over = any(not t.priority for tier in candidates(state, counter)[:1] for t in tier)
    return current.priority_streak + 1 if passed_over else 0


def queue_order(state: HallState, service: str) -> list[Ticket]:
    """The order in which the service's waiting tickets are expected to be called.

    Priority tickets move ahead of normal ones, at most `priority_bound` in a row, as at a counter.
    """
    waiting = state.waiting(service)
    priority = [t for t in waiting if t.priority]
    normal = [t for t in waiting if not t.priority]
    bound = state.hall.site.priority_bound
    order: list[Ticket] = []
    p = n = streak = 0
    while p < len(priority) or n < len(normal):
        take_priority = p < len(priority) and (n >= len(normal) or streak < bound)
        if take_priority:
            order.append(priority[p])
            p += 1
            streak = streak + 1 if n < len(normal) else 0
        else:
            order.append(normal[n])
            n += 1
            streak = 0
    return order
