"""The things of the hall as plain, immutable data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from pyrsistent import pmap

from hub.domain.calendar import NO_HOLIDAYS, HallCalendar
from hub.domain.line import EMPTY, Line
from wire.hall import Hall


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
    # A ticket of a checked-in appointment (예약): its booking code and slot start (Unix seconds).
    booking: str | None = None
    slot_at: float | None = None
    # A remote ticket (원격 번호표): the hash its taker is counted under, and when it was confirmed
    # in the hall (at the kiosk, or by the clerk when called); unconfirmed it counts as absent.
    remote_owner: str | None = None
    confirmed: float | None = None


@dataclass(frozen=True, slots=True)
class CounterState:
    """A counter's status today and the ticket it serves."""

    id: str
    status: CounterStatus = CounterStatus.CLOSED
    serving: int | None = None
    priority_streak: int = 0
    booking_streak: int = 0  # booked visitors called in a row while a walk-in waited (Bookings.bound)


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


class BookingState(StrEnum):
    """Where an appointment (예약 방문) is: booked → checked_in | cancelled | no_show."""

    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment: a service, a day and a slot, held under a short code.

    No account and little personal data: `owner` is a hash of the phone number (or of the
    browser's key when no phone is given), used only for the per-person limit; `phone_tail` is the
    last four digits for the clerk's list; `name` is optional and forgotten once the booking ends.
    """

    code: str
    service: str
    date: str
    slot: str
    slot_at: float
    state: BookingState = BookingState.BOOKED
    owner: str = ""
    phone_tail: str | None = None
    name: str | None = None
    language: str = "ko"
    channel: str = "web"
    created: float = 0.0
    checked_in: float | None = None
    ticket: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One state change. The shell appends it to the events table and publishes calls."""

    kind: str
    at: float
    ticket: Ticket | None = None
    counter: str | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    booking: Booking | None = None  # the appointment this event made or changed (stored with it)


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
    if ticket.booking is not None:  # a checked-in appointment waits in its service's booked line
        return ("booked", ticket.service, False)
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

    hall: Hall  # the hall without a secret (wire/hall.py), never the config file
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
    # Public holidays (handed in by the shell) and the console's single-day changes: the hall calendar.
    calendar: HallCalendar = NO_HOLIDAYS
    # Live appointments (booked or checked in), today's and later days', by code.
    bookings: Mapping[str, Booking] = field(default_factory=lambda: frozen({}))
    # Remote tickets taken today per taker (phone or browser hash), for the per-person limit.
    remote_taken: Mapping[str, int] = field(default_factory=lambda: frozen({}))
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
        """How many wait for a service, checked-in appointments included (not tickets sent to one counter)."""
        return (
            len(self.line(("service", service, False)))
            + len(self.line(("service", service, True)))
            + len(self.line(("booked", service, False)))
        )

    def waiting(self, service: str | None = None) -> list[Ticket]:
        """Waiting tickets, of one service or all, oldest first (for reports and tests; O(n))."""
        ids = sorted(
            i
            for key, line in self.queues.items()
            if service is None or (key[0] in ("service", "booked") and key[1] == service)
            for i in line
        )
        return [self.tickets[i] for i in ids]
