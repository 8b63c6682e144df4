"""The hub's application service: idempotency, one batch of commands per transaction, outputs.

No broker here: the bus hands in raw commands and publishes what comes out, so this is tested
with a temporary database alone.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from hub import handler, protocol as p
from hub.config import HallConfig
from hub.domain import queue, view
from hub.domain.model import Event, HallState
from hub.store import REPLY_DAYS, Store

log = logging.getLogger("sunbeon.hub")
REFUSALS_KEPT = 5000  # replies that changed nothing are answered the same on repeat, from memory
PLACES_DUTY = 20  # state/places waits at least 20× what building it took (≤ ~5 % of the hub)
PLACES_LONGEST = 1.0  # seconds: but never longer than this between changes and state/places


@dataclass(frozen=True)
class Incoming:
    """A raw command as it arrived: who sent it, the bytes, and MQTT 5 correlation data."""

    device: str
    payload: bytes
    correlation: bytes | None = None


@dataclass
class Outgoing:
    """What one batch asks the bus to publish, in this order."""

    replies: list[tuple[str, bytes, bytes | None]] = field(default_factory=list)
    calls: list[bytes] = field(default_factory=list)
    snapshot: bytes | None = None


class HubService:
    """Holds the hall's state; applies commands one at a time; commits before anything is answered."""

    def __init__(self, hall: HallConfig, store: Store, *, clock: Callable[[], float] = time.time,
                 new_token: Callable[[], str] = lambda: secrets.token_urlsafe(12)) -> None:
        self.hall, self.store, self.clock, self.new_token = hall, store, clock, new_token
        self.state: HallState = store.load(hall, clock())
        since = (date.fromisoformat(self.state.business_date) - timedelta(days=REPLY_DAYS)).isoformat()
        self.replies: dict[tuple[str, str], bytes] = {k: v.encode() for k, v in store.replies(since).items()}
        self.refusals: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.alerts: dict[str, dict] = {}
        self.snapshot = self._snapshot()
        self.places_seq = -1
        self._places_due = 0.0  # monotonic time before which state/places is not rebuilt

    def _snapshot(self) -> dict:
        alerts = sorted(self.alerts.values(), key=lambda a: a["device"])
        return view.snapshot(self.state, self.clock(), alerts)

    def _publish_snapshot(self, out: "Outgoing") -> None:
        self.snapshot = self._snapshot()
        out.snapshot = p.encode(self.snapshot)

    def _remember(self, key: tuple[str, str] | None, reply: bytes, *, durable: bool) -> None:
        if key is None:
            return
        if durable:
            self.replies[key] = reply
            return
        self.refusals[key] = reply
        if len(self.refusals) > REFUSALS_KEPT:
            self.refusals.popitem(last=False)

    def handle_batch(self, batch: list[Incoming]) -> Outgoing:
        """Apply commands in order, commit them in one transaction, return what to publish."""
        out = Outgoing()
        rows: list[tuple[str, str, Event | None, str]] = []
        calls: list[tuple[Event, int]] = []
        before = self.state
        for message in batch:
            now = self.clock()
            command_id = _peek_id(message.payload)
            key = (message.device, command_id) if command_id else None
            first = (self.replies.get(key) or self.refusals.get(key)) if key else None
            if first is not None:
                out.replies.append((message.device, first, message.correlation))
                continue
            handled = handler.handle(self.state, message.device, message.payload, now, self.new_token())
            reply = p.encode(handled.reply)
            changed = handled.reply.status == "ok" and bool(handled.events)
            if changed:
                self.state = handled.state
                rows.extend((message.device, command_id or "", e, reply.decode()) for e in handled.events)
                calls.extend((e, self.state.seq) for e in handled.events if e.kind in ("called", "recalled"))
            elif handled.reply.error is not None:
                log.info("refused %s from %s: %s", _peek_op(message.payload), message.device, handled.reply.error.message)
            # A reply that changed something is kept durably (in the batch's transaction); others in memory.
            self._remember(key, reply, durable=changed)
            out.replies.append((message.device, reply, message.correlation))
        if rows:
            self.store.commit(self.state, rows)
        if self.state is not before:
            out.calls = [p.encode(_call_event(self.hall, e, seq)) for e, seq in calls]
            self._publish_snapshot(out)
        return out

    def tick(self) -> Outgoing:
        """Time passing: a new business day, or a service opening or closing, changes the snapshot."""
        out = Outgoing()
        new, events = queue.tick(self.state, self.clock())
        if events:
            new = dataclasses.replace(new, seq=self.state.seq + 1)
            self.store.commit(new, [("hub", "", e, "") for e in events])
            self.state = new
            self.store.prune_replies((date.fromisoformat(new.business_date) - timedelta(days=REPLY_DAYS)).isoformat())
        if _without_clock(self._snapshot()) != _without_clock(self.snapshot):
            self._publish_snapshot(out)
        return out

    def places(self) -> bytes | None:
        """`state/places` when the queue changed since it was last taken, else None.

        It lists every waiting ticket, so it costs O(waiting) (about 20 ms at 8,000): taken at
        most once per PLACES_DUTY times its own cost, it never uses more than ~5 % of the hub
        however long the lines grow, and never waits more than PLACES_LONGEST (a new ticket's
        page must find itself within the relay's grace)."""
        if self.state.seq == self.places_seq or time.monotonic() < self._places_due:
            return None
        started = time.monotonic()
        self.places_seq = self.state.seq
        encoded = p.encode(view.places(self.state))
        spent = time.monotonic() - started
        self._places_due = started + min(PLACES_LONGEST, PLACES_DUTY * spent)
        return encoded

    def device_status(self, device: str, payload: bytes) -> Outgoing:
        """A device reported its health: degraded or offline devices become alerts on the snapshot."""
        try:
            status = p.DeviceStatus.model_validate_json(payload) if payload else None
        except ValueError:
            log.warning("ignoring malformed status from %s", device)
            return Outgoing()
        known = self.hall.device(device) is not None
        alert = None
        if known and status is not None and status.state != "online":
            alert = {"device": device, "state": status.state, "detail": status.detail}
        if self.alerts.get(device) == alert:
            return Outgoing()
        if alert is None:
            self.alerts.pop(device, None)
        else:
            self.alerts[device] = alert
        out = Outgoing()
        self._publish_snapshot(out)
        return out


def _call_event(hall: HallConfig, event: Event, seq: int) -> p.CallEvent:
    ticket = event.ticket
    assert ticket is not None and event.counter is not None
    counter = hall.counter(event.counter)
    return p.CallEvent(
        seq=seq, ticket=ticket.id, number=ticket.label, service=ticket.service, counter=event.counter,
        counter_label=counter.label.all() if counter else {"ko": event.counter},
        recall=event.kind == "recalled", language=ticket.language, at=event.at,  # type: ignore[arg-type]
    )


def _peek_id(payload: bytes) -> str | None:
    """The command id, if the payload has a readable one (for idempotency before validation)."""
    try:
        value = json.loads(payload).get("id") if len(payload) <= p.MAX_PAYLOAD else None
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _peek_op(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("op"))
    except (ValueError, AttributeError):
        return "?"


def _without_clock(snapshot: dict) -> dict:
    # The snapshot's "at" changes every second; only a change elsewhere is worth publishing.
    return {k: v for k, v in snapshot.items() if k != "at"}
