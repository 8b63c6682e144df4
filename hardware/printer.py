"""The ticket printer: what a printer must do, one class per connection, one per printer model.

Like gpiozero's pin factories: `TicketPrinter` says what every printer does (print a ticket as one
raster image and cut it, report its status: ready, paper low/out, cover open, offline), and each
way of attaching one is a subclass (`NetworkPrinter`, `UsbPrinter`, `SerialPrinter`, `FilePrinter`;
the test double `hardware.fakes.FakePrinter`). What differs between printer *models* (paper width in
dots, the cutter) is a `PrinterProfile` subclass. Both register themselves by name when defined, so
a new model is one class (docs/hardware.md, "Adding a printer"), and `printer_for` builds whatever a
kiosk's `[devices.printer]` settings name, with no if-chain.

A ticket arrives as one raster image (Korean and every other language print on any printer, since
ESC/POS has no Korean code page). Status is read with DLE EOT where the connection can read back.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import warnings
from abc import ABC, abstractmethod
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from hardware import Device, HardwareError

if TYPE_CHECKING:
    from PIL.Image import Image

    from wire.config import PrinterSettings

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


class UnknownPrinter(HardwareError):
    """The settings name a connection or a printer model no class is registered for."""


# --- printer models -------------------------------------------------------------------------------


class PrinterProfile:
    """What one printer model can do. Subclass it to add a model: the class registers itself."""

    name: ClassVar[str]  # the `model = "…"` of a kiosk's printer settings
    dots: ClassVar[int]  # printable width of a line in dots (203 dpi: 80 mm paper 576, 58 mm paper 384)
    cut: ClassVar[str | None] = "FULL"  # python-escpos cut mode ("FULL", "PART"), None: tear-off bar only

    registry: ClassVar[dict[str, type[PrinterProfile]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            PrinterProfile.registry[cls.name] = cls


class Generic80(PrinterProfile):
    """Any ESC/POS printer on 80 mm paper (72 mm printable)."""

    name, dots = "generic-80mm", 576


class Generic58(PrinterProfile):
    """Any ESC/POS printer on 58 mm paper (48 mm printable)."""

    name, dots = "generic-58mm", 384


class EpsonTMT20III(PrinterProfile):
    """Epson TM-T20III with autocutter: 203 dpi, 72 mm printable on 80 mm paper = 576 dots; a partial
    cut (one point left) keeps the ticket hanging until the visitor takes it."""

    name, dots, cut = "epson-tm-t20iii", 576, "PART"


def profile_for(model: str | None, width: int | None = None) -> PrinterProfile:
    """The profile a printer's settings name; without a model, the generic one for the paper width."""
    if model is None:
        model = Generic58.name if width == Generic58.dots else Generic80.name
    cls = PrinterProfile.registry.get(model)
    if cls is None:
        known = ", ".join(sorted(PrinterProfile.registry))
        raise UnknownPrinter(f"no printer model {model!r} (known: {known}; docs/hardware.md adds one)")
    if width is not None and width != cls.dots:
        raise UnknownPrinter(f"printer model {model!r} prints {cls.dots} dots a line, not width = {width}")
    return cls()


def encode(image: Image, profile: PrinterProfile | None = None) -> bytes:
    """The ESC/POS bytes for one ticket: initialise, the raster image, feed and cut (as the model cuts)."""
    from escpos.printer import Dummy

    profile = profile or Generic80()
    dummy = Dummy()
    # The default profile has no paper width and python-escpos prints a notice about it on every
    # image; tell it the ticket's width (on a copy: profile data is shared between instances).
    data = dummy.profile.profile_data
    dummy.profile.profile_data = {**data, "media": {**data.get("media", {}), "width": {"pixels": image.width}}}
    dummy.hw("INIT")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dummy.image(image.convert("1"), impl="bitImageRaster")
    if profile.cut:
        dummy.cut(mode=profile.cut)
    else:
        dummy.ln(4)  # past the tear-off bar
    return dummy.output


# --- what every printer does ----------------------------------------------------------------------


class TicketPrinter(Device, ABC):
    """What a kiosk needs of a printer. Subclass per connection; `connection` registers the class."""

    connection: ClassVar[str]  # the `connection = "…"` of a kiosk's printer settings
    registry: ClassVar[dict[str, type[TicketPrinter]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "connection" in cls.__dict__:
            TicketPrinter.registry[cls.connection] = cls

    def __init__(self, profile: PrinterProfile | None = None) -> None:
        self.profile = profile or Generic80()
        self.detail = ""  # why the last status was not READY, for messages

    @classmethod
    @abstractmethod
    def from_settings(cls, settings: PrinterSettings, profile: PrinterProfile) -> TicketPrinter:
        """The printer a kiosk's settings describe (each connection reads the fields it uses)."""

    @property
    def width(self) -> int:
        """The ticket's width in dots, as the model prints it."""
        return self.profile.dots

    @abstractmethod
    def describe(self) -> str:
        """Where the printer is, for messages."""

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer how it is (OFFLINE when it cannot be reached); `detail` says why."""

    @abstractmethod
    def send(self, data: bytes) -> None:
        """Send bytes to the printer; PrinterError(OFFLINE) when the connection fails."""

    def print_raster(self, image: Image) -> None:
        """Print one raster image and cut after it (one job: a ticket is never left half-cut)."""
        self.send(encode(image, self.profile))

    def print_ticket(self, image: Image) -> PrinterStatus:
        """Print one ticket and cut; raise PrinterError when it cannot come out.

        Returns the status after printing (PAPER_LOW is a warning worth reporting).
        """
        before = self.status()
        if not before.can_print:
            raise PrinterError(before, self.detail or f"the {self.describe()} is not ready: {before}")
        self.print_raster(image)
        return self.status()


def printer_for(settings: PrinterSettings) -> TicketPrinter:
    """The printer a kiosk's printer settings describe: the class of its connection, with its model."""
    cls = TicketPrinter.registry.get(settings.connection)
    if cls is None:
        raise UnknownPrinter(f"no printer connection {settings.connection!r} (known: {sorted(TicketPrinter.registry)})")
    return cls.from_settings(settings, profile_for(settings.model, settings.width))


# --- ESC/POS through python-escpos, one class per connection --------------------------------------


class EscposPrinter(TicketPrinter):
    """An ESC/POS printer on one of python-escpos's connections; subclasses say how to open it."""

    def __init__(self, settings: PrinterSettings, profile: PrinterProfile | None = None) -> None:
        super().__init__(profile or profile_for(settings.model, settings.width))
        self.settings = settings
        self._escpos: Any = None

    @classmethod
    def from_settings(cls, settings: PrinterSettings, profile: PrinterProfile) -> TicketPrinter:
        return cls(settings, profile)

    @abstractmethod
    def _connect(self) -> Any:
        """A python-escpos printer object for this connection (not opened yet)."""

    def _opened(self, device: Any) -> None:
        """After open: anything the connection needs set."""

    def _open(self) -> Any:
        if self._escpos is not None:
            return self._escpos
        try:
            device = self._connect()
            device.open()
            self._opened(device)
        except Exception as err:  # python-escpos raises its own and OS errors alike
            raise PrinterError(PrinterStatus.OFFLINE, f"cannot reach the {self.describe()}: {err}") from err
        self._escpos = device
        return device

    def _drop(self) -> None:
        device, self._escpos = self._escpos, None
        if device is not None:
            # already broken; nothing more to release
            with contextlib.suppress(Exception):
                device.close()

    def _query(self, device: Any, n: int) -> int | None:
        device._raw(bytes([0x10, 0x04, n]))
        try:
            reply = device._read()
        except (OSError, TimeoutError, NotImplementedError, AttributeError):
            return None
        return reply[0] if reply else None

    def status(self) -> PrinterStatus:
        self.detail = ""
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
            self.detail = f"lost the {self.describe()}: {err}"
            return PrinterStatus.OFFLINE
        return status_of(printer, paper, cause)

    def send(self, data: bytes) -> None:
        try:
            self._open()._raw(data)
        except OSError as err:
            self._drop()
            raise PrinterError(PrinterStatus.OFFLINE, f"the {self.describe()} stopped: {err}") from err

    def close(self) -> None:
        """Close the connection."""
        self._drop()
        super().close()


def status_of(printer: int, paper: int, cause: int) -> PrinterStatus:
    """The status three DLE EOT replies (printer, paper, offline cause) add up to, worst first."""
    if paper & BITS_PAPER_OUT:
        return PrinterStatus.PAPER_OUT
    if cause & BIT_COVER_OPEN:
        return PrinterStatus.COVER_OPEN
    if printer & BIT_OFFLINE:
        return PrinterStatus.OFFLINE
    if paper & BITS_PAPER_LOW:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.READY


class NetworkPrinter(EscposPrinter):
    """A LAN printer on raw TCP (port 9100); also how tests reach hardware.fakes.FakeNetworkPrinter."""

    connection = "network"

    def describe(self) -> str:
        return f"network printer {self.settings.host}:{self.settings.port}"

    def _connect(self) -> Any:
        from escpos import printer as escpos

        return escpos.Network(self.settings.host, self.settings.port, timeout=self.settings.timeout)

    def _opened(self, device: Any) -> None:
        # Status queries are tiny request/replies; Nagle's algorithm would hold each one back.
        device.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class UsbPrinter(EscposPrinter):
    """A USB printer by vendor and product id (lsusb)."""

    connection = "usb"

    def describe(self) -> str:
        return f"USB printer {self.settings.vendor_id or 0:04x}:{self.settings.product_id or 0:04x}"

    def _connect(self) -> Any:
        from escpos import printer as escpos

        s = self.settings
        return escpos.Usb(s.vendor_id, s.product_id, timeout=int(s.timeout * 1000))


class SerialPrinter(EscposPrinter):
    """A printer on a serial port (RS-232 or a USB serial adapter)."""

    connection = "serial"

    def describe(self) -> str:
        return f"serial printer {self.settings.device}"

    def _connect(self) -> Any:
        from escpos import printer as escpos

        return escpos.Serial(self.settings.device, baudrate=self.settings.baudrate, timeout=self.settings.timeout)


class FilePrinter(EscposPrinter):
    """A printer behind a device file (/dev/usb/lp0): writes only, so its status is UNKNOWN."""

    connection = "file"

    def describe(self) -> str:
        return f"file printer {self.settings.device}"

    def _connect(self) -> Any:
        from escpos import printer as escpos

        return escpos.File(self.settings.device)

    def status(self) -> PrinterStatus:
        self.detail = ""
        return PrinterStatus.UNKNOWN
