"""The hub's application service: idempotency, one batch of commands per transaction, outputs.

No broker here: the bus hands in raw commands and publishes what comes out, so this is tested
with a temporary database alone.
"""

from __future__ import annotations

import dataclasses
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
# (each is small: error messages are cut to protocol.MESSAGE_CHARS, so this holds at most ~3 MB)


@dataclass(frozen=True)
class Incoming:
    """A raw command as it arrived: who sent it, the bytes, and MQTT 5 correlation data."""

    device: str
    payload: bytes
    correlation: bytes | None = None
    too_large: int = 0  # the size of a payload the bus refused to keep (payload is then empty)


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
        state = store.load(hall, clock())
        # The last called numbers are read back from the event log (not the saved state), so they
        # survive a restart whatever shape the saved state takes.
        self.state: HallState = view.with_last_called(state, store.last_called(state.business_date))
        # Replies that changed the hall, by business date, pruned by day like the database's copy.
        self.replies: dict[str, dict[tuple[str, str], bytes]] = {
            day: {k: v.encode() for k, v in replies.items()}
            for day, replies in store.replies_by_day(_reply_horizon(self.state.business_date)).items()}
        self.refusals: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.pruned_for = self.state.business_date
        self.faults = 0  # commands that failed inside the hub (a bug): answered `internal`, logged
        self.alerts: dict[str, dict] = {}
        self.snapshot = self._snapshot()
        self.places_seq = -1

    def _snapshot(self) -> dict:
        alerts = sorted(self.alerts.values(), key=lambda a: a["device"])
        return view.snapshot(self.state, self.clock(), alerts)

    def _publish_snapshot(self, out: "Outgoing") -> None:
        self.snapshot = self._snapshot()
        out.snapshot = p.encode(self.snapshot)

    def _first_reply(self, key: tuple[str, str]) -> bytes | None:
        for replies in self.replies.values():
            if (first := replies.get(key)) is not None:
                return first
        return self.refusals.get(key)

    def _remember(self, key: tuple[str, str] | None, reply: bytes, *, durable: bool) -> None:
        if key is None:
            return
        if durable:
            self.replies.setdefault(self.state.business_date, {})[key] = reply
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
            try:
                self._handle_one(message, out, rows, calls)
            except Exception as err:  # noqa: BLE001 - a bug must cost one command, not the hall
                self._fault(message, err, out)
        if rows:
            try:
                self.store.commit(self.state, rows)
            except BaseException:
                # Nothing of this batch is stored, so none of it may stay in memory or be answered.
                self.state = before
                raise
        if self.state is not before:
            out.calls = [p.encode(_call_event(self.hall, e, seq)) for e, seq in calls]
            self._publish_snapshot(out)
        return out

    def _handle_one(self, message: Incoming, out: Outgoing, rows: list, calls: list) -> None:
        """One command: a repeat gets its first reply; else it is decoded once, applied, answered."""
        if message.too_large:
            reply = p.Reply.fail(None, p.ErrorCode.PAYLOAD_TOO_LARGE,
                                 f"payload of {message.too_large} bytes; the limit is {p.MAX_PAYLOAD}")
            out.replies.append((message.device, p.encode(reply), message.correlation))
            return
        try:
            raw = p.decode(message.payload)
        except p.ProtocolError as err:
            log.info("refused a command from %s: %s", p.brief(message.device, 40), p.brief(err.reply.error.message))
            out.replies.append((message.device, p.encode(err.reply), message.correlation))
            return
        command_id = p.peek_id(raw)
        key = (message.device, command_id) if command_id else None
        first = self._first_reply(key) if key else None
        if first is not None:
            out.replies.append((message.device, first, message.correlation))
            return
        handled = handler.handle(self.state, message.device, raw, self.clock(), self.new_token())
        reply = p.encode(handled.reply)
        changed = handled.reply.status == "ok" and bool(handled.events)
        if changed:
            self.state = handled.state
            rows.extend((message.device, command_id or "", e, reply.decode()) for e in handled.events)
            calls.extend((e, self.state.seq) for e in handled.events if e.kind in ("called", "recalled"))
        elif handled.reply.error is not None:
            log.info("refused %s from %s: %s", p.brief(raw.get("op"), 40), p.brief(message.device, 40),
                     p.brief(handled.reply.error.message))
        # A reply that changed something is kept durably (in the batch's transaction); others in memory.
        self._remember(key, reply, durable=changed)
        out.replies.append((message.device, reply, message.correlation))

    def _fault(self, message: Incoming, err: Exception, out: Outgoing) -> None:
        self.faults += 1
        log.error("command from %s failed inside the hub (%s: %s); payload %s", p.brief(message.device, 40),
                  type(err).__name__, p.brief(str(err)), p.brief(message.payload), exc_info=True)
        try:
            raw = p.decode(message.payload)
            command_id = p.peek_id(raw)
        except Exception:  # noqa: BLE001
            command_id = None
        # Not remembered: the same id sent again is tried again.
        reply = p.Reply.fail(command_id, p.ErrorCode.INTERNAL, "the hub could not handle this command; nothing changed")
        out.replies.append((message.device, p.encode(reply), message.correlation))

    def tick(self) -> Outgoing:
        """Time passing: a new business day, or a service opening or closing, changes the snapshot."""
        out = Outgoing()
        new, events = queue.tick(self.state, self.clock())
        if events:
            new = view.note_calls(self.state, dataclasses.replace(new, seq=self.state.seq + 1), events)
            self.store.commit(new, [("hub", "", e, "") for e in events])
            self.state = new
        if self.state.business_date != self.pruned_for:
            # A new day, whether the clock or a command rolled it: forget old replies, here and on disk.
            self.pruned_for = self.state.business_date
            horizon = _reply_horizon(self.state.business_date)
            self.store.prune_replies(horizon)
            self.replies = {day: r for day, r in self.replies.items() if day >= horizon}
        if _without_clock(self._snapshot()) != _without_clock(self.snapshot):
            self._publish_snapshot(out)
        return out

    def places(self) -> bytes | None:
        """`state/places` when the queue changed since it was last taken, else None."""
        if self.state.seq == self.places_seq:
            return None
        self.places_seq = self.state.seq
        return p.encode(view.places(self.state))

    def device_status(self, device: str, payload: bytes) -> Outgoing:
        """A device reported its health: degraded or offline devices become alerts on the snapshot."""
        if len(payload) > p.MAX_STATUS_PAYLOAD:
            log.warning("ignoring a status of %d bytes from %s", len(payload), p.brief(device, 40))
            return Outgoing()
        try:
            status = p.DeviceStatus.model_validate_json(payload) if payload else None
        except Exception:  # noqa: BLE001 - ValidationError, or anything else a hostile payload finds
            log.warning("ignoring malformed status from %s: %s", p.brief(device, 40), p.brief(payload))
            return Outgoing()
        known = self.hall.device(device) is not None
        alert = None
        if known and status is not None and status.state != "online":
            alert = {"device": device, "state": status.state, "detail": status.detail, "reason": status.reason}
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


def _reply_horizon(business_date: str) -> str:
    """The oldest business date whose replies are still kept."""
    return (date.fromisoformat(business_date) - timedelta(days=REPLY_DAYS)).isoformat()


def _without_clock(snapshot: dict) -> dict:
    # The snapshot's "at" changes every second; only a change elsewhere is worth publishing.
    return {k: v for k, v in snapshot.items() if k != "at"}
