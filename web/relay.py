"""The relay's state: one shared latest view of the hall, fanned out to every browser.

There are no per-browser queues: each update replaces the latest state and wakes every waiting
stream, which sends whatever is latest when it can. A slow or dead browser only delays itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

from web import guard
from wire import calendar_text
from wire import protocol as p
from wire.client import HubClient
from wire.config import HallConfig
from wire.i18n import LANGUAGES

log = logging.getLogger("sunbeon.web")
REMEMBERED = 50000  # tickets whose last place is remembered after they leave the queue


@dataclass(frozen=True)
class Place:
    """Where a ticket is, as its page shows it."""

    state: str  # waiting | called | done | gone
    number: str
    service: str | None = None
    ahead: int = 0
    estimate: tuple[int, int] | None = None
    counter: str | None = None
    counter_label: dict[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        """For /api/tickets/{token}."""
        return {**asdict(self), "estimate": list(self.estimate) if self.estimate else None}


def congestion(service: p.ServiceView, calm: int, busy: int) -> str:
    """원활 (calm) / 보통 (normal) / 혼잡 (busy) by the wait a new ticket would have; closed when closed."""
    if service.status == "closed":
        return "closed"
    high = service.estimate_minutes[1]
    return "calm" if high <= calm else "busy" if high >= busy else "normal"


def public_status(snapshot: p.Snapshot, hall: HallConfig, online: bool) -> dict[str, Any]:
    """The hall as the public sees it: no token hashes, no device details."""
    calm, busy = hall.web.congestion.calm_minutes, hall.web.congestion.busy_minutes
    return {
        "v": 1,
        "seq": snapshot.seq,
        "live": online,
        "at": snapshot.at,
        "business_date": snapshot.business_date,
        "site": snapshot.site["name"],
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "status": s.status,
                "waiting": s.waiting,
                "now_serving": s.last_called,
                "estimate_minutes": s.estimate_minutes,
                "congestion": congestion(s, calm, busy),
                "opens": s.opens,
                "cutoff": s.cutoff,
                "closes": s.closes,
                "remote": remote_offered(hall, s),  # a remote ticket (원격 번호표) may be taken now
            }
            for s in snapshot.services
        ],
        "counters": [
            {"id": c.id, "label": c.label, "status": c.status, "serving": c.serving.number if c.serving else None}
            for c in snapshot.counters
        ],
        # The hall calendar (issue 15): when tickets are next taken, while closed, ready to show.
        "next_opening": snapshot.next_opening,
        "next_opening_text": {lang: calendar_text.next_opening_line(snapshot.next_opening, lang) for lang in LANGUAGES}
        if snapshot.next_opening
        else None,
    }


def remote_offered(hall: HallConfig, service: p.ServiceView) -> bool:
    """Whether the status page offers a remote ticket for the task now (the hub decides in the end)."""
    config = hall.service(service.id)
    remote = config.remote if config is not None else None
    return bool(remote and service.status == "open" and service.estimate_minutes[0] >= remote.min_wait_minutes)


FRAME = 0.01  # seconds: at most one update per frame (100/s); a burst of snapshots is merged, the latest wins


class Lines:
    """`state/places` indexed by token hash: (service, counter, tickets ahead, number).

    Built once per `state/places` message (at most twice a second), never per snapshot, so a
    ticket page finds its place in O(1) however long the lines are."""

    def __init__(self, lines: p.Places | None) -> None:
        self.source = lines
        self.seq = lines.seq if lines else -1
        self.where: dict[str, tuple[str | None, str | None, int, str]] = {}
        self.unconfirmed: frozenset[str] = frozenset(lines.unconfirmed) if lines else frozenset()
        if lines is None:
            return
        for service, line in lines.services.items():
            for ahead, (hashed, number) in enumerate(line):
                self.where[hashed] = (service, None, ahead, number)
        for counter, line in lines.counters.items():
            for ahead, (hashed, number) in enumerate(line):
                self.where[hashed] = (None, counter, ahead, number)


def place_of(hashed: str, snapshot: p.Snapshot, lines: Lines, called_seq: dict[str, int]) -> Place | None:
    """One live ticket's place: called ones from the snapshot, waiting ones from `state/places`.

    `state/places` comes at most twice a second, so it can be older than the snapshot: a line
    entry older than the call of that ticket is stale and skipped."""
    for c in snapshot.counters:
        if c.serving and c.serving.token_hash == hashed:
            return Place("called", c.serving.number, c.serving.service, 0, None, c.id, c.label)
    found = lines.where.get(hashed)
    if found is None or called_seq.get(hashed, -1) > lines.seq:
        return None
    service, counter, ahead, number = found
    if counter is not None:
        label = next((c.label for c in snapshot.counters if c.id == counter), None)
        return Place("waiting", number, None, ahead, None, counter, label)
    view = next((s for s in snapshot.services if s.id == service), None)
    model = view.estimate_model if view else None
    wait = p.estimate_range(model.mean, model.deviation, model.capacity, ahead) if model else None
    return Place("waiting", number, service, ahead, wait)


def places(snapshot: p.Snapshot, lines: p.Places | None, called_seq: dict[str, int]) -> dict[str, Place]:
    """Every live ticket's place, by token hash (O(waiting): for reports and tests, not per update)."""
    index = Lines(lines)
    hashes = [*index.where, *(c.serving.token_hash for c in snapshot.counters if c.serving and c.serving.token_hash)]
    return {h: found for h in hashes if (found := place_of(h, snapshot, index, called_seq)) is not None}


class Relay:
    """Holds the latest state; browsers' streams wait on it."""

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall
        self.client = HubClient(hall.site.id, hall.web.device, hall.mqtt, role="web", places=True)
        self.version = 0
        self.status: dict[str, Any] | None = None
        self.status_bytes = b"null"
        self.frame = b""  # the SSE frame every status stream sends: encoded once per update
        self.snapshot: p.Snapshot | None = None
        self.lines = Lines(None)
        self.remembered: OrderedDict[str, Place] = OrderedDict()
        self.called_seq: OrderedDict[str, int] = OrderedDict()  # token hash → seq of its latest call
        self.counter_clients: dict[str, HubClient] = {}
        self._counter_lock = threading.Lock()  # two first commands at once must make one client
        self.faults = guard.Faults()  # unexpected exceptions in the relay's loops (/healthz)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._pending = False  # an update is scheduled for the next frame
        self._last_update = float("-inf")

    async def start(self, keepalive: float = 15.0) -> None:
        """Connect to the hall; updates arrive on this event loop from now on."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._ticker = asyncio.ensure_future(self._tick(keepalive))
        # Every way in from paho's thread is guarded: the callback itself, and the update it
        # schedules on the event loop (an exception there would only reach asyncio's log, uncounted).
        schedule = guard.callback(self.faults, "relay schedule", self._schedule)
        self.client.on_snapshot(guard.callback(self.faults, "snapshot callback", lambda _: self._soon(schedule)))
        self.client.on_places(guard.callback(self.faults, "places callback", lambda _: self._soon(schedule)))
        self.client.on_status(guard.callback(self.faults, "status callback", lambda: self._soon(schedule)))
        self.client.start()

    async def _tick(self, every: float) -> None:
        # One timer for all streams: wakes them without news, so each sends a keepalive comment.
        # (A timeout per stream would cost a task and a timer per viewer on every update.)
        async def step() -> None:
            await asyncio.sleep(every)
            self._wake()

        await guard.forever(self.faults, "keepalive tick", step)

    def _wake(self) -> None:
        if self._changed is not None:
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()

    def _soon(self, function: Any, *args: Any) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(function, *args)

    def close(self) -> None:
        """Disconnect every client."""
        if getattr(self, "_ticker", None) is not None:
            self._ticker.cancel()
        for c in [self.client, *self.counter_clients.values()]:
            c.close()

    def _schedule(self) -> None:
        """News arrived (on the event loop): update now, or at the next frame if one just went out.

        During a burst the hub publishes a snapshot per batch; the relay takes the latest one per
        frame instead of queueing work for each, so a call is never stuck behind old snapshots."""
        if self._pending or self._loop is None:
            return
        self._pending = True
        self._loop.call_later(max(0.0, self._last_update + FRAME - self._loop.time()), self._flush)

    def _flush(self) -> None:
        self._pending = False
        self._last_update = self._loop.time() if self._loop else 0.0
        # A bad update must not stop later ones: counted for /healthz, and the next news retries.
        guard.callback(self.faults, "relay update", self.update)(self.client.snapshot)

    def _take_lines(self, lines: p.Places | None) -> None:
        """A new `state/places`: index it once; tickets that left its lines are remembered."""
        if lines is self.lines.source:
            return
        old, self.lines = self.lines, Lines(lines)
        for hashed, (service, counter, _, number) in old.where.items():
            if hashed not in self.lines.where and hashed not in self.remembered:
                self.remembered[hashed] = Place("waiting", number, service, 0, None, counter)
                self.remembered.move_to_end(hashed)

    def update(self, snapshot: p.Snapshot | None) -> None:
        """Take the latest snapshot (on the event loop): rebuild the shared views, wake every stream.

        O(services + counters): ticket places are looked up when a page asks (`place`)."""
        if snapshot is None:
            return
        if snapshot.epoch != getattr(self, "epoch", snapshot.epoch):
            # The hub restarted from another history: its seq starts over, so call seqs
            # remembered from the old one would make every new place look stale.
            self.called_seq.clear()
        self.epoch = snapshot.epoch
        self._take_lines(self.client.places)
        for c in snapshot.counters:
            if c.serving and c.serving.token_hash:
                hashed = c.serving.token_hash
                self.called_seq[hashed] = max(snapshot.seq, self.called_seq.get(hashed, -1))
                self.remembered[hashed] = Place("called", c.serving.number, c.serving.service, 0, None, c.id, c.label)
                self.remembered.move_to_end(hashed)
        for memory in (self.remembered, self.called_seq):
            while len(memory) > REMEMBERED:
                memory.popitem(last=False)
        self.snapshot = snapshot
        self.status = public_status(snapshot, self.hall, self.client.online)
        self.status_bytes = json.dumps(self.status, ensure_ascii=False, separators=(",", ":")).encode()
        self.frame = b"event: status\ndata: " + self.status_bytes + b"\n\n"
        self.version += 1
        self._wake()

    async def wait_change(self, version: int) -> bool:
        """Wait for news newer than `version` or the next keepalive tick; True when there is news."""
        if self.version <= version:
            if self._changed is None:
                await asyncio.sleep(1.0)
            else:
                await self._changed.wait()
        return self.version > version

    def place(self, token: str) -> Place | None:
        """Where the ticket with this page token is; after it left the queue, how it ended."""
        hashed = p.token_hash(token)
        found = place_of(hashed, self.snapshot, self.lines, self.called_seq) if self.snapshot else None
        if found is not None:
            return found
        last = self.remembered.get(hashed)
        if last is None:
            return None
        # Called once and no longer anywhere: served (or marked absent, which the page need not shout).
        ended = "done" if hashed in self.called_seq else "gone"
        return Place(ended, last.number, last.service, 0, None, last.counter, last.counter_label)

    def counter_client(self, counter: str) -> HubClient:
        """The connection that speaks for a counter's device (the console's commands go through it).

        Made once under a lock: the first commands of two clerks' clicks at the same moment used to
        make two clients with one MQTT client id, which kicked each other off the broker for good.
        The id is unique per relay process too (two relays, a restarted relay)."""
        with self._counter_lock:
            client = self.counter_clients.get(counter)
            if client is None:
                device = next((d for d in self.hall.devices if d.role == "counter" and d.counter == counter), None)
                if device is None:
                    raise KeyError(f"no counter device for counter {counter!r}")
                client = HubClient(
                    self.hall.site.id,
                    device.id,
                    self.hall.mqtt,
                    role="counter",
                    calls=False,
                    client_id=f"web-{device.id}-{uuid.uuid4().hex[:8]}",
                    report_status=False,
                )
                self.counter_clients[counter] = client.start()
        client.wait_for(lambda c: c.online, 5)
        return client

    def staff_client(self) -> HubClient:
        """The connection that speaks for `[web] staff_device`: a manager clerk's 운영 변경
        (`change_day`) goes through it, never through a counter's device (a counter may not).
        Kept with the counters' connections (closed with them), under a key no counter id has."""
        device = self.hall.web.staff_device
        if device is None:
            raise KeyError("no [web] staff_device in the hall's config")
        with self._counter_lock:
            client = self.counter_clients.get("\0staff")
            if client is None:
                client = HubClient(
                    self.hall.site.id,
                    device,
                    self.hall.mqtt,
                    role="staff",
                    calls=False,
                    client_id=f"web-{device}-{uuid.uuid4().hex[:8]}",
                    report_status=False,
                )
                self.counter_clients["\0staff"] = client.start()
        client.wait_for(lambda c: c.online, 5)
        return client
