"""Kiosk benchmark: tap → ticket bytes ready for the printer (Korean raster + QR), and kiosk memory.

Run: make bench   (or .venv/bin/python bench/kiosk.py)
Budgets (DESIGN.md §7): tap → bytes p99 ≤ 100 ms; kiosk resident memory ≤ 120 MB.

The kiosk runs in a child process of its own (so its memory is its own), against a real
`sunbeon hub` process, Mosquitto and the fake network printer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_hall, hub_process, latency_rows, report, rss_mb

TAPS = 200


def render_and_encode() -> list[float]:
    """Milliseconds to lay out a Korean ticket with its QR code and encode it as ESC/POS."""
    from hardware.printer import encode
    from kiosk.ticket import TicketContent, render

    times = []
    for n in range(TAPS):
        content = TicketContent(
            number=f"{3001 + n}",
            service_names={"ko": "여권 접수", "en": "Passport Application"},
            site_names={"ko": "강서구청 종합민원실"},
            ahead=n % 40,
            estimate=(10, 25),
            issued=time.time(),
            url=f"http://hall.local:8080/t/token{n:012d}",
            language="en",
        )
        start = time.perf_counter()
        data = encode(render(content, 576))
        times.append((time.perf_counter() - start) * 1000)
        assert len(data) > 10000
    return times


def child(config_path: str, printer_port: int) -> None:
    """Run a kiosk in this process and tap it TAPS times; print latencies and memory as JSON."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    from tools.cli import SWITCH_INTERVAL

    sys.setswitchinterval(SWITCH_INTERVAL)  # as `sunbeon kiosk` runs
    from hardware.printer import NetworkPrinter
    from hardware.screen import Screen
    from kiosk import app
    from wire import config
    from wire.client import HubClient
    from wire.config import PrinterSettings

    app.TAP_GAP = 0.0  # the benchmark taps faster than a person may
    hall = config.load(config_path)
    screen = Screen((1080, 1920), fullscreen=False)
    client = HubClient(hall.site.id, "staff", hall.mqtt).start()
    client.wait_for(lambda c: c.online and c.snapshot is not None, 15)
    kiosk = app.Kiosk(hall, "staff", client, NetworkPrinter(PrinterSettings(port=printer_port)), screen)
    kiosk.step()
    times = []
    for _ in range(TAPS):
        rect = next(r for r, a in kiosk.targets if a == ("service", "cert"))
        start = time.perf_counter()
        kiosk.tap(rect[0] + 5, rect[1] + 5)
        while kiosk.results.empty():
            time.sleep(0.0005)
        times.append((time.perf_counter() - start) * 1000)
        kiosk.step()
        assert kiosk.mode == "done" and kiosk.printed, kiosk.mode
        kiosk.tap(5, 5)
        kiosk.step()
    print(json.dumps({"times": times, "rss": rss_mb()}))
    client.close()


def main() -> None:
    """Run both measures and print the table."""
    from hardware.fakes import FakeNetworkPrinter
    from tools.broker import Broker

    local = render_and_encode()
    with (
        tempfile.TemporaryDirectory(prefix="sunbeon-bench-") as tmp,
        Broker() as broker,
        FakeNetworkPrinter() as printer,
    ):
        path = Path(tmp) / "hall.toml"
        path.write_text(bench_hall(broker.port, str(Path(tmp) / "hub.db"), site="kbench"), encoding="utf-8")
        with hub_process(path):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(printer.port)],
                capture_output=True,
                text=True,
                timeout=300,
                cwd=ROOT,
            )
            if out.returncode:
                raise SystemExit(out.stderr[-3000:])
            result = json.loads(out.stdout.strip().splitlines()[-1])
            assert printer.wait_for_tickets(TAPS, 10)
    taps = result["times"]
    report(
        "kiosk",
        [
            *latency_rows("render + encode a Korean ticket with QR", local, "ms", 100),
            *latency_rows("tap → issued by the hub, rendered, sent to the printer", taps, "ms", 100),
            (f"kiosk resident memory after {TAPS} tickets", result["rss"], "MB", "≤ 120 MB", result["rss"] <= 120),
        ],
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
