"""Delivery workers: send what the outbox says is due, retry with backoff, count what fails.

Never on paho's thread or the tracker's: a slow or failing provider delays only its own messages.
Per phone number, at most `per_phone_per_hour` messages (beyond: dropped and counted — someone
registered one number on many tickets); per hall, at most `per_hall_per_minute` (beyond: held
back until the minute allows, never dropped). A provider that keeps failing makes the notifier
`degraded` with its reason, cleared by its next success.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from notify.contact import mask
from notify.providers.base import Delivery, Permanent, Provider, Transient
from notify.secrecy import Sealer
from notify.store import Contact, NotifyStore, Outgoing
from wire import protocol as p
from wire.notify_settings import NotifySettings

log = logging.getLogger("sunbeon.notify.delivery")
BACKOFF = (1.0, 2.0, 5.0, 15.0, 60.0)  # seconds before attempt 2, 3, ...
FAILING_AFTER = 3  # failures in a row before a provider counts as down


@dataclass
class Counts:
    sent: int = 0
    retried: int = 0
    dead_letters: int = 0
    rate_limited: int = 0
    held_back: int = 0


class HallBudget:
    """Token bucket: `per_minute` messages a minute, a sixth of it at once."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.capacity = per_minute / 60.0, max(1.0, per_minute / 6.0)
        self.tokens, self.clock, self.at = self.capacity, clock, clock()
        self.lock = threading.Lock()

    def wait(self) -> float:
        """0 when a message may go now (and takes its token), else the seconds until one may."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


class PhoneBudget:
    """At most `per_hour` messages to one number (by its keyed hash) in any hour."""

    def __init__(self, per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_hour, self.clock = per_hour, clock
        self.sent: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def take(self, phone_key: str) -> bool:
        with self.lock:
            now = self.clock()
            times = self.sent.setdefault(phone_key, deque())
            while times and times[0] <= now - 3600:
                times.popleft()
            if len(times) >= self.per_hour:
                return False
            times.append(now)
            return True


class Health:
    """Each provider's failures in a row; the notifier is degraded while any is down."""

    def __init__(self, on_change: Callable[[str | None], None]) -> None:
        self.failures: dict[str, tuple[int, str]] = {}
        self.on_change = on_change
        self.lock = threading.Lock()
        self.reason: str | None = None

    def result(self, provider: str, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.failures.pop(provider, None)
            else:
                count = self.failures.get(provider, (0, ""))[0] + 1
                self.failures[provider] = (count, error)
            down = [f"{name}: {err}" for name, (count, err) in sorted(self.failures.items()) if count >= FAILING_AFTER]
            reason = "; ".join(down)[:200] or None
            changed, self.reason = reason != self.reason, reason
        if changed:
            self.on_change(reason)


class Deliverer:
    """The outbox's workers. `submit(key)` after a message is recorded `due`."""

    def __init__(
        self,
        settings: NotifySettings,
        store: NotifyStore,
        sealer: Sealer,
        providers: dict[str, Provider],
        compose: Callable[[Outgoing, Contact, dict[str, object]], Delivery],
        on_health: Callable[[str | None], None] = lambda reason: None,
        on_sent: Callable[[str, float], None] = lambda key, at: None,
    ) -> None:
        self.settings, self.store, self.sealer, self.providers = settings, store, sealer, providers
        self.compose = compose
        self.counts = Counts()
        self.hall = HallBudget(settings.per_hall_per_minute)
        self.phones = PhoneBudget(settings.per_phone_per_hour)
        self.health = Health(on_health)
        self.on_sent = on_sent
        self._queue: list[tuple[float, int, str]] = []
        self._seq = 0
        self._ready = threading.Condition()
        self._stop = False
        self._threads = [
            threading.Thread(target=self._work, name=f"notify-send-{i}", daemon=True) for i in range(settings.workers)
        ]

    def start(self) -> Deliverer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        with self._ready:
            self._stop = True
            self._ready.notify_all()
        for thread in self._threads:
            thread.join(5)

    def submit(self, key: str, delay: float = 0.0) -> None:
        with self._ready:
            self._seq += 1
            heapq.heappush(self._queue, (time.monotonic() + delay, self._seq, key))
            self._ready.notify()

    def recover(self) -> None:
        """After a restart: send what was due; what was being sent only where the provider dedups."""
        due = self.store.keys_in("due")
        for key in self.store.keys_in("sending"):
            row = self.store.outgoing(key)
            provider = self.providers.get(self._provider_name(row.channel)) if row else None
            if row and provider is not None and provider.idempotent:
                self.store.mark(key, "due", "resent after a restart (the provider drops repeats)")
                self.submit(key)
            else:
                # It may have reached the visitor: a second copy is worse than none.
                self.store.mark(key, "unsure", "in flight when the notifier stopped; not repeated")
        for key in due:
            self.submit(key)

    def pending(self) -> int:
        with self._ready:
            return len(self._queue)

    # --- the workers -------------------------------------------------------------------------

    def _next(self) -> str | None:
        with self._ready:
            while not self._stop:
                if self._queue and self._queue[0][0] <= time.monotonic():
                    return heapq.heappop(self._queue)[2]
                self._ready.wait(min(1.0, self._queue[0][0] - time.monotonic()) if self._queue else 1.0)
            return None

    def _work(self) -> None:
        while (key := self._next()) is not None:
            try:
                self._deliver(key)
            except Exception as err:  # noqa: BLE001 - a worker never dies; the message is retried
                log.error("delivery of %s failed in the notifier (%s: %s)", p.brief(key, 80), type(err).__name__,
                          p.brief(str(err)))  # fmt: skip
                self._retry_or_bury(key, f"internal: {type(err).__name__}", None)

    def _provider_name(self, channel: str) -> str:
        return "webpush" if channel == "push" else self.settings.sms

    def _deliver(self, key: str) -> None:
        row = self.store.outgoing(key)
        if row is None or row.state != "due":
            return  # sent, buried, or purged meanwhile
        contact = self.store.contact(row.contact) if row.contact is not None else None
        if contact is None:
            self.store.mark(key, "dead", "the contact was deleted before the message went out")
            self.counts.dead_letters += 1
            return
        provider = self.providers.get(self._provider_name(row.channel))
        if provider is None:
            self.store.mark(key, "dead", f"no provider for {row.channel}")
            self.counts.dead_letters += 1
            return
        wait = self.hall.wait()
        if wait > 0:
            self.counts.held_back += 1
            self.submit(key, wait)
            return
        if contact.phone_key and row.attempts == 0 and not self.phones.take(contact.phone_key):
            self.store.mark(key, "limited", "per-number limit")
            self.counts.rate_limited += 1
            log.warning("not sending %s to %s: %d messages this hour", row.kind, mask(contact.last4 or ""),
                        self.settings.per_phone_per_hour)  # fmt: skip
            return
        sealed = json.loads(self.sealer.open(contact.sealed))
        delivery = self.compose(row, contact, sealed)
        if not self.store.claim(key):  # the intent, committed before the provider hears of it
            return  # another worker has it
        try:
            provider.send(delivery)
        except Permanent as err:
            self.health.result(provider.name, str(err))
            self.store.mark(key, "dead", str(err)[:200])
            self.counts.dead_letters += 1
            log.warning("%s to %s refused for good: %s", row.kind, self._who(contact), err)
            if err.gone:
                self.store.delete_contacts(contact.token_hash, contact.channel)
            return
        except Transient as err:
            self.health.result(provider.name, str(err))
            self._retry_or_bury(key, str(err), contact)
            return
        self.store.mark(key, "sent")
        self.health.result(provider.name, None)
        self.counts.sent += 1
        self.on_sent(key, time.time())

    def _retry_or_bury(self, key: str, error: str, contact: Contact | None) -> None:
        row = self.store.outgoing(key)
        if row is None:
            return
        if row.attempts >= self.settings.attempts:
            self.store.mark(key, "dead", error[:200])
            self.counts.dead_letters += 1
            log.warning("%s to %s: a dead letter after %d attempts (%s)", row.kind, self._who(contact), row.attempts,
                        error)  # fmt: skip
            return
        self.store.mark(key, "due", error[:200])
        self.counts.retried += 1
        self.submit(key, BACKOFF[min(row.attempts, len(BACKOFF)) - 1] if row.attempts else BACKOFF[0])

    @staticmethod
    def _who(contact: Contact | None) -> str:
        if contact is None:
            return "?"
        return mask(contact.last4 or "") if contact.channel == "sms" else "a browser"
