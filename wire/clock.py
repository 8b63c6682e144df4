"""The hall's clock: real time in a real hall; one shared virtual day in the demo.

Every role reads the hall's time through `now()` where hall time matters (tickets, service
times, opening hours, the clock on the screens). By default that is `time.time()`. With

    SUNBEON_CLOCK="2026-11-23T08:50:00+09:00@60"

it is a day that starts at 08:50 on 23 November and runs 60 times faster than life, so a
demo opens at 09:00, has its lunch wave and closes at 18:00 while the hub measures service
times in hall minutes (on the real clock a 20×-fast demo measured them as seconds and every
estimate became "약 0–1분"). An optional `~ANCHOR` (real Unix seconds) says when the hall was
at that start: the demo sets it once, so roles started seconds apart agree on the hall's time.
Each process computes the same function of the machine's real clock; nothing is exchanged.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

log = logging.getLogger("sunbeon.clock")
ENV = "SUNBEON_CLOCK"
MAX_SPEED = 100_000.0  # beyond this a hall second is shorter than the loops that measure it


class ClockError(ValueError):
    """SUNBEON_CLOCK (or --start/--speed) is not a time and a speed."""


@dataclass(frozen=True)
class HallClock:
    """Hall time as a function of the real clock: `start + (real - anchor) * speed`."""

    start: float | None = None  # hall Unix time at `anchor`; None: the real clock
    speed: float = 1.0
    anchor: float = 0.0  # real Unix time at which the hall was at `start`
    offset: float = 0.0  # the start's UTC offset in seconds: how the hall writes its time in logs

    @property
    def virtual(self) -> bool:
        """True when hall time is not the real time."""
        return self.start is not None

    def now(self) -> float:
        """The hall's time, Unix seconds."""
        if self.start is None:
            return time.time()
        return self.start + (time.time() - self.anchor) * self.speed

    def real(self, hall_seconds: float) -> float:
        """How many real seconds `hall_seconds` of hall time take (never negative)."""
        return max(0.0, hall_seconds / self.speed)

    def wait(self, event: threading.Event, hall_seconds: float) -> bool:
        """Wait on `event` for `hall_seconds` of hall time; True when it was set."""
        return event.wait(self.real(hall_seconds))

    def env(self) -> str:
        """This clock as a SUNBEON_CLOCK value, for the processes a demo starts."""
        if self.start is None:
            return ""
        return f"{self.isoformat(self.start)}@{self.speed:g}~{self.anchor:.3f}"

    def isoformat(self, at: float) -> str:
        """A hall time as ISO 8601 with the start's UTC offset (the hall's zone, not the machine's)."""
        return datetime.fromtimestamp(at, timezone(timedelta(seconds=self.offset))).isoformat(timespec="seconds")


REAL = HallClock()


def parse(text: str, *, real_now: float | None = None) -> HallClock:
    """A SUNBEON_CLOCK value: `ISO-8601 time with offset[@speed][~anchor]`; "" is the real clock."""
    text = text.strip()
    if not text:
        return REAL
    anchor_text = speed_text = None
    if "~" in text:
        text, anchor_text = text.rsplit("~", 1)
    if "@" in text:
        text, speed_text = text.rsplit("@", 1)
    try:
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"{text[:60]!r} is not a time like 2026-11-23T08:50:00+09:00") from None
    if start.tzinfo is None:
        raise ClockError(f"{text[:60]!r} needs its UTC offset, e.g. 2026-11-23T08:50:00+09:00")
    speed = _number(speed_text, "speed", 1.0)
    if not (0 < speed <= MAX_SPEED):
        raise ClockError(f"speed must be above 0 and at most {MAX_SPEED:g}, not {speed_text}")
    anchor = _number(anchor_text, "anchor", time.time() if real_now is None else real_now)
    try:
        return HallClock(start.timestamp(), speed, anchor, start.utcoffset().total_seconds())  # type: ignore[union-attr]
    except (OverflowError, ValueError, OSError):
        raise ClockError(f"{text[:60]!r} is out of range") from None


def _number(text: str | None, what: str, default: float) -> float:
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ClockError(f"the {what} {text[:30]!r} is not a number") from None
    if not math.isfinite(value):
        raise ClockError(f"the {what} {text[:30]!r} is not a finite number")
    return value


_current: HallClock | None = None
_lock = threading.Lock()


def current() -> HallClock:
    """This process's hall clock, read once from SUNBEON_CLOCK.

    A bad value was refused at the command line (`check_env`); should one get here anyway the
    process keeps running on the real clock and says so, rather than stop a hall.
    """
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                try:
                    _current = parse(os.environ.get(ENV, ""))
                except ClockError as err:
                    log.error("%s ignored, using the real clock: %s", ENV, err)
                    _current = REAL
                if _current.virtual:
                    log.info("hall clock: %s, %g× real time", _current.isoformat(_current.now()), _current.speed)
    return _current


def check_env() -> None:
    """Raise ClockError when SUNBEON_CLOCK is set but wrong (the command line turns it into a one-line error)."""
    parse(os.environ.get(ENV, ""))


def use(clock: HallClock) -> None:
    """Run this process on `clock` (the demo's own process, and tests)."""
    global _current
    _current = clock


def now() -> float:
    """The hall's time, Unix seconds: `time.time()` unless SUNBEON_CLOCK says otherwise."""
    return current().now()


def speed() -> float:
    """How many times faster than life the hall's clock runs."""
    return current().speed
