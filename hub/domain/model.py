"""The things of the hall as plain, immutable data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from pyrsistent import pmap

from hub.domain.line import EMPTY, Line
from wire.config import HallConfig


class TicketState(StrEnum):
    """Where a ticket is in its life."""

    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def live(self) -> bool:
        """A live ticket holds its number: nobody else may get it today."""
        return self in (TicketState.WAITING, TicketState.CALLED)


class CounterStatus(StrEnum):
    """Whether a counter takes visitors."""

    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Ticket:
    """A visitor's place in the hall: one number, one service, from issue to done."""

    id: int
    number: int
    label: str
    service: str
    priority: bool
    channel: str
    language: str
    issued: float
    business_date: str
    token_hash: str
    device: str
    state: TicketState = TicketState.WAITING
    called: float | None = None
    finished: float | None = None
    counter: str | None = None
    for_counter: str | None = None
    recalls: int = 0
    transfers: int = 0
    ahead_at_issue: int = 0
    estimate_at_issue: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class CounterState:
    """A counter's status today and the ticket it serves."""

    id: str
    status: CounterStatus = CounterStatus.CLOSED
    serving: int | None = None
    priority_streak: int = 0


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """Measured service time of one service: exponentially weighted mean and deviation, seconds."""

    mean: float
    deviation: float
    samples: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    """One call or recall, as the hall board lists it."""

    ticket: int
    label: str
    service: str
    counter: str
    at: float
    recall: bool
    language: str


@dataclass(frozen=True, slots=True)
class Event:
    """One state change. The shell appends it to the events table and publishes calls."""

    kind: str
    at: float
    ticket: Ticket | None = None
    counter: str | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


class QueueError(Exception):
    """A command the queue refuses; nothing changed. `code` is the wire error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


K = TypeVar("K")
V = TypeVar("V")


def frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    """A persistent map: never changed, and `.set`/`.discard` make a new one that shares all but
    a path of the old (O(log n)), so a command's cost does not grow with the live tickets."""
    return pmap(mapping)


QueueKey = tuple[str, str, bool]


def queue_key(ticket: Ticket) -> QueueKey:
    """The line a waiting ticket stands in: its service and class, or the one counter it was sent to."""
    if ticket.for_counter is not None:
        return ("counter", ticket.for_counter, False)
    return ("service", ticket.service, ticket.priority)


@dataclass(frozen=True, slots=True)
class HallState:
    """Everything the hub knows about today, apart from finished tickets (those live in the store).

    `queues`, `labels` and `tokens` index `tickets` (kept in step by the queue's one update
    function) so a counter finds its next ticket without scanning the hall: each line holds ticket
    ids in issue order, and ids grow with each ticket issued, so the oldest is always first.
    Every map is persistent (see `frozen`) and each line a persistent tree (hub/domain/line.py):
    a command copies a few paths, never the hall.
    """

    hall: HallConfig
    business_date: str
    seq: int = 0
    next_id: int = 1
    tickets: Mapping[int, Ticket] = field(default_factory=lambda: frozen({}))
    queues: Mapping[QueueKey, Line] = field(default_factory=lambda: frozen({}))
    labels: Mapping[str, int] = field(default_factory=lambda: frozen({}))
    tokens: Mapping[str, int] = field(default_factory=lambda: frozen({}))
    counters: Mapping[str, CounterState] = field(default_factory=lambda: frozen({}))
    cursors: Mapping[str, int] = field(default_factory=lambda: frozen({}))
    service_times: Mapping[str, ServiceTime] = field(default_factory=lambda: frozen({}))
    recent_calls: tuple[Call, ...] = ()
    kiosk_issues: Mapping[str, Sequence[float]] = field(default_factory=lambda: frozen({}))
    # The number each service called last today (for the boards): recent_calls keeps only a few
    # calls of the whole hall, so a quiet service would lose its number behind busy ones.
    last_called: Mapping[str, str] = field(default_factory=lambda: frozen({}))
    # Kiosks whose visitor asked for a clerk (직원 호출), and since when; not kept across a hub
    # restart (the kiosk still shows its lit button, and the visitor can press it again).
    help_requests: Mapping[str, float] = field(default_factory=lambda: frozen({}))

    def counter(self, counter_id: str) -> CounterState:
        """The counter's state (closed and idle when it has none yet today)."""
        # `in` first: a persistent map's `get` of a missing key raises and catches a KeyError
        # inside, and this runs for every counter on every estimate.
        return self.counters[counter_id] if counter_id in self.counters else CounterState(counter_id)

    def line(self, key: QueueKey) -> Line:
        """Ticket ids waiting in one line, oldest first."""
        return self.queues.get(key, EMPTY)

    def waiting_count(self, service: str) -> int:
        """How many wait for a service (not counting tickets sent to one counter)."""
        return len(self.line(("service", service, False))) + len(self.line(("service", service, True)))

    def waiting(self, service: str | None = None) -> list[Ticket]:
        """Waiting tickets, of one service or all, oldest first (for reports and tests; O(n))."""
        ids = sorted(
            i
            for key, line in self.queues.items()
            if service is None or (key[0] == "service" and key[1] == service)
            for i in line
        )
        return [self.tickets[i] for i in ids]
