"""Test doubles that ship with the package (as gpiozero ships its mock pins).

`FakeNetworkPrinter` listens on TCP like a network printer (port 9100), decodes the ESC/POS it
receives, keeps each cut ticket as an image (and a PNG when given a folder), answers status
requests, and can play "paper out", "paper low" and "cover open". A `NetworkPrinter` pointed at
it exercises the real python-escpos path end to end.

`FakePrinter` is the in-process double of the printer interface (`TicketPrinter`): no socket, the
same ESC/POS bytes decoded on the spot, its status set by the test.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PIL.Image import Image

from hardware import Device
from hardware.escpos_stream import Decoder, Page
from hardware.printer import (
    BIT_COVER_OPEN,
    BIT_OFFLINE,
    BITS_PAPER_LOW,
    BITS_PAPER_OUT,
    STATUS_OFFLINE_CAUSE,
    STATUS_PAPER,
    STATUS_PRINTER,
    PrinterError,
    PrinterProfile,
    PrinterStatus,
    TicketPrinter,
)

if TYPE_CHECKING:
    from wire.config import PrinterSettings

log = logging.getLogger("sunbeon.fake-printer")
FIXED_BITS = 0x12  # bits 1 and 4 are always set in a DLE EOT reply


class FakeNetworkPrinter(Device):
    """A network ESC/POS printer on localhost, for tests, the demo and developers without one."""

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", out_dir: str | Path | None = None) -> None:
        self.paper: str = "ok"  # "ok", "low" or "out"
        self.cover_open = False
        self.tickets: list[Image] = []
        self.files: list[Path] = []
        self.rejected = 0  # tickets sent while the printer could not print
        self.out_dir = Path(out_dir) if out_dir else None
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self._server = socket.create_server((host, port))
        self.host, self.port = host, self._server.getsockname()[1]
        self._printed = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True, name=f"fake-printer-{self.port}")
        self._thread.start()

    @property
    def can_print(self) -> bool:
        """Whether paper would come out now."""
        return self.paper != "out" and not self.cover_open

    def _status(self, n: int) -> int:
        byte = FIXED_BITS
        if n == STATUS_PRINTER and not self.can_print:
            byte |= BIT_OFFLINE
        elif n == STATUS_OFFLINE_CAUSE:
            byte |= (BIT_COVER_OPEN if self.cover_open else 0) | (0x20 if self.paper == "out" else 0)
        elif n == STATUS_PAPER:
            byte |= {"ok": 0, "low": BITS_PAPER_LOW, "out": BITS_PAPER_OUT | BITS_PAPER_LOW}[self.paper]
        return byte

    def _cut(self, page: Page) -> None:
        if not self.can_print:
            self.rejected += 1
            return
        image = page.render()
        with self._printed:
            self.tickets.append(image)
            if self.out_dir:
                path = self.out_dir / f"ticket-{len(self.tickets):04d}.png"
                image.save(path)
                self.files.append(path)
                log.info("printed %s", path)
            self._printed.notify_all()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        decoder = Decoder(self._status, self._cut)
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                reply = decoder.feed(data)
                if reply:
                    conn.sendall(reply)

    def wait_for_tickets(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` tickets have printed, or the timeout."""
        deadline = time.monotonic() + timeout
        with self._printed:
            while len(self.tickets) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._printed.wait(left)
        return True

    def close(self) -> None:
        """Stop listening (shutdown first: close alone does not wake a thread blocked in accept)."""
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self._thread.join(2)
        super().close()


class FakePrinter(TicketPrinter):
    """A printer in memory: what was printed (decoded from the real ESC/POS bytes), and a status
    the test sets (`printer.state = PrinterStatus.PAPER_OUT`). Registered as connection "fake"."""

    connection = "fake"

    def __init__(self, profile: PrinterProfile | None = None) -> None:
        super().__init__(profile)
        self.state = PrinterStatus.READY
        self.tickets: list[Image] = []
        self.cuts = 0
        self.sent: list[bytes] = []
        self._decoder = Decoder(lambda n: 0, self._cut)

    @classmethod
    def from_settings(cls, settings: PrinterSettings, profile: PrinterProfile) -> FakePrinter:
        return cls(profile)

    def describe(self) -> str:
        return "fake printer (in memory)"

    def status(self) -> PrinterStatus:
        self.detail = "" if self.state.can_print else f"fake printer: {self.state.value}"
        return self.state

    def send(self, data: bytes) -> None:
        if self.state is PrinterStatus.OFFLINE:
            raise PrinterError(PrinterStatus.OFFLINE, "the fake printer is offline")
        self.sent.append(data)
        self._decoder.feed(data)

    def _cut(self, page: Page) -> None:
        self.cuts += 1
        self.tickets.append(page.render())

    def __repr__(self) -> str:
        return f"FakePrinter({self.profile.name}, {self.state.value}, {len(self.tickets)} printed)"


class FakeVoice:
    """A voice that makes no sound and remembers every line it was asked to say (with the speed
    and volume it had then): hardware.voice.Guide with it speaks in tests without a sound card."""

    def __init__(self) -> None:
        self.speed, self.volume = 150, 100
        self.lines: list[tuple[str, str, int, int]] = []

    def speak(self, text: str, language: str) -> Path | None:
        """Remember the line; nothing to play."""
        self.lines.append((text, language, self.speed, self.volume))
        return None


class FakeGuide(Device):
    """The kiosk's voice guidance as a record: every `say` in order, at once (no thread), so a test
    asserts exactly what a visitor would hear, screen by screen."""

    def __init__(self, volume: int = 100, speed: int = 150) -> None:
        self.volume, self.speed = volume, speed
        self.said: list[tuple[str, str]] = []
        self.cuts = 0  # how often a new screen cut the guidance short

    def say(self, lines: list[tuple[str, str]], *, interrupt: bool = True) -> None:
        """Record the lines."""
        self.cuts += interrupt
        self.said.extend(lines)

    def louder(self, step: int = 25) -> int:
        """Volume up or down (negative step), 0–200."""
        self.volume = max(0, min(200, self.volume + step))
        return self.volume

    def next_speed(self) -> int:
        """Slow → normal → fast → slow."""
        from hardware.voice import SPEEDS

        later = [s for s in SPEEDS if s > self.speed]
        self.speed = later[0] if later else SPEEDS[0]
        return self.speed

    def texts(self) -> list[str]:
        """What was said, text only."""
        return [text for text, _ in self.said]
