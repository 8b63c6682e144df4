"""The city report: halls compared by day or by month, as a table, CSV, xlsx and a chart.

`sunbeon report --city --day 2026-11-23` (or `--month 2026-11`) and the console page /report use it.
A month adds up counts and weighs each day's waits by its called tickets.
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = [
    "기관 · hall",
    "업무 · task",
    "발권 · tickets",
    "처리 · served",
    "부재 · no-shows",
    "취소 · cancelled",
    "대기 중앙값(분) · wait p50 (min)",
    "대기 90%(분) · wait p90 (min)",
    "예상 적중률 · estimate held",
    "일수 · days",
]


def compare(rows: list[dict[str, Any]], task: str = "all") -> list[list[Any]]:
    """One line per hall: the period's figures for `task` ("all" = every task), busiest first."""
    halls: dict[str, dict[str, float]] = {}
    for row in rows:
        t = row.get("tasks", {}).get(task)
        if not t:
            continue
        acc = halls.setdefault(row["site"], dict.fromkeys(("tickets", "served", "no_shows", "cancelled", "called",
                                                            "p50", "p90", "inside", "days"), 0.0))  # fmt: skip
        for key in ("tickets", "served", "no_shows", "cancelled", "called"):
            acc[key] += t[key]
        acc["p50"] += t["wait_p50"] * t["called"]
        acc["p90"] += t["wait_p90"] * t["called"]
        acc["inside"] += t["estimate_inside"] * t["called"]
        acc["days"] += 1
    table = []
    for site, a in sorted(halls.items(), key=lambda kv: (-kv[1]["tickets"], kv[0])):
        called = a["called"] or 1
        table.append(
            [site, task, int(a["tickets"]), int(a["served"]), int(a["no_shows"]), int(a["cancelled"]),
             round(a["p50"] / called, 1), round(a["p90"] / called, 1), round(a["inside"] / called, 3), int(a["days"])]
        )  # fmt: skip
    return table


def tasks(rows: list[dict[str, Any]]) -> list[str]:
    """Every task named in the rows, "all" first."""
    return ["all", *sorted({t for r in rows for t in r.get("tasks", {}) if t != "all"})]


def csv_text(table: list[list[Any]]) -> str:
    """The table as CSV with a BOM (Excel opens Korean UTF-8 right only with one)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(table)
    return out.getvalue()


def xlsx_bytes(tables: dict[str, list[list[Any]]]) -> bytes:
    """One sheet per task."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(COLUMNS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in table:
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_png(table: list[list[Any]], title: str) -> bytes:
    """Tickets and p90 wait per hall, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from hardware.fonts import font_for

    try:
        face = font_for("ko", bold=False)
        font_manager.fontManager.addfont(face.path)
        plt.rcParams["font.family"] = font_manager.FontProperties(fname=face.path).get_name()
    except Exception:  # noqa: BLE001 - a chart without Korean glyphs is still a chart
        pass
    halls = [r[0] for r in table][:40]
    fig, ax = plt.subplots(figsize=(max(6, len(halls) * 0.5), 4), dpi=100)
    ax.bar(halls, [r[2] for r in table][:40], color="#3b6ea5", label="발권 · tickets")
    ax2 = ax.twinx()
    ax2.plot(halls, [r[7] for r in table][:40], "o-", color="#c0392b", label="대기 90% (분) · p90 wait")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    fig.legend(loc="upper right")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def markdown(table: list[list[Any]], title: str) -> str:
    """The table as markdown."""
    lines = [f"# {title}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in table]
    return "\n".join(lines) + "\n"
