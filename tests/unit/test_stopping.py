"""Ctrl-C while the main thread holds the stop Event's own lock (inside `stop.wait()`): the demo once
froze there for good, its handler waiting for a lock its own thread held (wire/stopping.py)."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The signal arrives at the worst moment, made certain: the main thread holds the Event's lock (as
# Event.wait does between its checks) when Python runs the handler.
WORST_MOMENT = textwrap.dedent(
    """
    import os, signal, sys, threading
    from wire import stopping

    stop = threading.Event()
    restore = stopping.stop_on_signals(stop)
    with stop._cond:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # bytecodes to run the handler at, the lock still held
            pass
    ok = stop.wait(30)
    restore()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    sys.exit(0 if ok else 3)
    """
)


def test_ctrl_c_while_the_stop_lock_is_held_still_stops():
    done = subprocess.run([sys.executable, "-c", WORST_MOMENT], cwd=ROOT, timeout=60, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_old_handler_froze_at_that_moment():
    # The pattern this replaced, run the same way, never returns: why stop_on_signals exists.
    frozen = WORST_MOMENT.replace(
        "restore = stopping.stop_on_signals(stop)", "signal.signal(signal.SIGINT, lambda *_: stop.set())"
    ).replace("restore()\n", "")
    try:
        subprocess.run([sys.executable, "-c", frozen], cwd=ROOT, timeout=5, capture_output=True)
    except subprocess.TimeoutExpired:
        return
    raise AssertionError("stop.set() in a handler did not freeze: the premise of wire/stopping.py is wrong")
