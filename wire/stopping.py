"""Ctrl-C and SIGTERM turned into a `threading.Event`, without a lock in the signal handler.

Python runs a signal handler in the main thread between any two bytecodes, also while that thread
holds the Event's own lock inside `stop.wait()`; a handler that calls `stop.set()` then waits for
that lock forever. That froze `make demo` on a Ctrl-C (seen in a run: the main thread stuck in
Event.set inside the handler, inside Event.wait). So the handler only writes a byte to a pipe (no
lock), and a small thread turns the byte into `stop.set()`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable


def stop_on_signals(
    stop: threading.Event, signals: Iterable[signal.Signals] = (signal.SIGINT, signal.SIGTERM)
) -> Callable[[], None]:
    """Set `stop` when one of `signals` arrives; call the returned function to put the old handlers back.

    Call from the main thread (Python's rule for signal.signal)."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)

    def relay() -> None:
        try:
            os.read(read_fd, 1)  # a signal's byte, or end of file once restore() closed the write end
        finally:
            os.close(read_fd)
        stop.set()

    def handler(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):  # pipe full or already closed: a stop is already on its way
            os.write(write_fd, b"!")

    threading.Thread(target=relay, name="stop-on-signal", daemon=True).start()
    previous = {sig: signal.signal(sig, handler) for sig in signals}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)
        os.close(write_fd)

    return restore
