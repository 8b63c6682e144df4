"""A business day's report for clerks and managers: page, CSV and chart.

The figures and the reading of the database are hub/report.py's (the one module that knows the
schema); it is imported only here and only when a report is asked for, because the report role
runs where the hub's database is and a plain relay never needs it.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from web.deps import Hall, SignedIn, clean

router = APIRouter()
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _database(hall: Hall) -> str:
    return str(hall.hall.web.reports_database or hall.hall.hub.database)


def day_rows(hall: Hall, date: str) -> tuple[list[dict[str, Any]], Any]:
    from hub import report

    if clean(date, 10) is None or not DATE.match(date):
        raise HTTPException(400, "the date is YYYY-MM-DD")
    try:
        datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        raise HTTPException(400, "no such date") from None
    try:
        rows = report.day_rows(_database(hall), date)
    except report.Unavailable as err:
        raise HTTPException(503, f"reports need the hub's database on this box: {err}") from None
    return rows, report.build(rows, date, hall.hall.site.timezone)


def default_day(hall: Hall) -> str:
    """The hall's business day as the hub published it (the demo's virtual day, or today); before the
    first snapshot arrives, the latest day in the database."""
    snapshot = hall.relay.client.snapshot
    if snapshot is not None:
        return snapshot.business_date
    from hub import report

    latest = report.latest_day(_database(hall))
    if latest is None:
        raise HTTPException(503, "no state from the hall yet and no day in the database", headers={"Retry-After": "2"})
    return latest


def names(hall: Hall) -> dict[str, str]:
    return {s.id: s.name.ko for s in hall.hall.services}


@router.get("/console/report", response_class=HTMLResponse, summary="A business day's report (clerks and managers)")
async def day_report(request: Request, hall: Hall, _: SignedIn, date: str | None = None) -> HTMLResponse:
    date = date or default_day(hall)
    rows, day = await asyncio.to_thread(day_rows, hall, date)
    return hall.render(
        "report.html",
        request,
        "ko",
        title=f"{date} 업무 보고",
        day=day,
        date=date,
        names=names(hall),
        empty=not rows,
    )


@router.get("/console/report/{date}.csv", summary="A business day's tickets as CSV")
async def day_csv(hall: Hall, _: SignedIn, date: str) -> Response:
    from hub import report

    rows, _day = await asyncio.to_thread(day_rows, hall, date)
    return Response(
        report.tickets_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sunbeon-{date}.csv"'},
    )


@router.get("/console/report/{date}.png", summary="A business day's chart")
async def day_chart(hall: Hall, _: SignedIn, date: str) -> Response:
    from hub import report

    _rows, day = await asyncio.to_thread(day_rows, hall, date)
    png = await asyncio.to_thread(report.chart_png, day, names(hall))
    return Response(png, media_type="image/png")
