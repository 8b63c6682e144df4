"""What the demo says when it stops: tickets issued, printed and called, and where the day's
report is (written from the hub's database, as `sunbeon report` would)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from hub import report
from hub.domain.calendar import business_date
from tools.demo_board import hall_time
from wire import config as cfg

log = logging.getLogger("sunbeon.demo")
REASONS = {
    "Ctrl-C": "stopped (Ctrl-C)",
    "closed": "the hall closed",
    "duration": "the time asked for is over",
    "time": "the real minutes asked for are over",
    "role stopped": "a role stopped",
}


def _rows(hall: cfg.HallConfig, folder: Path, now: float) -> tuple[str, list[dict[str, Any]]]:
    day = business_date(now, hall.site)
    try:
        return day, report.read_day(folder / "hub.db", day)
    except (FileNotFoundError, sqlite3.Error):  # the hub has not made it yet, or is writing
        return day, []


def counts(hall: cfg.HallConfig, folder: Path, now: float, rows: list[dict[str, Any]] | None = None) -> dict[str, int]:
    """The day so far: tickets issued, printed (PNGs from the fake printer), called, done, no-shows."""
    if rows is None:
        _, rows = _rows(hall, folder, now)
    return {
        "issued": len(rows),
        "printed": sum(1 for _ in (folder / "tickets").glob("*.png")),
        "called": sum(1 for r in rows if r["called"] is not None),
        "done": sum(1 for r in rows if r["state"] == "done"),
        "no_show": sum(1 for r in rows if r["state"] == "no_show"),
    }


def write_report(hall: cfg.HallConfig, folder: Path, day: str, rows: list[dict[str, Any]], *, charts: bool) -> Path:
    """report.md, CSV and the Excel workbook (and charts, which take a few seconds, when asked) of
    the demo's day, with the same task names and local times as `sunbeon report` (the demo's CSV
    once said "cert" where the workbook said "제증명 (Certificates)", and had no workbook)."""
    built = report.build(rows, day, hall.site.timezone)
    names = {s.id: s.name.ko for s in hall.services}
    full = report.task_names(hall)
    out = folder / "report" / day
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report.markdown(built, names), encoding="utf-8")
    report.write_csv(rows, built, out, full, hall.site.timezone)
    report.write_xlsx(rows, built, out / f"day-{day}.xlsx", full, hall.site.timezone)
    if charts:
        try:
            report.charts(built, names, out)
        except Exception as err:  # noqa: BLE001 - a chart is a nicety; the tables are the report
            log.warning("charts not drawn: %s", err)
    return out / "report.md"


def summary(hall: cfg.HallConfig, folder: Path, now: float, reason: str, *, charts: bool = False) -> str:
    """The lines printed when the demo ends."""
    day, rows = _rows(hall, folder, now)
    c = counts(hall, folder, now, rows)
    lines = [
        f"Sunbeon demo ended at {hall_time(now, hall.site.timezone)} hall time: {REASONS.get(reason, reason)}.",
        f"  tickets issued {c['issued']}, printed {c['printed']} (kiosk-1), called {c['called']}, "
        f"served {c['done']}, no-shows {c['no_show']}",
    ]
    if rows:
        built = report.build(rows, day, hall.site.timezone)
        waits, services = built.waits.get("all", {}), built.service_times.get("all", {})
        if c["called"]:
            lines.append(
                f"  wait mean {waits.get('mean', 0):.1f} min (p90 {waits.get('p90', 0):.1f}), service mean "
                f"{services.get('mean', 0):.1f} min; the printed estimate held for {built.estimate_inside:.0%}"
            )
        else:  # "wait mean 0.0 min … held for 0%" said the opposite of what happened
            lines.append("  nobody was called yet: no waits or service times to report")
        if waiting := sum(1 for r in rows if r["state"] == "waiting"):
            lines.append(f"  still waiting when it stopped: {waiting}")
        lines.append(f"  the day's report: {write_report(hall, folder, day, rows, charts=charts)}")
    else:
        lines.append(
            f"  no tickets yet, so no report (the hall opens at {min(s.hours.open for s in hall.services):%H:%M})"
        )
    lines.append(f"  tickets as PNGs: {folder / 'tickets'}   logs: {folder / 'demo.log'}")
    return "\n".join(lines)
