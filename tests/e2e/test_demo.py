"""`sunbeon demo` on a machine with no screen: every role runs, simulated visitors get tickets
whose QR codes open the demo's own relay, and Ctrl-C stops it all within seconds with a summary."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import zxingcpp
from PIL import Image

from tools.demo import demo_config, fresh_folder
from wire import config

ROOT = Path(__file__).resolve().parents[2]


def test_demo_config_is_valid_and_points_at_the_fakes():
    text = demo_config(
        (ROOT / "examples" / "hall.toml").read_text(encoding="utf-8"),
        port=18830,
        database="/tmp/x.db",
        printer_port=19100,
        web_port=18080,
        secret="/tmp/w.secret",
        password_hash="scrypt$16384$8$1$c2FsdA$aGFzaA",
    )
    hall = config.parse(text, "demo.toml")
    assert hall.mqtt.port == 18830 and hall.hub.database == "/tmp/x.db"
    assert hall.device("kiosk-1").printer.port == 19100 and hall.device("kiosk-1").printer.host == "127.0.0.1"
    # The hall keeps its own hours: the demo's clock brings the day to them.
    assert all(s.hours.open.hour == 9 and s.hours.close.hour == 18 for s in hall.services)
    assert hall.web.port == 18080 and hall.web.secret_file == "/tmp/w.secret"
    assert hall.site.public_url == "http://127.0.0.1:18080"  # the tickets' QR codes open the demo's relay
    assert {c.counter for c in hall.web.clerks} == {c.id for c in hall.counters}


def test_each_run_gets_a_fresh_folder(tmp_path):
    runs = [fresh_folder(tmp_path) for _ in range(7)]
    assert len(set(runs)) == 7 and all(r.parent == tmp_path for r in runs)
    assert (tmp_path / "latest").resolve() == runs[-1]
    assert sorted(p.name for p in tmp_path.glob("run-*")) == sorted(r.name for r in runs[-5:])  # the last five kept


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_headless_demo_prints_tickets_calls_them_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out, err = open(tmp_path / "stdout", "w+"), open(tmp_path / "stderr", "w+")  # noqa: SIM115 - read back after the run
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.cli",
            "demo",
            "--config",
            str(ROOT / "examples" / "hall.toml"),
            "--speed",
            "120",
            "--start",
            "2026-11-23T09:20",
            "--duration",
            "0",
            "--out",
            str(tmp_path / "demo"),
        ],
        stdout=out,
        stderr=err,
        env=env,
        cwd=ROOT,
    )
    try:
        latest = tmp_path / "demo" / "latest"
        log = lambda: (latest / "demo.log").read_text(encoding="utf-8") if (latest / "demo.log").exists() else ""  # noqa: E731
        tickets = lambda: sorted((latest / "tickets").glob("ticket-*.png"))  # noqa: E731
        assert _wait(lambda: len(tickets()) >= 2 and "번 고객님" in log(), 150), log()[-3000:]
        sent = time.monotonic()
        demo.send_signal(signal.SIGINT)  # what Ctrl-C in a terminal sends
        code = demo.wait(30)
        took = time.monotonic() - sent
    finally:
        if demo.poll() is None:
            demo.kill()
    out.seek(0), err.seek(0)
    stdout, stderr = out.read(), err.read()
    print(f"\nCtrl-C to exit: {took:.1f} s")
    assert code == 0, stderr[-3000:]
    assert took < 8, f"Ctrl-C took {took:.1f} s (wanted ≤ 3 s; loose for a loaded machine)"
    assert "a role stopped" not in stderr and "was killed" not in stderr, stderr[-2000:]
    assert "Traceback" not in log() and "Traceback" not in stderr, (log() + stderr)[-4000:]
    # The plain summary: what was issued, printed and called, and where the report is.
    assert "stopped (Ctrl-C)" in stdout, stdout[-2000:]
    printed = int(re.search(r"printed (\d+)", stdout).group(1))
    assert printed == len(tickets()) >= 2
    assert re.search(r"tickets issued (\d+)", stdout) and re.search(r"called (\d+)", stdout)
    report = re.search(r"the day's report: (\S+)", stdout).group(1)
    assert Path(report).exists() and "2026-11-23" in report
    assert "강서구청 종합민원실" in stdout and "the hall on the web:  http://127.0.0.1:" in stdout
    # The ticket's QR code opens this run's relay, not hall.local.
    web = re.search(r"the hall on the web:  (http://127\.0\.0\.1:\d+)/", stdout).group(1)
    code_text = zxingcpp.read_barcodes(Image.open(tickets()[0]).convert("L"))[0].text
    assert code_text.startswith(f"{web}/t/"), code_text
