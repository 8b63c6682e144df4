"""Keeps the relay's loops alive: an unexpected exception in a stream, the tick task or an MQTT
callback is logged (its input cut short), counted, and the relay goes on.

The counts are what /healthz reports: the installer and monitoring read them, a clerk never does.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

log = logging.getLogger("sunbeon.web")
SHOWN = 200  # characters of an input kept in a log line: enough to recognise it, never a flood
RECENT = 300.0  # seconds a fault keeps /healthz at "degraded"; the count itself stays


def short(value: Any) -> str:
    """`value` as a log line can carry it: repr, cut to SHOWN characters."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile object's repr must not fail the log line
        text = f"<{type(value).__name__}>"
    return text if len(text) <= SHOWN else text[:SHOWN] + f"… ({len(text)} chars)"


class Faults:
    """Counts of unexpected exceptions, by where they happened (thread-safe: MQTT callbacks run on
    paho's thread, streams on the event loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.last: dict[str, str] = {}
        self.last_at = 0.0  # time.monotonic() of the latest fault

    def record(self, where: str, error: BaseException, given: Any = None) -> None:
        """Log and count one unexpected exception."""
        with self._lock:
            self.counts[where] += 1
            self.last[where] = type(error).__name__
            self.last_at = time.monotonic()
        log.error(
            "%s failed (%s: %s) on %s", where, type(error).__name__, short(str(error)), short(given), exc_info=error
        )

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    @property
    def recent(self) -> bool:
        """Whether a fault happened in the last RECENT seconds."""
        return bool(self.counts) and time.monotonic() - self.last_at < RECENT

    def as_json(self) -> dict[str, Any]:
        with self._lock:
            return {"total": sum(self.counts.values()), "by_place": dict(self.counts), "last_error": dict(self.last)}


def callback(faults: Faults, where: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` that never raises: for MQTT callbacks and call_soon_threadsafe jobs."""

    @functools.wraps(function)
    def guarded(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception as error:  # noqa: BLE001 - the loop must go on; counted and logged
            faults.record(where, error, args)
            return None

    return guarded


async def stream(faults: Faults, where: str, frames: AsyncIterator[bytes], given: Any = None) -> AsyncIterator[bytes]:
    """An SSE stream that ends quietly on an unexpected exception instead of a traceback: the
    browser's EventSource reconnects by itself and gets the latest state again."""
    try:
        async for frame in frames:
            yield frame
    except (asyncio.CancelledError, GeneratorExit):
        raise  # the browser left or the relay stops: not a fault
    except Exception as error:  # noqa: BLE001
        faults.record(where, error, given)


async def forever(faults: Faults, where: str, step: Callable[[], Any]) -> None:
    """Run the coroutine function `step` again and again; a failed step is counted, not fatal."""
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001
            faults.record(where, error)
            await asyncio.sleep(1.0)  # a step that always fails must not spin the CPU
