"""Devices the kiosk and displays drive: printers, buttons, LEDs, audio, fonts.

Each device is a small class with the same life cycle (`close()`, usable as a context manager),
every failure is a `HardwareError`, and the test doubles ship in `hardware.fakes`.
This package imports nothing from the rest of Sunbeon at run time; the printer names the type of its
settings (wire/config.py) for type checking only (docs/architecture.md).
"""

from __future__ import annotations

from typing import Self


class HardwareError(Exception):
    """The root of every hardware failure."""


class Device:
    """The shared life cycle: close() releases the device; `with` closes it too."""

    closed = False

    def close(self) -> None:
        """Release the device. Closing twice is harmless."""
        self.closed = True

    def __enter__(self) -> Self:  # the subclass, so `with Screen(...) as s` knows s is a Screen
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
