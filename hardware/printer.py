"""The ticket printer: an ESC/POS thermal printer behind python-escpos, wrapped in our own interface.

A ticket arrives as one raster image (Korean and every other language print on any printer, since
ESC/POS has no Korean code page); the printer sends it, then cuts. Status (paper out, paper low,
cover open, offline) is read with DLE EOT where the connection can read back.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from hardware import Device, HardwareError

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger("sunbeon.printer")

# DLE EOT n: real-time status. Bits as the ESC/POS reference gives them.
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4
BIT_OFFLINE = 0x08
BIT_COVER_OPEN = 0x04
BITS_PAPER_LOW = 0x0C
BITS_PAPER_OUT = 0x60


class PrinterStatus(StrEnum):
    """What the printer says about itself."""

    READY = "ready"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # the connection cannot read status back (a device file)

    @property
    def can_print(self) -> bool:
        """Whether a ticket sent now would come out."""
        return self in (PrinterStatus.READY, PrinterStatus.PAPER_LOW, PrinterStatus.UNKNOWN)


class PrinterError(HardwareError):
    """The ticket did not print; `status` says why."""

    def __init__(self, status: PrinterStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Connection:
    """How the printer is attached: network (host:9100), usb (vendor/product id), serial, or a device file."""

    kind: Literal["network", "usb", "serial", "file"] = "network"
    host: str = "127.0.0.1"
    port: int = 9100
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = 19200
    timeout: float = 3.0

    def describe(self) -> str:
        """Where the printer is, for messages."""
        if self.kind == "network":
            return f"network printer {self.host}:{self.port}"
        if self.kind == "usb":
            return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"
        return f"{self.kind} printer {self.device}"


def encode(image: Image) -> bytes:
    """The ESC/POS bytes for one ticket: initialise, the raster image, feed and cut."""
    from escpos.printer import Dummy

    dummy = Dummy()
    # The default profile has no paper width and python-escpos prints a notice about it on every
    # image; tell it the ticket's width (on a copy: profile data is shared between instances).
    data = dummy.profile.profile_data
    dummy.profile.profile_data = {**data, "media": {**data.get("media", {}), "width": {"pixels": image.width}}}
    dummy.hw("INIT")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dummy.image(image.convert("1"), impl="bitImageRaster")
    dummy.cut()
    return dummy.output


class Printer(Device):
    """An ESC/POS printer on any of python-escpos's connections."""

    def __init__(self, connection: Connection, *, width: int = 576) -> None:
        self.connection, self.width = connection, width
        self._escpos: object | None = None
        self.detail = ""  # why the last status was not READY, for messages

    def _open(self) -> object:
        if self._escpos is not None:
            return self._escpos
        from escpos import printer as escpos

        c = self.connection
        try:
            if c.kind == "network":
                device = escpos.Network(c.host, c.port, timeout=c.timeout)
            elif c.kind == "usb":
                device = escpos.Usb(c.vendor_id, c.product_id, timeout=int(c.timeout * 1000))
            elif c.kind == "serial":
                device = escpos.Serial(c.device, baudrate=c.baudrate, timeout=c.timeout)
            else:
                device = escpos.File(c.device)
            device.open()
            if c.kind == "network":
                # Status queries are tiny request/replies; Nagle's algorithm would hold each one back.
                device.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except Exception as err:  # python-escpos raises its own and OS errors alike
            raise PrinterError(PrinterStatus.OFFLINE, f"cannot reach the {c.describe()}: {err}") from err
        self._escpos = device
        return device

    def _drop(self) -> None:
        device, self._escpos = self._escpos, None
        if device is not None:
            # already broken; nothing more to release
            with contextlib.suppress(Exception):
                device.close()  # type: ignore[attr-defined]

    def _query(self, device: object, n: int) -> int | None:
        device._raw(bytes([0x10, 0x04, n]))  # type: ignore[attr-defined]
        try:
            reply = device._read()  # type: ignore[attr-defined]
        except (OSError, TimeoutError, NotImplementedError, AttributeError):
            return None
        return reply[0] if reply else None

    def status(self) -> PrinterStatus:
        """Ask the printer how it is (OFFLINE when it cannot be reached)."""
        self.detail = ""
        if self.connection.kind == "file":
            return PrinterStatus.UNKNOWN
        try:
            device = self._open()
            printer = self._query(device, STATUS_PRINTER)
            if printer is None:
                return PrinterStatus.UNKNOWN
            paper = self._query(device, STATUS_PAPER) or 0
            cause = self._query(device, STATUS_OFFLINE_CAUSE) or 0
        except PrinterError as err:
            self.detail = str(err)
            return err.status
        except OSError as err:
            self._drop()
            self.detail = f"lost the {self.connection.describe()}: {err}"
            return PrinterStatus.OFFLINE
        if paper & BITS_PAPER_OUT:
            return PrinterStatus.PAPER_OUT
        if cause & BIT_COVER_OPEN:
            return PrinterStatus.COVER_OPEN
        if printer & BIT_OFFLINE:
            return PrinterStatus.OFFLINE
        if paper & BITS_PAPER_LOW:
            return PrinterStatus.PAPER_LOW
        return PrinterStatus.READY

    def print_ticket(self, image: Image) -> PrinterStatus:
        """Print one ticket and cut; raise PrinterError when it cannot come out.

        Returns the status after printing (PAPER_LOW is a warning worth reporting).
        """
        before = self.status()
        if not before.can_print:
            raise PrinterError(before, self.detail or f"the {self.connection.describe()} is not ready: {before}")
        data = encode(image)
        try:
            self._open()._raw(data)  # type: ignore[attr-defined]
        except OSError as err:
            self._drop()
            raise PrinterError(PrinterStatus.OFFLINE, f"the {self.connection.describe()} stopped: {err}") from err
        return self.status()

    def close(self) -> None:
        """Close the connection."""
        self._drop()
        super().close()
