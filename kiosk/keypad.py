"""The physical keypad, told apart from a QR/barcode scanner that types like a keyboard.

A USB keypad arrives as key events (SDL on a desktop, evdev through SDL on the Pi). A scanner
arrives the same way, but as a burst: characters far faster than a finger (under 30 ms apart)
ending in Enter. Printable characters therefore wait in a buffer until either a pause shows a
person typed them (each becomes its own key) or Enter closes a burst (one `Scan`). Keys that a
scanner never sends (arrows, Backspace, function keys) are delivered at once.

Pure: times come in with the keys, so tests drive it without a clock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

BURST_GAP = 0.030  # seconds: closer than this is a machine typing
SCAN_MIN = 3  # characters a scanned code has at least (a shorter burst is two fast key presses)
SCAN_MAX = 512  # a longer burst is cut (a stuck key or a hostile device must not grow memory)

# What each printable character means on the keypad (a numeric keypad sends these as text too).
CHAR_KEYS = {
    **{str(d): f"digit:{d}" for d in range(10)},
    "+": "louder",
    "-": "quieter",
    "*": "speed",
    "/": "help",
    ".": "staff",
}
# Keys without text, by pygame key name (pygame.key.name), delivered at once.
NAMED_KEYS = {
    "up": "prev",
    "left": "prev",
    "down": "next",
    "right": "next",
    "tab": "next",
    "return": "ok",
    "enter": "ok",  # keypad Enter
    "backspace": "back",
    "escape": "back",
    "delete": "staff",
    "f1": "help",
    "f2": "staff",
    "help": "help",
}


@dataclass(frozen=True)
class Key:
    """One keypad command: "digit:3", "prev", "next", "ok", "back", "help", "louder", "quieter",
    "speed", "staff"."""

    command: str


@dataclass(frozen=True)
class Scan:
    """A code a scanner typed (appointment check-in will use it)."""

    code: str


@dataclass
class KeyReader:
    """Key events in, keypad commands and scanned codes out."""

    _buffer: list[tuple[str, float]] = field(default_factory=list)
    dropped: int = 0  # characters of over-long bursts that were cut

    def feed(self, name: str, char: str, at: float) -> list[Key | Scan]:
        """One key press: pygame's key name and the text it typed ("" when none), at `at` seconds."""
        out = self.poll(at)
        printable = len(char) == 1 and char.isprintable() and not char.isspace()
        if printable:
            if len(self._buffer) >= SCAN_MAX:
                self.dropped += 1
            else:
                self._buffer.append((char, at))
            return out
        command = NAMED_KEYS.get(name.lower())
        if command == "ok" and self._is_burst(at):
            code = "".join(c for c, _ in self._buffer)
            self._buffer.clear()
            return [*out, Scan(code)]
        out += self._flush()
        if command is not None:
            out.append(Key(command))
        return out

    def poll(self, now: float) -> list[Key | Scan]:
        """Characters a pause has shown a person typed, as keys (call it every frame)."""
        if self._buffer and now - self._buffer[-1][1] >= BURST_GAP:
            return self._flush()
        return []

    def _is_burst(self, at: float | None = None) -> bool:
        if len(self._buffer) < SCAN_MIN:
            return False
        times = [t for _, t in self._buffer] + ([at] if at is not None else [])
        return all(0 <= b - a < BURST_GAP for a, b in itertools.pairwise(times))

    def _flush(self) -> list[Key | Scan]:
        # A burst without Enter (a scanner set up without it) is still a scan, never a row of digits.
        if self._is_burst():
            code = "".join(c for c, _ in self._buffer)
            self._buffer.clear()
            return [Scan(code)]
        keys = [Key(CHAR_KEYS[c]) for c, _ in self._buffer if c in CHAR_KEYS]
        self._buffer.clear()
        return list(keys)
