"""The demo's simulated people who use the hub's API rather than a screen: visitors at the
kiosks nobody watches, and the clerks of counters without a monitor in the demo. All on the
hall's clock: a visitor comes at a hall time, a clerk serves for hall minutes."""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from wire import config as cfg
from wire import protocol as p
from wire.clerkday import SimulatedClerk
from wire.client import HubClient
from wire.clock import HallClock
from wire.hallday import LUNCH, PRIORITY, TASK_MIX, next_arrival

log = logging.getLogger("sunbeon.demo")
LANGUAGES = {"ko": 85, "en": 6, "zh": 5, "vi": 4}
CHECK = 0.5  # real seconds at most between looks at the clock or the queue


class Lobby(threading.Thread):
    """Visitors who take their tickets at a kiosk through the API, `peak_per_hour` in the busiest hour."""

    def __init__(
        self,
        client: HubClient,
        hall: cfg.HallConfig,
        clock: HallClock,
        stop: threading.Event,
        peak_per_hour: float,
        seed: int = 11,
    ) -> None:
        super().__init__(daemon=True, name=f"lobby-{client.device}")
        self.client, self.hall, self.clock, self.stop = client, hall, clock, stop
        self.peak, self.random = peak_per_hour, random.Random(seed)
        self.tz = ZoneInfo(hall.site.timezone)
        self.issued = self.refused = self.failed = 0

    def _hour(self, t: float) -> int:
        return datetime.fromtimestamp(t, self.tz).hour

    def run(self) -> None:
        services = [s.id for s in self.hall.services]
        weights = [TASK_MIX.get(s, 1 / len(services)) for s in services]
        at = self.clock.now()
        while not self.stop.is_set():
            at = next_arrival(self.random, at, self.peak, self._hour)
            while not self.stop.is_set() and self.clock.now() < at:
                self.stop.wait(min(CHECK, self.clock.real(at - self.clock.now())))
            if self.stop.is_set():
                return
            try:
                self._visit(self.random.choices(services, weights)[0])
            except Exception:  # one visitor's trouble never ends the lobby
                self.failed += 1
                log.exception("a simulated visitor failed")

    def _visit(self, service: str) -> None:
        language = self.random.choices(list(LANGUAGES), list(LANGUAGES.values()))[0]
        priority = self.random.random() < PRIORITY and bool(getattr(self.hall.service(service), "priority", False))
        reply = self.client.request("issue", service=service, language=language, priority=priority, timeout=5)
        if reply.status == "ok":
            self.issued += 1
        else:
            self.refused += 1  # after the cut-off, or closed: the visitor goes home


class Clerk(threading.Thread):
    """A simulated clerk at a counter without a monitor in the demo, pressing through the hub's
    API; its habits (lunch, service times, no-shows) are wire/clerkday.py's, as every simulated
    clerk's are."""

    def __init__(
        self,
        client: HubClient,
        hall: cfg.HallConfig,
        clock: HallClock,
        stop: threading.Event,
        watcher: HubClient,
        *,
        index: int,
        seed: int,
    ) -> None:
        super().__init__(daemon=True, name=f"clerk-{client.device}")
        self.client, self.hall, self.clock, self.stop, self.watcher = client, hall, clock, stop, watcher
        self.habits = SimulatedClerk(random.Random(seed), hall.site.timezone, lunch_index=index)
        self.counter = hall.device(client.device).counter  # type: ignore[union-attr]
        counter = hall.counter(self.counter or "")
        self.services = {s for tier in counter.services for s in tier} if counter else set()
        self.served = self.errors = 0

    def _sleep(self, hall_seconds: float) -> None:
        self.clock.wait(self.stop, hall_seconds)

    def _sleep_until(self, hall_time: float) -> None:
        self.clock.wait(self.stop, hall_time - self.clock.now())

    def _anyone_waiting(self) -> bool:
        snapshot = self.watcher.snapshot
        return snapshot is not None and any(s.waiting for s in snapshot.services if s.id in self.services)

    def run(self) -> None:
        serving = False
        while not self.stop.is_set():
            try:
                serving = self._turn(serving)
            except Exception:  # a clerk's bad moment never ends the demo
                self.errors += 1
                log.exception("simulated clerk at counter %s", self.counter)
                self.stop.wait(CHECK)

    def _turn(self, serving: bool) -> bool:
        """One step of the clerk's day; returns whether a visitor is at the counter now."""
        if self.habits.goes_to_lunch(self.clock.now()):
            if serving:
                self.client.request("finish")
            self.client.request("pause")
            self._sleep(LUNCH)
            self.client.request("resume")
            return False
        if not self._anyone_waiting():
            if serving:  # the last visitor leaves; nobody to call
                self.client.request("finish")
            self.watcher.wait_for(lambda _: self.stop.is_set() or self._anyone_waiting(), CHECK)
            return False
        reply = self.client.ask(p.CALL_NEXT)  # also finishes the current visitor
        ticket = reply.data.ticket if reply.data is not None else None
        if ticket is None:
            self.stop.wait(min(CHECK, self.clock.real(30)))
            return False
        # Time the visit from the hub's own stamp of the call, not from when its reply got here:
        # on a busy machine the round trip would otherwise add idle time to every visit.
        called = ticket.called or self.clock.now()
        service = self.hall.service(ticket.service)
        visit = self.habits.visit(called, service.typical_minutes if service else 5.0)
        if visit.no_show and visit.recall_at is not None:
            self._sleep_until(visit.recall_at)
            self.client.request("recall")
            self._sleep_until(visit.ends_at)
            self.client.request("no_show")
            return False
        self._sleep_until(visit.ends_at)
        self.served += 1
        return True
