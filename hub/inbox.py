"""The hub's inbox: what paho's thread hands the hub's loop, served fairly between devices.

One FIFO let a single device that floods (a stuck button, a broken script) put every other
device's commands behind its own: a kiosk's ticket waited 17.8 s behind 15,000 commands. Here
each sender has its own line, the loop takes one item from each line in turn, and a line holds
at most `per_sender` items: the excess is dropped and counted (the sender times out and retries
with the same id, which is safe). A total cap bounds memory whatever the number of senders.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Empty(Exception):
    """Nothing to take."""


class FairInbox(Generic[T]):
    """Round-robin over senders, a bounded line per sender, control items ahead of all. Thread-safe."""

    def __init__(self, per_sender: int = 200, total: int = 20_000) -> None:
        self.per_sender, self.total = per_sender, total
        self._lines: OrderedDict[Hashable, deque[T]] = OrderedDict()
        self._control: deque[T] = deque()
        self._size = 0
        self._ready = threading.Condition(threading.Lock())
        self.dropped = 0  # items refused because a line or the whole inbox was full

    def __len__(self) -> int:
        with self._ready:
            return self._size + len(self._control)

    def put_control(self, item: T) -> None:
        """An item the loop must see before any command (e.g. "connected"); never dropped."""
        with self._ready:
            self._control.append(item)
            self._ready.notify()

    def put(self, sender: Hashable, item: T, *, latest_only: bool = False) -> bool:
        """Queue `item` in `sender`'s line; False (and counted) when the line or inbox is full.

        `latest_only`: the line keeps only the newest item (a status replaces the one before).
        """
        with self._ready:
            line = self._lines.get(sender)
            if latest_only and line:
                line[-1] = item
                return True
            if (line is not None and len(line) >= self.per_sender) or self._size >= self.total:
                self.dropped += 1
                return False
            if line is None:
                line = self._lines[sender] = deque()
            line.append(item)
            self._size += 1
            self._ready.notify()
            return True

    def get_nowait(self) -> T:
        """The next item: control first, then the head of the next sender's line in turn."""
        with self._ready:
            return self._take()

    def get(self, timeout: float) -> T:
        """The next item, waiting up to `timeout` seconds; Empty when none came."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._control and not self._lines:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Empty
                self._ready.wait(left)
            return self._take()

    def _take(self) -> T:
        if self._control:
            return self._control.popleft()
        if not self._lines:
            raise Empty
        sender, line = next(iter(self._lines.items()))
        item = line.popleft()
        self._size -= 1
        if line:
            self._lines.move_to_end(sender)  # its next item waits for every other sender's turn
        else:
            del self._lines[sender]  # no empty lines kept: senders are not remembered
        return item


class RateGate:
    """A token bucket per sender: at most `rate` items a second after a burst of `burst`.

    The inbox alone cannot stop a flood from costing the hub: every queued command is decoded,
    checked and answered, and that work starves the thread that reads the broker, so another
    device's command waits in the broker behind the flood. Dropping a flood at the door, before
    any parsing, keeps that work bounded per device.
    """

    def __init__(self, rate: float, burst: float, *, senders: int = 10_000) -> None:
        self.rate, self.burst, self.senders = rate, burst, senders
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # sender -> (tokens, at)
        self.dropped = 0

    def allow(self, sender: Hashable, now: float | None = None) -> bool:
        """Whether `sender` may send one more item now (called from one thread only)."""
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.get(sender, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[sender] = (tokens, now)
            self.dropped += 1
            return False
        if sender not in self._buckets and len(self._buckets) >= self.senders:
            # Forget senders whose bucket has refilled: they are the same as new ones.
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] + (now - v[1]) * self.rate < self.burst}
        self._buckets[sender] = (tokens - 1, now)
        return True
