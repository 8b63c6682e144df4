"""Ctrl-C in the terminal running `sunbeon demo --city` (SIGINT to its whole process group, as a
terminal sends it): the demo stops, the relay first, and says so. The brokers used to get the
SIGINT too and die under the relay, which ended the demo with "city relay lost the central broker"."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools.broker import free_port

ROOT = Path(__file__).resolve().parents[2]


def _halls(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/halls", timeout=5) as answer:
            return len(json.load(answer)["halls"])
    except OSError:
        return 0


def test_ctrl_c_stops_the_city_demo_relay_first():
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "demo", "--city", "--city-halls", "2", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group, as a terminal's foreground job: killpg reaches every process
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _halls(port) < 2:
            time.sleep(0.5)
        assert _halls(port) == 2
        os.killpg(demo.pid, signal.SIGINT)
        out, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    assert demo.returncode == 0, out[-2000:]
    assert "stopping (Ctrl-C)" in out and "lost the central broker" not in out and "Traceback" not in out, out
