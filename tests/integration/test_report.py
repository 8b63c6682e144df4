"""The day report against a small day worked out by hand."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub import report
from hub.service import HubService, Incoming
from hub.store import Store
from tests.halls import at
from wire import config

ROOT = Path(__file__).resolve().parents[2]
DAY = "2026-11-23"  # a Monday: the example hall is open


@pytest.fixture
def small_day(tmp_path):
    """10:00 1001 cert, 10:10 1002 cert, 10:20 2001 family, 11:05 1003 cert; counter 3 serves
    1001 10:30–10:40, calls 1002 at 10:40 (no-show at 10:44), serves 1003 11:20–11:26;
    counter 4 serves 2001 10:50–11:10."""
    hall = config.load(ROOT / "examples" / "hall.toml")
    now = {"t": 0.0}
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: now["t"])
    script = [
        ("10:00", "kiosk-1", "issue", {"service": "cert"}),
        ("10:10", "kiosk-1", "issue", {"service": "cert"}),
        ("10:20", "kiosk-1", "issue", {"service": "family"}),
        ("10:30", "counter-3", "call_next", {}),
        ("10:40", "counter-3", "call_next", {}),
        ("10:44", "counter-3", "no_show", {}),
        ("10:50", "counter-4", "call_next", {}),
        ("11:05", "kiosk-1", "issue", {"service": "cert"}),
        ("11:10", "counter-4", "finish", {}),
        ("11:20", "counter-3", "call_next", {}),
        ("11:26", "counter-3", "finish", {}),
    ]
    for i, (clock, device, op, fields) in enumerate(script):
        now["t"] = at(f"{DAY} {clock}")
        out = service.handle_batch([Incoming(device, json.dumps({"v": 1, "id": f"c{i}", "op": op, **fields}).encode())])
        assert b'"status":"ok"' in out.replies[0][1], out.replies[0][1]
    rows = store.tickets(DAY)
    store.close()
    return hall, rows, tmp_path


def test_figures_match_the_hand_worked_day(small_day):
    hall, rows, _ = small_day
    day = report.build(rows, DAY)
    assert day.tickets == 4 and day.states == {"done": 3, "no_show": 1}
    assert day.by_task_hour == {"cert": {10: 2, 11: 1}, "family": {10: 1}}
    assert day.waits["cert"] == {"n": 3, "mean": 25.0, "median": 30.0, "p90": 30.0}
    assert day.waits["family"] == {"n": 1, "mean": 30.0, "median": 30.0, "p90": 30.0}
    assert day.waits["all"]["mean"] == pytest.approx(26.25)
    assert day.service_times["cert"] == {"n": 2, "mean": 8.0, "median": 8.0, "p90": 10.0}
    assert day.service_times["all"] == {"n": 3, "mean": 12.0, "median": 10.0, "p90": 20.0}
    assert day.no_shows == {"cert": 1}
    assert day.per_counter == {"3": 2, "4": 1}
    assert day.wait_by_hour == {10: 30.0, 11: 15.0}
    held = [r for r in rows if r["estimate_low"] <= (r["called"] - r["issued"]) / 60 <= r["estimate_high"]]
    assert day.estimate_inside == len(held) / 4
    text = report.markdown(day, {s.id: s.name.ko for s in hall.services})
    assert "| 제증명 (cert) | 3 | 25.0 | 30.0 | 30.0 |" in text and "| 3 | 2 |" in text


def test_report_command_writes_tables_csv_and_charts(small_day):
    _hall, _rows, folder = small_day
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.cli",
            "report",
            "--config",
            str(ROOT / "examples" / "hall.toml"),
            "--database",
            str(folder / "hub.db"),
            "--date",
            DAY,
            "--out",
            str(folder / "reports"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    made = folder / "reports" / DAY
    assert {p.name for p in made.iterdir()} == {
        "report.md",
        "tickets.csv",
        "hourly.csv",
        f"day-{DAY}.png",
        f"day-{DAY}.svg",
        f"day-{DAY}.xlsx",
    }
    assert (made / "tickets.csv").read_text().count("\n") == 5 and "token_hash" not in (
        made / "tickets.csv"
    ).read_text()
    assert (made / f"day-{DAY}.png").stat().st_size > 10000
    nothing = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.cli",
            "report",
            "--config",
            str(ROOT / "examples" / "hall.toml"),
            "--database",
            str(folder / "hub.db"),
            "--date",
            "2026-11-24",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert nothing.returncode == 1 and "no tickets on 2026-11-24" in nothing.stderr


def test_the_web_has_the_same_report(small_day):
    from web.app import create_app
    from web.auth import Signer
    from web.relay import Relay

    hall, _rows, folder = small_day
    hall = config.HallConfig.model_validate(
        {**dict(hall), "web": hall.web.model_copy(update={"reports_database": str(folder / "hub.db")})}
    )
    signer = Signer(b"k" * 32)
    app = create_app(hall, Relay(hall), signer)
    from fastapi.testclient import TestClient

    # No relay start-up (no broker needed): the report reads the database, not the live state.
    with TestClient(app, base_url="http://relay") as http:
        assert http.get(f"/console/report?date={DAY}", follow_redirects=False).status_code == 303  # clerks only
        http.cookies.set("sunbeon_session", signer.session("3"))
        page = http.get(f"/console/report?date={DAY}")
        assert page.status_code == 200
        assert "<td>제증명</td><td>3</td><td>25.0</td><td>30.0</td><td>30.0</td>" in page.text
        assert http.get(f"/console/report/{DAY}.png").content[:4] == b"\x89PNG"
        csv_text = http.get(f"/console/report/{DAY}.csv").text
        assert csv_text.count("\n") == 5 and "token_hash" not in csv_text
        assert http.get("/console/report?date=yesterday").status_code == 400
