"""The day report as a Korean office opens it: CSV with a BOM, local times, names not ids, and .xlsx."""

import csv
import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from hub import report
from tests.integration.test_report import DAY, ROOT, small_day  # noqa: F401  (the hand-worked day)
from wire import config

EXAMPLE = ROOT / "examples" / "hall.toml"


def _run_report(folder: Path) -> Path:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.cli",
            "report",
            "--config",
            str(EXAMPLE),
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
    assert f"day-{DAY}.xlsx" in out.stdout
    return folder / "reports" / DAY


def test_csv_opens_in_excel_as_utf8_with_local_times_and_names(small_day):  # noqa: F811
    _, _, folder = small_day
    made = _run_report(folder)
    raw = (made / "tickets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert head == report.TICKET_COLUMNS and len(rows) == 5
    assert first["번호표 · number"] == "1001"
    assert first["업무 · task"] == "제증명 (Certificates)"
    assert first["발권 시각 · issued"] == f"{DAY} 10:00:00"  # Seoul wall clock, not an epoch float
    assert first["호출 시각 · called"] == f"{DAY} 10:30:00"
    assert first["종료 시각 · finished"] == f"{DAY} 10:40:00"
    assert first["대기(분) · wait (min)"] == "30.0" and first["처리(분) · service (min)"] == "10.0"
    assert first["상태 · state"] == "완료 · done" and first["창구 · counter"] == "3"
    absent = dict(zip(head, rows[2], strict=True))
    assert absent["상태 · state"] == "부재 · absent" and absent["처리(분) · service (min)"] == ""
    assert "token" not in raw.decode("utf-8-sig")
    hourly = list(csv.reader(io.StringIO((made / "hourly.csv").read_bytes().decode("utf-8-sig"))))
    assert (made / "hourly.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert hourly[0] == report.HOURLY_COLUMNS
    assert ["가족관계등록 (Family Registry)", "10", "1"] in hourly


def test_xlsx_has_real_date_cells_and_the_same_figures(small_day):  # noqa: F811
    _, _, folder = small_day
    book = load_workbook(_run_report(folder) / f"day-{DAY}.xlsx")
    assert book.sheetnames == ["번호표 tickets", "시간대별 hourly", "대기·처리 waits"]
    tickets = book["번호표 tickets"]
    assert [c.value for c in tickets[1]] == report.TICKET_COLUMNS
    assert tickets.max_row == 5
    assert tickets["A2"].value == "1001" and tickets["B2"].value == "제증명 (Certificates)"
    assert tickets["G2"].value == datetime(2026, 11, 23, 10, 0, 0)  # a date cell Excel can sort and subtract
    assert tickets["G2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert tickets["K2"].value == 30.0
    waits = {(r[0], r[1]): r[2:] for r in book["대기·처리 waits"].iter_rows(min_row=2, values_only=True)}
    assert waits[("제증명 (Certificates)", "대기 · wait")] == (3, 25.0, 30.0, 30.0)
    assert waits[("전체 · all", "처리 · service")] == (3, 12.0, 10.0, 20.0)
    hourly = list(book["시간대별 hourly"].iter_rows(min_row=2, values_only=True))
    assert ("제증명 (Certificates)", 10, 2) in hourly and ("제증명 (Certificates)", 11, 1) in hourly


def test_task_names_keep_korean_first():
    hall = config.load(EXAMPLE)
    names = report.task_names(hall)
    assert names["passport_pickup"] == "여권 교부 (Passport Pickup)"


def test_the_demos_report_names_tasks_like_sunbeon_report(small_day):  # noqa: F811
    """The demo's tickets.csv said "cert" (sunbeon report: "제증명 (Certificates)") and it wrote no .xlsx."""
    from tools import demo_summary

    hall, rows, folder = small_day
    made = demo_summary.write_report(hall, folder, DAY, rows, charts=False).parent
    tickets = list(csv.reader(io.StringIO((made / "tickets.csv").read_bytes().decode("utf-8-sig"))))
    assert dict(zip(tickets[0], tickets[1], strict=True))["업무 · task"] == "제증명 (Certificates)"
    assert ["가족관계등록 (Family Registry)", "10", "1"] in list(
        csv.reader(io.StringIO((made / "hourly.csv").read_bytes().decode("utf-8-sig")))
    )
    assert load_workbook(made / f"day-{DAY}.xlsx")["번호표 tickets"]["B2"].value == "제증명 (Certificates)"


def test_the_demo_summary_when_nobody_was_called_yet(tmp_path):
    """A demo stopped before any call said "wait mean 0.0 min (p90 0.0) … the printed estimate
    held for 0%"; it says nobody was called, and how many still wait."""
    import json

    from hub.service import HubService, Incoming
    from hub.store import Store
    from tests.halls import at
    from tools import demo_summary

    hall = config.load(EXAMPLE)
    now = {"t": at(f"{DAY} 14:00")}
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: now["t"])
    for i in range(3):
        service.handle_batch(
            [Incoming("kiosk-1", json.dumps({"v": 1, "id": f"i{i}", "op": "issue", "service": "cert"}).encode())]
        )
    store.close()
    text = demo_summary.summary(hall, tmp_path, at(f"{DAY} 14:30"), "Ctrl-C")
    assert "nobody was called yet" in text and "still waiting when it stopped: 3" in text, text
    assert "held for 0%" not in text
