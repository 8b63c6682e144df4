"""The hub's application service: idempotency, one batch of commands per transaction, outputs.

No broker here: the bus hands in raw commands and publishes what comes out, so this is tested
with a temporary database alone.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import sqlite3
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from hub import handler
from hub.code_brake import GUESSED_OPS, CodeBrake
from hub.domain import booking, queue, view
from hub.domain.model import Event, HallState, frozen
from hub.holidays_kr import korean_holidays, years_around
from hub.store import REPLY_DAYS, Store, root_cause
from wire import protocol as p
from wire.config import HallConfig
from wire.hall import Hall

log = logging.getLogger("sunbeon.hub")
REFUSALS_KEPT = 5000  # replies that changed nothing are answered the same on repeat, from memory
# Replies that changed the hall are stored in the database with their batch; memory keeps only the
# newest of them (the repeats that come, a retry seconds later) and a repeat of an older one is a
# primary-key look-up. Kept all in memory, a counter login sending pause/resume at the rate limit
# grew the hub by 240 MB an hour (every one changes the hall), and a restart loaded them all back.
REPLIES_CACHED = 10_000  # far above a batch (bus.BATCH): a batch's own, not yet committed, are never dropped
# (each is small: error messages are cut to protocol.MESSAGE_CHARS, so this holds at most ~3 MB)
# A clock that moves by more than this between two looks is odd (NTP after a boot without RTC,
# an operator's mistake): the business date follows it, and the hall is told.
CLOCK_BACK_LIMIT = 300.0  # seconds backwards
CLOCK_AHEAD_LIMIT = 86400.0  # seconds forwards
CLOCK_ALERT_KEEP = 3600.0  # seconds (monotonic) an odd-clock alert stays on the screens
STORAGE_ERRORS = (sqlite3.Error, OSError)
PLACES_DUTY = 20  # state/places waits at least 20× what building it took (≤ ~5 % of the hub)
PLACES_LONGEST = 1.0  # seconds: but never longer than this between changes and state/places


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

    def __init__(
        self,
        hall: Hall | HallConfig,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        new_token: Callable[[], str] = lambda: secrets.token_urlsafe(12),
    ) -> None:
        # The domain runs on the hall without a secret (wire/hall.py): given the config file's
        # settings, only their hall goes in; broker logins and clerks' hashes stay out.
        self.hall: Hall = hall.hall if isinstance(hall, HallConfig) else hall
        self.store, self.clock, self.new_token = store, clock, new_token
        self.code_brake = CodeBrake()  # guessing booking or arrival codes at a kiosk (hub/code_brake.py)
        self.instance = uuid.uuid4().hex[:12]  # this process; the epoch is the database's history
        self.storage_error: str | None = None  # set while writes fail: commands are refused
        self.storage_failures = 0
        self.fenced: str | None = None  # set when another hub was seen: this one issues nothing more
        self.hub_alerts: dict[str, dict] = {}  # the hub's own problems, by kind, shown like device alerts
        self._clock_alert_until = 0.0
        self.last_clock = clock()
        state = store.load(self.hall, clock())
        state = self._with_holidays(state)
        # The last called numbers are read back from the event log (not the saved state), so they
        # survive a restart whatever shape the saved state takes.
        self.state: HallState = view.with_last_called(state, store.last_called(state.business_date))
        # The newest replies that changed the hall (key → (business date, reply)); the rest are read
        # back from the database when a command is repeated. Includes a batch's not yet committed.
        self.replies: OrderedDict[tuple[str, str], tuple[str, bytes]] = OrderedDict()
        self.refusals: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.pruned_for = self.state.business_date
        self.faults = 0  # commands that failed inside the hub (a bug): answered `internal`, logged
        self.alerts: dict[str, dict] = {}
        self.snapshot = self._snapshot()
        self.places_seq = -1
        self._places_due = 0.0  # monotonic time before which state/places is not rebuilt

    def _with_holidays(self, state: HallState) -> HallState:
        """The state with the Korean public holidays of the years around its business day."""
        year = int(state.business_date[:4])
        self.holiday_years = years_around(year)
        holidays = korean_holidays(self.holiday_years)
        return dataclasses.replace(state, calendar=dataclasses.replace(state.calendar, holidays=holidays))

    def _snapshot(self) -> dict:
        alerts = [*self.hub_alerts.values(), *sorted(self.alerts.values(), key=lambda a: a["device"])]
        snap = view.snapshot(self.state, self.clock(), alerts)
        snap["epoch"] = self.store.epoch
        snap["instance"] = self.instance
        snap["high_water"] = {
            "business_date": self.state.business_date,
            "next_id": self.state.next_id,
            "numbers": dict(self.state.cursors),
        }
        return snap

    @property
    def health(self) -> tuple[p.Health, str | None]:
        """("online" | "degraded", why) for hub/status."""
        reasons = [a["detail"] for a in self.hub_alerts.values()]
        return ("degraded", ", ".join(reasons)) if reasons else ("online", None)

    def _alert(self, kind: str, on: bool) -> bool:
        """Raise or clear one of the hub's own alerts; True when that changed anything."""
        if on == (kind in self.hub_alerts):
            return False
        if on:
            # The code is the alert's reason too: screens read every alert the same way.
            self.hub_alerts[kind] = {"device": "hub", "state": "degraded", "detail": kind, "reason": kind}
        else:
            self.hub_alerts.pop(kind)
        return True

    def _commit(self, state: HallState, rows: list) -> bool:
        """Store a batch; False (state untouched, hall told) when the disk refuses it."""
        try:
            self.store.commit(state, rows)
        except STORAGE_ERRORS as err:
            self.store.abandon()
            self._storage_failed(err)
            return False
        self._storage_ok()
        return True

    def _storage_failed(self, err: BaseException) -> None:
        self.storage_failures += 1
        if self.storage_error is None:
            # The first error is the cause ("database or disk is full"); later ones only repeat it.
            self.storage_error = root_cause(err)
            log.error("STORAGE FAILED, refusing commands until it works again: %s", self.storage_error)
            self._alert("storage_unavailable", True)

    def _storage_ok(self) -> None:
        if self.storage_error is not None:
            log.warning(
                "storage works again after %d failed writes (first: %s)", self.storage_failures, self.storage_error
            )
            self.storage_error = None
            self.storage_failures = 0
            self._alert("storage_unavailable", False)

    def fence(self, reason: str) -> Outgoing:
        """Another hub is live for this hall: issue nothing more (two hubs hand out one number twice)."""
        out = Outgoing()
        if self.fenced is None:
            self.fenced = reason
            log.critical(
                "ANOTHER HUB IS RUNNING FOR THIS HALL (%s): this hub refuses every command. "
                "Stop one of them, then restart this one.",
                reason,
            )
            self._alert("second_hub", True)
            self._publish_snapshot(out)
        return out

    def skip_past(self, witness: dict) -> bool:
        """Compare with the broker's retained snapshot; skip ids and numbers past it when it is ahead.

        The broker's copy survives the hub's disk: if it shows a later seq or a higher ticket id,
        this database went back in time (a lost WAL, a restored backup). Numbers visitors already
        hold must not be handed out again, so seq, ids and today's numbering move past what the
        witness shows, a new epoch tells screens to take the lower history, and the hall is told.
        """
        water: dict[str, Any] = witness["high_water"] if isinstance(witness.get("high_water"), dict) else {}
        seq: int = witness["seq"] if _sane(witness.get("seq")) else -1
        next_id: int = water["next_id"] if _sane(water.get("next_id")) else 0
        if seq <= self.state.seq and next_id <= self.state.next_id:
            return False  # the witness is this history, or behind it: nothing was lost
        # First into today's business day (the database may be from before a day roll the witness
        # already made), so today's numbering is what gets skipped.
        state, rolled = queue.tick(self.state, self.clock())
        cursors = dict(state.cursors)
        if water.get("business_date") == state.business_date and isinstance(water.get("numbers"), dict):
            for service, number in water["numbers"].items():
                if _sane(number) and isinstance(service, str) and self.hall.service(service) is not None:
                    cursors[service] = number
        skipped = dataclasses.replace(
            state, seq=max(seq, self.state.seq) + 1, next_id=max(next_id, state.next_id), cursors=frozen(cursors)
        )
        log.critical(
            "DATABASE REWOUND: the broker's last snapshot has seq %s and ticket ids up to %s, this "
            "database seq %s and ids up to %s. Skipping past them (numbers held by visitors are not "
            "reused); tickets issued after the database's last write are lost from it.",
            seq,
            next_id - 1,
            self.state.seq,
            self.state.next_id - 1,
        )
        event = Event(
            "rewound",
            self.clock(),
            detail=frozen(
                {"witness_seq": seq, "witness_next_id": next_id, "seq": self.state.seq, "next_id": self.state.next_id}
            ),
        )
        try:
            self.store.new_epoch()
            self.store.commit(skipped, [("hub", "", e, "") for e in [*rolled, event]])
        except STORAGE_ERRORS as err:
            # Skip in memory anyway (safer than reusing numbers); the next commit stores the state.
            self.store.abandon()
            self._storage_failed(err)
        self.state = skipped
        self._alert("rewound", True)
        self.snapshot = self._snapshot()
        return True

    def _publish_snapshot(self, out: Outgoing) -> None:
        self.snapshot = self._snapshot()
        out.snapshot = p.encode(self.snapshot)

    def _first_reply(self, key: tuple[str, str]) -> bytes | None:
        cached = self.replies.get(key)
        if cached is not None:
            self.replies.move_to_end(key)
            return cached[1]
        stored = self.store.reply(key, _reply_horizon(self.state.business_date))
        if stored is not None:
            self._cache(key, stored[0], stored[1].encode())
            return stored[1].encode()
        return self.refusals.get(key)

    def _cache(self, key: tuple[str, str], day: str, reply: bytes) -> None:
        self.replies[key] = (day, reply)
        self.replies.move_to_end(key)
        while len(self.replies) > REPLIES_CACHED:
            self.replies.popitem(last=False)

    def _remember(self, key: tuple[str, str] | None, reply: bytes, *, durable: bool) -> None:
        if key is None:
            return
        if durable:
            self._cache(key, self.state.business_date, reply)
            return
        self.refusals[key] = reply
        if len(self.refusals) > REFUSALS_KEPT:
            self.refusals.popitem(last=False)

    def _forget(self, key: tuple[str, str]) -> None:
        # A reply that was never stored must not be replayed: the same id is tried again.
        self.replies.pop(key, None)
        self.refusals.pop(key, None)

    def handle_batch(self, batch: list[Incoming]) -> Outgoing:
        """Apply commands in order, commit them in one transaction, return what to publish."""
        out = Outgoing()
        rows: list[tuple[str, str, Event | None, str]] = []
        calls: list[tuple[Event, int]] = []
        before = self.state
        fresh: list[tuple[int, tuple[str, str] | None, str | None]] = []  # not repeats: refused if the commit fails
        for message in batch:
            try:
                self._handle_one(message, out, rows, calls, fresh)
            except Exception as err:  # noqa: BLE001 - a bug must cost one command, not the hall
                self._fault(message, err, out)
        if rows and not self._commit(self.state, rows):
            # Nothing of this batch is stored: nothing is acknowledged, and the state stays at the
            # last commit, or the refused tickets' numbers would be skipped or handed out twice.
            self.state = before
            for index, key, command_id in fresh:
                device, _, correlation = out.replies[index]
                if key is not None:
                    self._forget(key)
                refusal = p.Reply.fail(
                    command_id,
                    p.ErrorCode.STORAGE_UNAVAILABLE,
                    "the hub cannot store tickets right now; please try again shortly",
                )
                out.replies[index] = (device, p.encode(refusal), correlation)
            self._publish_snapshot(out)
            return out
        if self.state is not before:
            out.calls = [p.encode(_call_event(self.hall, e, seq)) for e, seq in calls]
            self._publish_snapshot(out)
        return out

    def _handle_one(self, message: Incoming, out: Outgoing, rows: list, calls: list, fresh: list) -> None:
        """One command: a repeat gets its first reply; else it is decoded once, applied, answered."""
        if message.too_large:
            too_large = p.Reply.fail(
                None,
                p.ErrorCode.PAYLOAD_TOO_LARGE,
                f"payload of {message.too_large} bytes; the limit is {p.MAX_PAYLOAD}",
            )
            out.replies.append((message.device, p.encode(too_large), message.correlation))
            return
        try:
            raw = p.decode(message.payload)
        except p.ProtocolError as err:
            log.info("refused a command from %s: %s", p.brief(message.device, 40), p.brief(str(err)))
            out.replies.append((message.device, p.encode(err.reply), message.correlation))
            return
        command_id = p.peek_id(raw)
        key = (message.device, command_id) if command_id else None
        first = self._first_reply(key) if key else None
        if first is not None:
            out.replies.append((message.device, first, message.correlation))
            return
        if self.fenced is not None:
            fenced = p.Reply.fail(
                command_id, p.ErrorCode.INTERNAL, "another hub is running for this hall; this one issues nothing"
            )
            out.replies.append((message.device, p.encode(fenced), message.correlation))
            return
        op, now = raw.get("op"), self.clock()
        if isinstance(op, str) and op in GUESSED_OPS and self.code_brake.braked(message.device, now):
            braked = p.Reply.fail(command_id, p.ErrorCode.RATE_LIMITED, "too many unknown codes from this device; wait")
            out.replies.append((message.device, p.encode(braked), message.correlation))
            return
        fresh.append((len(out.replies), key, command_id))
        handled = handler.handle(self.state, message.device, raw, now, self.new_token())
        self.code_brake.answered(message.device, op, handled.reply.error.code if handled.reply.error else None, now)
        reply = p.encode(handled.reply)
        changed = handled.reply.status == "ok" and bool(handled.events)
        if changed:
            self.state = handled.state
            rows.extend((message.device, command_id or "", e, reply.decode()) for e in handled.events)
            calls.extend((e, self.state.seq) for e in handled.events if e.kind in ("called", "recalled"))
        elif handled.reply.error is not None:
            log.info(
                "refused %s from %s: %s",
                p.brief(raw.get("op"), 40),
                p.brief(message.device, 40),
                p.brief(handled.reply.error.message),
            )
        # A reply that changed something is kept durably (in the batch's transaction); others in memory.
        self._remember(key, reply, durable=changed)
        out.replies.append((message.device, reply, message.correlation))

    def _fault(self, message: Incoming, err: Exception, out: Outgoing) -> None:
        self.faults += 1
        log.error(
            "command from %s failed inside the hub (%s: %s); payload %s",
            p.brief(message.device, 40),
            type(err).__name__,
            p.brief(str(err)),
            p.brief(message.payload),
            exc_info=True,
        )
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
        now = self.clock()
        self._watch_clock(now)
        if self.storage_error is not None:
            try:
                self.store.probe()
            except STORAGE_ERRORS:
                pass
            else:
                self._storage_ok()
        if int(self.state.business_date[:4]) + 1 not in self.holiday_years:  # a new year: its holidays
            self.state = self._with_holidays(self.state)
        new, events = booking.tick(self.state, now)  # a new day, then appointments whose window ended
        if events and self.fenced is None:
            new = view.note_calls(self.state, dataclasses.replace(new, seq=self.state.seq + 1), events)
            if self._commit(new, [("hub", "", e, "") for e in events]):
                self.state = new
        if self.state.business_date != self.pruned_for:
            # A new day, whether the clock or a command rolled it: forget old replies, here and on disk.
            horizon = _reply_horizon(self.state.business_date)
            self.replies = OrderedDict((k, v) for k, v in self.replies.items() if v[0] >= horizon)
            try:
                self.store.prune_replies(horizon)
                self.pruned_for = self.state.business_date
            except STORAGE_ERRORS as err:
                log.warning("cannot prune old replies: %s", root_cause(err))
        if _without_clock(self._snapshot()) != _without_clock(self.snapshot):
            self._publish_snapshot(out)
        return out

    def _watch_clock(self, now: float) -> None:
        """Alert when the clock moved oddly since the last look (the business date follows it anyway)."""
        moved = now - self.last_clock
        self.last_clock = now
        if moved < -CLOCK_BACK_LIMIT or moved > CLOCK_AHEAD_LIMIT:
            log.warning(
                "CLOCK JUMPED by %+.0f s (to %s); the business day follows the clock",
                moved,
                time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + " UTC",
            )
            self._alert("clock_jump", True)
            self._clock_alert_until = time.monotonic() + CLOCK_ALERT_KEEP
        elif "clock_jump" in self.hub_alerts and time.monotonic() > self._clock_alert_until:
            self._alert("clock_jump", False)

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
            reason = status.reason if status.reason in p.DEVICE_REASONS else None  # never a hub alert's code
            alert = {"device": device, "state": status.state, "detail": status.detail, "reason": reason}
        if self.alerts.get(device) == alert:
            return Outgoing()
        if alert is None:
            self.alerts.pop(device, None)
        else:
            self.alerts[device] = alert
        out = Outgoing()
        self._publish_snapshot(out)
        return out


def _call_event(hall: Hall, event: Event, seq: int) -> p.CallEvent:
    ticket = event.ticket
    assert ticket is not None and event.counter is not None
    counter = hall.counter(event.counter)
    return p.CallEvent(
        seq=seq,
        ticket=ticket.id,
        number=ticket.label,
        service=ticket.service,
        counter=event.counter,
        counter_label=counter.label.all() if counter else {"ko": event.counter},
        recall=event.kind == "recalled",
        language=cast("p.Language", ticket.language),
        at=event.at,  # checked when issued
    )


def _reply_horizon(business_date: str) -> str:
    """The oldest business date whose replies are still kept."""
    return (date.fromisoformat(business_date) - timedelta(days=REPLY_DAYS)).isoformat()


def _sane(value: object) -> bool:
    # Only the hub writes the snapshot (the ACL), but a witness is input: SQLite stores 64 bits.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


def _without_clock(snapshot: dict) -> dict:
    # The snapshot's "at" changes every second; only a change elsewhere is worth publishing.
    return {k: v for k, v in snapshot.items() if k != "at"}
