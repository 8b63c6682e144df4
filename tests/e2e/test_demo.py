"""`sunbeon demo` on a machine with no screen: every role runs and simulated visitors get tickets."""

import os
import subprocess
import sys
from pathlib import Path

from hub import config
from hub.demo import demo_config

ROOT = Path(__file__).resolve().parents[2]


def test_demo_config_is_valid_and_points_at_the_fakes():
    text = demo_config((ROOT / "examples" / "hall.toml").read_text(encoding="utf-8"), port=18830,
                       database="/tmp/x.db", printer_port=19100, web_port=18080, secret="/tmp/w.secret",
                       password_hash="scrypt$16384$8$1$c2FsdA$aGFzaA")
    hall = config.parse(text, "demo.toml")
    assert hall.mqtt.port == 18830 and hall.hub.database == "/tmp/x.db"
    assert hall.device("kiosk-1").printer.port == 19100 and hall.device("kiosk-1").printer.host == "127.0.0.1"
    assert all(s.hours.open.hour == 0 and len(s.hours.days) == 7 for s in hall.services)
    assert hall.web.port == 18080 and hall.web.secret_file == "/tmp/w.secret"
    assert {c.counter for c in hall.web.clerks} == {c.id for c in hall.counters}


def test_headless_demo_prints_tickets_and_calls_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run([sys.executable, "-m", "hub.cli", "demo", "--config", str(ROOT / "examples" / "hall.toml"),
                          "--minutes", "0.4", "--speed", "40", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "a role stopped" not in out.stderr
    tickets = sorted((tmp_path / "tickets").glob("ticket-*.png"))
    assert len(tickets) >= 3, out.stdout[-2000:]
    log = (tmp_path / "demo.log").read_text(encoding="utf-8")
    assert "announced (ko):" in log and "번 고객님" in log
    assert "Traceback" not in log, log[-3000:]
    assert "강서구청 종합민원실" in out.stdout
    assert "the hall on the web:  http://127.0.0.1:" in out.stdout
