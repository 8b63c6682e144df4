"""Call buttons and the call LED at a counter, on gpiozero.

Debouncing is ours: gpiozero's bounce_time does nothing on mock pins and little on some real
ones. The first edge acts at once (no added latency); edges in the next `debounce` seconds are
contact bounce and ignored; then the pin is read again to settle on its real state.
A button with a `hold_time` tells a short press (on release) from a hold (after hold_time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hardware import Device, HardwareError

Callback = Callable[[], None] | None


def _gpiozero(kind: str, pin: int | str, factory: Any, **kwargs: Any) -> Any:
    import gpiozero

    try:
        return getattr(gpiozero, kind)(pin, pin_factory=factory, **kwargs)
    except gpiozero.GPIOZeroError as err:
        raise HardwareError(f"GPIO pin {pin}: {err}") from err


class CallButton(Device):
    """One push button: NEXT, RECALL or NO-SHOW."""

    def __init__(
        self,
        pin: int | str,
        *,
        pin_factory: Any = None,
        debounce: float = 0.05,
        hold_time: float | None = None,
        pull_up: bool = True,
    ) -> None:
        self.debounce, self.hold_time = debounce, hold_time
        self.when_pressed: Callback = None
        self.when_held: Callback = None
        self._button = _gpiozero("Button", pin, pin_factory, pull_up=pull_up, bounce_time=None)
        self._button.when_pressed = self._edge
        self._button.when_released = self._edge
        self._lock = threading.Lock()
        self._settling = False
        self._down = False
        self._held = False
        self._hold_timer: threading.Timer | None = None
        self._settle_timer: threading.Timer | None = None

    def _edge(self) -> None:
        with self._lock:
            if self._settling:
                return
            self._settling = True
        self._apply(self._button.is_pressed)
        self._settle_timer = threading.Timer(self.debounce, self._settle)
        self._settle_timer.daemon = True
        self._settle_timer.start()

    def _settle(self) -> None:
        with self._lock:
            self._settling = False
            if self.closed:
                return
        self._apply(self._button.is_pressed)

    def _apply(self, pressed: bool) -> None:
        with self._lock:
            if pressed == self._down:
                return
            self._down = pressed
            fire: Callback = None
            if pressed:
                self._held = False
                if self.hold_time is None:
                    fire = self._press
                else:
                    self._hold_timer = threading.Timer(self.hold_time, self._hold)
                    self._hold_timer.daemon = True
                    self._hold_timer.start()
            else:
                if self._hold_timer is not None:
                    self._hold_timer.cancel()
                    self._hold_timer = None
                if self.hold_time is not None and not self._held:
                    fire = self._press
        if fire:
            fire()

    def _press(self) -> None:
        if self.when_pressed:
            self.when_pressed()

    def _hold(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._held = True
        if self.when_held:
            self.when_held()

    @property
    def is_pressed(self) -> bool:
        """Whether the button is down now (debounced)."""
        return self._down

    def close(self) -> None:
        """Release the pin."""
        with self._lock:
            self.closed = True
        for timer in (self._hold_timer, self._settle_timer):
            if timer:
                timer.cancel()
        self._button.close()
        super().close()


class CallLed(Device):
    """The LED beside the buttons: lit while a call is fresh."""

    def __init__(self, pin: int | str, *, pin_factory: Any = None) -> None:
        self._led = _gpiozero("LED", pin, pin_factory)
        self._timer: threading.Timer | None = None

    def flash_for(self, seconds: float) -> None:
        """Light for `seconds` (a new call restarts the time)."""
        if self._timer:
            self._timer.cancel()
        self._led.on()
        self._timer = threading.Timer(seconds, self._led.off)
        self._timer.daemon = True
        self._timer.start()

    @property
    def is_lit(self) -> bool:
        """Whether the LED is on."""
        return bool(self._led.is_lit)

    def close(self) -> None:
        """Turn off and release the pin."""
        if self._timer:
            self._timer.cancel()
        self._led.close()
        super().close()
