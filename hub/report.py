"""`sunbeon report --date D`: a business day from the hub's database, as tables, CSV and charts.

Tickets per task and hour, waits (issue → first call) and service times (call → finish) with
mean, median and 90th percentile, no-shows, each counter's throughput, and how often the wait
the kiosk printed held. The figures are plain functions of the day's ticket rows.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.figures import percentile


def read_day(database: str | Path, date: str) -> list[dict[str, Any]]:
    """A business day's ticket rows, read-only (the hub keeps writing while a report is read)."""
    path = Path(database)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM tickets WHERE business_date=? ORDER BY id", [date])]
    finally:
        conn.close()


class Unavailable(Exception):
    """The day cannot be read on this box: no hub database here, or it cannot be read."""


def day_rows(database: str | Path, date: str) -> list[dict[str, Any]]:
    """`read_day` for callers that must not know the storage (the web relay's report page):
    every way the database can fail to be read is one `Unavailable`."""
    try:
        return read_day(database, date)
    except (OSError, sqlite3.Error) as err:
        raise Unavailable(str(err)) from None


def latest_day(database: str | Path) -> str | None:
    """The most recent business day with tickets (the report's default before the hall's state arrives)."""
    path = Path(database)
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT max(business_date) FROM tickets").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row and row[0] else None


def spread(values: list[float]) -> dict[str, float | int]:
    """Count, mean, median and 90th percentile."""
    if not values:
        return {"n": 0, "mean": 0.0, "median": 0.0, "p90": 0.0}
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "p90": percentile(values, 90),
    }


@dataclass
class DayReport:
    """The day's figures."""

    date: str
    tickets: int = 0
    states: dict[str, int] = field(default_factory=dict)
    by_task_hour: dict[str, dict[int, int]] = field(default_factory=dict)
    waits: dict[str, dict[str, float | int]] = field(default_factory=dict)
    service_times: dict[str, dict[str, float | int]] = field(default_factory=dict)
    no_shows: dict[str, int] = field(default_factory=dict)
    per_counter: dict[str, int] = field(default_factory=dict)
    estimate_inside: float = 0.0
    estimate_mae: float = 0.0
    wait_by_hour: dict[int, float] = field(default_factory=dict)


def build(rows: list[dict[str, Any]], date: str, timezone: str = "Asia/Seoul") -> DayReport:
    """The report of one day's ticket rows (as `Store.tickets` returns them)."""
    tz = ZoneInfo(timezone)
    report = DayReport(date, tickets=len(rows), states=dict(Counter(r["state"] for r in rows)))
    waits: dict[str, list[float]] = defaultdict(list)
    services: dict[str, list[float]] = defaultdict(list)
    by_hour: dict[int, list[float]] = defaultdict(list)
    counts: dict[str, Counter] = defaultdict(Counter)
    inside = errors = judged = 0
    for r in rows:
        hour = datetime.fromtimestamp(r["issued"], tz).hour
        counts[r["service"]][hour] += 1
        if r["state"] == "no_show":
            report.no_shows[r["service"]] = report.no_shows.get(r["service"], 0) + 1
        if r["called"] is None:
            continue
        wait = (r["called"] - r["issued"]) / 60
        waits[r["service"]].append(wait)
        waits["all"].append(wait)
        by_hour[hour].append(wait)
        judged += 1
        inside += r["estimate_low"] <= wait <= r["estimate_high"]
        errors += abs(wait - (r["estimate_low"] + r["estimate_high"]) / 2)
        if r["state"] == "done" and r["finished"] is not None:
            minutes = (r["finished"] - r["called"]) / 60
            services[r["service"]].append(minutes)
            services["all"].append(minutes)
            report.per_counter[r["counter"]] = report.per_counter.get(r["counter"], 0) + 1
    report.by_task_hour = {s: dict(sorted(c.items())) for s, c in sorted(counts.items())}
    report.waits = {s: spread(v) for s, v in sorted(waits.items())}
    report.service_times = {s: spread(v) for s, v in sorted(services.items())}
    report.wait_by_hour = {h: statistics.fmean(v) for h, v in sorted(by_hour.items())}
    report.per_counter = dict(sorted(report.per_counter.items(), key=lambda kv: (len(kv[0]), kv[0])))
    if judged:
        report.estimate_inside, report.estimate_mae = inside / judged, errors / judged
    return report


def markdown(report: DayReport, names: dict[str, str]) -> str:
    """The report as markdown tables."""

    def name(s: str) -> str:
        return "전체 (all)" if s == "all" else f"{names.get(s, s)} ({s})"

    hours = sorted({h for c in report.by_task_hour.values() for h in c})
    lines = [
        f"# {report.date} 업무 보고 · Day report",
        "",
        f"번호표 {report.tickets}장 · {report.tickets} tickets: "
        + ", ".join(f"{STATES.get(k, k)} {v}" for k, v in sorted(report.states.items())),
        "",
        "## 업무별·시간대별 발권 · Tickets per task and hour",
        "",
        "| 업무 · task | " + " | ".join(f"{h}시" for h in hours) + " | 합계 · total |",
        "|---|" + "---|" * (len(hours) + 1),
    ]
    for s, counts in report.by_task_hour.items():
        lines.append(
            f"| {name(s)} | " + " | ".join(str(counts.get(h, 0)) for h in hours) + f" | {sum(counts.values())} |"
        )
    for title, table in (
        ("대기 시간(발권 → 호출), 분 · Waits (ticket → call), minutes", report.waits),
        ("처리 시간(호출 → 완료), 분 · Service times (call → finish), minutes", report.service_times),
    ):
        lines += [
            "",
            f"## {title}",
            "",
            "| 업무 · task | 건수 · n | 평균 · mean | 중앙값 · median | 90% · p90 |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {name(s)} | {v['n']} | {v['mean']:.1f} | {v['median']:.1f} | {v['p90']:.1f} |" for s, v in table.items()
        ]
    lines += ["", "## 부재 · No-shows", "", "| 업무 · task | 부재 · no-shows |", "|---|---|"]
    lines += [f"| {name(s)} | {n} |" for s, n in sorted(report.no_shows.items())] or ["| — | 0 |"]
    lines += [
        "",
        "## 창구별 처리 인원 · Visitors served per counter",
        "",
        "| 창구 · counter | 처리 · served |",
        "|---|---|",
    ]
    lines += [f"| {c} | {n} |" for c, n in report.per_counter.items()]
    lines += [
        "",
        "## 예상 대기 시간의 정확도 · Estimates",
        "",
        f"번호표에 안내한 예상 대기 시간이 실제 대기 시간과 맞은 비율: {report.estimate_inside:.1%} "
        f"(평균 오차 {report.estimate_mae:.1f}분). "
        f"The wait printed on the ticket held the actual wait for {report.estimate_inside:.1%} of called "
        f"tickets; mean absolute error against the middle of the printed range {report.estimate_mae:.1f} min.",
    ]
    return "\n".join(lines) + "\n"


# Column heads and values in Korean with the English beside them: the file goes to a Korean
# office (Excel) and to the vendor's engineers.
TICKET_COLUMNS = [
    "번호표 · number",
    "업무 · task",
    "우선 배려 · priority",
    "발권 경로 · channel",
    "언어 · language",
    "상태 · state",
    "발권 시각 · issued",
    "호출 시각 · called",
    "종료 시각 · finished",
    "창구 · counter",
    "대기(분) · wait (min)",
    "처리(분) · service (min)",
    "안내한 예상 대기(분) · printed estimate (min)",
    "재호출 · recalls",
    "업무일 · business day",
]
STATES = {
    "waiting": "대기 · waiting",
    "called": "호출 · called",
    "done": "완료 · done",
    "no_show": "부재 · absent",
    "cancelled": "취소 · cancelled",
    "transferred": "이관 · transferred",
}
# Keyed by optional columns: a row without a channel or language reads back as itself (None).
CHANNELS: dict[str | None, str] = {"kiosk": "키오스크 · kiosk", "web": "모바일 · mobile", "staff": "직원 · staff"}
LANGUAGE_NAMES: dict[str | None, str] = {
    "ko": "한국어 · Korean",
    "en": "영어 · English",
    "zh": "중국어 · Chinese",
    "vi": "베트남어 · Vietnamese",
    "ru": "러시아어 · Russian",
}
HOURLY_COLUMNS = ["업무 · task", "시 · hour", "발권 · tickets"]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def task_names(hall: Any) -> dict[str, str]:
    """Each service's name for the report: Korean with the English beside it, "제증명 (Certificates)"."""
    return {
        s.id: s.name.ko if s.name.get("en") == s.name.ko else f"{s.name.ko} ({s.name.get('en')})" for s in hall.services
    }


def _local(stamp: float | None, tz: ZoneInfo) -> datetime | None:
    # Naive local time: Excel has no time zones, and the office reads the hall's clock.
    return datetime.fromtimestamp(stamp, tz).replace(tzinfo=None) if stamp is not None else None


def _minutes(start: float | None, end: float | None) -> float | None:
    return round((end - start) / 60, 1) if start is not None and end is not None else None


def ticket_table(
    rows: list[dict[str, Any]], names: dict[str, str] | None = None, timezone: str = "Asia/Seoul"
) -> list[list[Any]]:
    """One row per ticket (no page-token hash), times as local datetimes, names rather than ids."""
    tz, names = ZoneInfo(timezone), names or {}
    table = []
    for r in rows:
        estimate = (
            f"{r['estimate_low']}~{r['estimate_high']}"
            if r.get("estimate_low") is not None and r.get("estimate_high") is not None
            else None
        )
        table.append(
            [
                r["label"],
                names.get(r["service"], r["service"]),
                "예 · yes" if r.get("priority") else "",
                CHANNELS.get(r.get("channel"), r.get("channel")),
                LANGUAGE_NAMES.get(r.get("language"), r.get("language")),
                STATES.get(r["state"], r["state"]),
                _local(r["issued"], tz),
                _local(r.get("called"), tz),
                _local(r.get("finished"), tz),
                r.get("counter"),
                _minutes(r["issued"], r.get("called")),
                _minutes(r.get("called"), r.get("finished")) if r["state"] == "done" else None,
                estimate,
                r.get("recalls") or 0,
                r["business_date"],
            ]
        )
    return table


def _csv_text(head: list[str], table: list[list[Any]]) -> str:
    handle = io.StringIO()
    writer = csv.writer(handle)
    writer.writerow(head)
    writer.writerows([c.strftime(TIME_FORMAT) if isinstance(c, datetime) else c for c in row] for row in table)
    return handle.getvalue()


def tickets_csv(rows: list[dict[str, Any]], names: dict[str, str] | None = None, timezone: str = "Asia/Seoul") -> str:
    """The tickets as CSV text, starting with a byte-order mark so that Excel reads it as UTF-8
    (without one, Korean Excel guesses CP949 and shows mojibake)."""
    return "\ufeff" + _csv_text(TICKET_COLUMNS, ticket_table(rows, names, timezone))


def hourly_table(report: DayReport, names: dict[str, str] | None = None) -> list[list[Any]]:
    """Tickets per task and hour of issue."""
    names = names or {}
    return [
        [names.get(service, service), hour, n]
        for service, counts in report.by_task_hour.items()
        for hour, n in counts.items()
    ]


def write_csv(
    rows: list[dict[str, Any]],
    report: DayReport,
    folder: Path,
    names: dict[str, str] | None = None,
    timezone: str = "Asia/Seoul",
) -> list[Path]:
    """tickets.csv (one row per ticket) and hourly.csv (tickets per task and hour), UTF-8 with a BOM."""
    folder.mkdir(parents=True, exist_ok=True)
    tickets = folder / "tickets.csv"
    tickets.write_text(_csv_text(TICKET_COLUMNS, ticket_table(rows, names, timezone)), encoding="utf-8-sig")
    hourly = folder / "hourly.csv"
    hourly.write_text(_csv_text(HOURLY_COLUMNS, hourly_table(report, names)), encoding="utf-8-sig")
    return [tickets, hourly]


def write_xlsx(
    rows: list[dict[str, Any]],
    report: DayReport,
    path: Path,
    names: dict[str, str] | None = None,
    timezone: str = "Asia/Seoul",
) -> Path:
    """The day as an Excel workbook: tickets (times as real date cells), tickets per hour, waits per task."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    names = names or {}
    book = Workbook()
    sheets = [
        ("번호표 tickets", TICKET_COLUMNS, ticket_table(rows, names, timezone)),
        ("시간대별 hourly", HOURLY_COLUMNS, hourly_table(report, names)),
        (
            "대기·처리 waits",
            [
                "업무 · task",
                "구분 · measure",
                "건수 · n",
                "평균(분) · mean (min)",
                "중앙값(분) · median (min)",
                "90% (분) · p90 (min)",
            ],
            _spread_table(report, names),
        ),
    ]
    for index, (title, head, table) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table:
            sheet.append(row)
        for column, name in zip(sheet.columns, head, strict=False):
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(40, max(10, width + 4, len(name)))
            for cell in column[1:]:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _spread_table(report: DayReport, names: dict[str, str]) -> list[list[Any]]:
    table = []
    for measure, figures in (("대기 · wait", report.waits), ("처리 · service", report.service_times)):
        for service, v in figures.items():
            name = "전체 · all" if service == "all" else names.get(service, service)
            table.append([name, measure, v["n"], round(v["mean"], 1), round(v["median"], 1), round(v["p90"], 1)])
    return table


def charts(report: DayReport, names: dict[str, str], folder: Path) -> list[Path]:
    """Tickets per hour by task (stacked bars) and the mean wait per hour, as PNG and SVG files."""
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    fig = _figure(report, names)
    made = []
    for suffix in ("png", "svg"):
        path = folder / f"day-{report.date}.{suffix}"
        fig.savefig(path, dpi=110)
        made.append(path)
    plt.close(fig)
    return made


def chart_png(report: DayReport, names: dict[str, str]) -> bytes:
    """The same chart as PNG bytes (for the web page)."""
    import matplotlib.pyplot as plt

    fig = _figure(report, names)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


# Debian fonts-noto-cjk, then fonts-nanum (the same order as hardware/fonts.py).
KOREAN_FAMILIES = ("Noto Sans CJK KR", "NanumGothic")


def _figure(report: DayReport, names: dict[str, str]) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Korean labels: matplotlib finds the system's fonts by family name itself (the Korean face of the
    # Noto CJK collection, else Nanum), so the hub needs nothing from hardware/ (docs/architecture.md).
    # A family it cannot find is skipped, and the charts still draw.
    plt.rcParams["font.family"] = [*KOREAN_FAMILIES, "DejaVu Sans"]
    hours = sorted({h for c in report.by_task_hour.values() for h in c})
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    base = [0] * len(hours)
    for service, counts in report.by_task_hour.items():
        values = [counts.get(h, 0) for h in hours]
        top.bar(hours, values, bottom=base, label=names.get(service, service))
        base = [a + b for a, b in zip(base, values, strict=True)]
    top.set_ylabel("발권 · tickets")
    top.legend(fontsize=8, ncol=3)
    top.set_title(f"{report.date}")
    bottom.plot(list(report.wait_by_hour), list(report.wait_by_hour.values()), marker="o")
    bottom.set_ylabel("평균 대기 · mean wait (min)")
    bottom.set_xlabel("시 · hour of issue")
    bottom.set_xticks(hours)
    fig.tight_layout()
    return fig
