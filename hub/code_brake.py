"""A brake on guessing codes at a kiosk. A booking code has 40 bits and an arrival code 30, but a
USB device that types like a scanner tries about 50 a second: unbraked, a day of guessing had a
fair chance (0.4 % against 1,000 live bookings) of checking in a stranger's booking. After
FREE unknown codes from one device within WINDOW seconds, that device's `check_in` and `confirm`
are refused (`rate_limited`) for WAIT seconds; a visitor mistyping twice never meets it.

The shell's, not the queue core's: it counts wall time per device and is forgotten on a restart
(a restart costs an attacker more than the wait)."""

from __future__ import annotations

from collections import deque

GUESSED_OPS = frozenset({"check_in", "confirm"})
UNKNOWN = frozenset({"unknown_booking", "unknown_ticket"})  # what a wrong guess is answered
FREE = 5
WINDOW = 60.0
WAIT = 30.0


class CodeBrake:
    """Wrong codes per device; `braked` says whether the device must wait now."""

    def __init__(self) -> None:
        self.misses: dict[str, deque[float]] = {}
        self.until: dict[str, float] = {}

    def braked(self, device: str, now: float) -> bool:
        return self.until.get(device, 0.0) > now

    def answered(self, device: str, op: object, error: str | None, now: float) -> None:
        """Count a reply to `op`; a wrong code brings the device nearer the wait."""
        if not isinstance(op, str) or op not in GUESSED_OPS or error not in UNKNOWN:  # op: whatever came
            return
        misses = self.misses.setdefault(device, deque())
        misses.append(now)
        while misses and misses[0] <= now - WINDOW:
            misses.popleft()
        if len(misses) >= FREE:
            self.until[device] = now + WAIT
            misses.clear()
