"""Display benchmark: call button → counter monitor and hall board redrawn; each mode's memory.

Run: make bench   (or .venv/bin/python bench/display.py)
Budgets (DESIGN.md §7): call button → displays updated p99 ≤ 15 ms; display ≤ 120 MB.

A real Mosquitto and `sunbeon hub` process; the counter display (gpiozero mock pins) and the
hall board (with its announcer) each run in a process of their own. Times are taken from the
NEXT button's release (NEXT acts on release, since holding it pauses the counter) to the moment
each screen has drawn the new number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, bench_hall, hub_process, latency_rows, report, rss_mb

from tools.cli import SWITCH_INTERVAL

PRESSES = 300


def counter_child(config_path: str) -> None:
    """Press NEXT PRESSES times; print (number, release time, drawn time) per press and memory."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    sys.setswitchinterval(SWITCH_INTERVAL)  # as `sunbeon display` runs
    from contextlib import ExitStack

    from gpiozero.pins.mock import MockFactory

    from display.app import Display
    from display.main import wire_buttons
    from hardware.screen import Screen
    from wire import config
    from wire.client import HubClient

    hall = config.load(config_path)
    client = HubClient(hall.site.id, "counter-3", hall.mqtt, role="counter").start()
    client.wait_for(lambda c: c.online and c.snapshot is not None, 15)
    display = Display(hall, client, Screen((1280, 720), offscreen=True), mode="counter", counter="3")
    factory = MockFactory()
    rows = []
    with ExitStack() as stack:
        wire_buttons(display, config.ButtonPins(next=17, hold_seconds=1.5, debounce_ms=5), stack, pin_factory=factory)
        pin = factory.pin(17)
        time.sleep(2.0)  # the hall board subscribes
        changed = threading.Event()
        client.on_snapshot(lambda _: changed.set())
        for _ in range(PRESSES):
            before = display.serving
            pin.drive_low()
            time.sleep(0.01)
            changed.clear()
            released = time.time()
            pin.drive_high()
            while display.serving == before:
                changed.wait(1)
                changed.clear()
            display.draw()
            rows.append((client.snapshot.counter("3").serving.number, released, time.time()))
            time.sleep(0.03)
    print(json.dumps({"rows": rows, "rss": rss_mb()}))
    client.close()


def hall_child(config_path: str, seconds: float) -> None:
    """Draw the hall board on every snapshot; print (number at counter 3, drawn time) and memory."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    sys.setswitchinterval(SWITCH_INTERVAL)
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from display.announce import Announcer, SilentVoice
    from display.app import Display
    from hardware.audio import Speaker
    from hardware.screen import Screen
    from wire import config
    from wire.client import HubClient

    hall = config.load(config_path)
    work = Path(tempfile.mkdtemp())
    # Silent: espeak-ng synthesis (a subprocess, outside this RSS) for a call every 30 ms would
    # keep a core of this 2-core machine busy; in a hall the board is a Pi of its own.
    announcer = Announcer(SilentVoice(), Speaker(realtime=False), work=work)
    client = HubClient(hall.site.id, "hall-display", hall.mqtt, role="display").start()
    display = Display(hall, client, Screen((1920, 1080), offscreen=True), mode="hall", announcer=announcer)
    changed = threading.Event()
    client.on_snapshot(lambda _: changed.set())
    drawn: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not changed.wait(0.2):
            continue
        changed.clear()
        display.draw()
        view = client.snapshot.counter("3")
        if view and view.serving and view.serving.number not in drawn:
            drawn[view.serving.number] = time.time()
    print(json.dumps({"drawn": drawn, "rss": rss_mb()}))
    client.close()


def main() -> None:
    """Run the measure and print the table."""
    from tools.broker import Broker
    from wire import config
    from wire.client import HubClient

    with tempfile.TemporaryDirectory(prefix="sunbeon-bench-") as tmp, Broker() as broker:
        path = Path(tmp) / "hall.toml"
        path.write_text(bench_hall(broker.port, str(Path(tmp) / "hub.db"), site="dbench"), encoding="utf-8")
        hall = config.load(path)
        with hub_process(path):
            web = HubClient(hall.site.id, "web", hall.mqtt, role="web", calls=False).start()
            web.wait_for(lambda c: c.online, 15)
            for _ in range(PRESSES + 10):
                assert web.request("issue", service="cert", channel="web").status == "ok"
            web.close()
            me = [sys.executable, __file__]
            board = subprocess.Popen(
                [*me, "--hall", str(path), str(PRESSES * 0.06 + 12)], stdout=subprocess.PIPE, text=True, cwd=ROOT
            )
            time.sleep(1.0)
            counter = subprocess.run(
                [*me, "--counter", str(path)], capture_output=True, text=True, timeout=300, cwd=ROOT
            )
            if counter.returncode:
                raise SystemExit(counter.stderr[-3000:])
            board_out, _ = board.communicate(timeout=120)
    c = json.loads(counter.stdout.strip().splitlines()[-1])
    h = json.loads(board_out.strip().splitlines()[-1])
    monitor = [(drawn - released) * 1000 for _, released, drawn in c["rows"]]
    board_ms = [(h["drawn"][number] - released) * 1000 for number, released, _ in c["rows"] if number in h["drawn"]]
    assert len(board_ms) >= PRESSES * 0.95, f"the hall board saw {len(board_ms)} of {PRESSES} calls"
    report(
        "display",
        [
            *latency_rows("NEXT → counter monitor redrawn", monitor, "ms", 15),
            *latency_rows("NEXT → hall board redrawn", board_ms, "ms", 15),
            ("counter display resident memory", c["rss"], "MB", "≤ 120 MB", c["rss"] <= 120),
            ("hall display resident memory (with announcer)", h["rss"], "MB", "≤ 120 MB", h["rss"] <= 120),
        ],
    )


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--counter":
        counter_child(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "--hall":
        hall_child(sys.argv[2], float(sys.argv[3]))
    else:
        main()
