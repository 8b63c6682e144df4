"""The hall's daily summary for the city (`summary/{date}`, retained): hourly and when the hall closes.

The figures are hub/report.py's (one definition of a wait, a no-show, an estimate that held);
`summarize` is a pure function of the day's ticket rows, `SummaryClock` decides when one is due.
"""

from __future__ import annotations

import logging
import time
from datetime import date as Date
from datetime import timedelta
from typing import Any

from hub import report
from wire import protocol as p

log = logging.getLogger("sunbeon.hub.summary")
EVERY = 3600.0  # seconds between summaries while the hall is open
FIRST_AFTER = 10.0  # seconds after start: the city sees today's figures soon after a hub restart
KEEP_DAYS = 40  # retained summaries older than this are cleared from the broker (the city keeps its own)


def _task(rep: report.DayReport, rows: list[dict[str, Any]], task: str) -> p.TaskSummary:
    mine = rows if task == "all" else [r for r in rows if r["service"] == task]
    waits = [(r["called"] - r["issued"]) / 60 for r in mine if r["called"] is not None]
    judged = [
        (r["estimate_low"] <= w <= r["estimate_high"], abs(w - (r["estimate_low"] + r["estimate_high"]) / 2))
        for r, w in zip((r for r in mine if r["called"] is not None), waits, strict=True)
    ]
    served = rep.service_times.get(task, {})
    return p.TaskSummary(
        tickets=len(mine),
        served=int(served.get("n", 0)),
        no_shows=sum(1 for r in mine if r["state"] == "no_show"),
        cancelled=sum(1 for r in mine if r["state"] == "cancelled"),
        called=len(waits),
        wait_p50=max(0.0, float(rep.waits.get(task, {}).get("median", 0.0))),
        wait_p90=max(0.0, float(rep.waits.get(task, {}).get("p90", 0.0))),
        wait_mean=max(0.0, float(rep.waits.get(task, {}).get("mean", 0.0))),
        service_mean=max(0.0, float(served.get("mean", 0.0))),
        estimate_inside=sum(j[0] for j in judged) / len(judged) if judged else 0.0,
        estimate_mae=sum(j[1] for j in judged) / len(judged) if judged else 0.0,
    )


def summarize(
    rows: list[dict[str, Any]],
    site: str,
    business_date: str,
    names: dict[str, str],
    *,
    at: float,
    final: bool,
    timezone: str = "Asia/Seoul",
) -> p.DailySummary:
    """A day's summary from its ticket rows (as `Store.tickets` returns them). Pure."""
    rep = report.build(rows, business_date, timezone)
    tasks = sorted({r["service"] for r in rows} | set(names))[: p.MAX_SUMMARY_TASKS]
    return p.DailySummary(
        v=1,
        site=site,
        date=business_date,
        at=at,
        final=final,
        names={t: names.get(t, t) for t in tasks},
        tasks={"all": _task(rep, rows, "all"), **{t: _task(rep, rows, t) for t in tasks}},
    )


class SummaryClock:
    """When the next summary is due: hourly, at the moment every service has closed, and for the day
    that just ended (its final figures) when the business date rolls over."""

    def __init__(self, now: float) -> None:
        self.next_at = now + FIRST_AFTER
        self.was_open: bool | None = None
        self.date: str | None = None

    def due(self, now: float, business_date: str, any_open: bool) -> list[tuple[str, bool]]:
        """The (date, final) summaries to publish now."""
        out: list[tuple[str, bool]] = []
        if self.date is not None and business_date != self.date:
            out.append((self.date, True))  # yesterday's last word, whatever happened at its close
        closing = self.was_open is True and not any_open
        if closing or now >= self.next_at:
            out.append((business_date, not any_open))
            self.next_at = now + EVERY
        self.was_open, self.date = any_open, business_date
        return out


def stale_date(business_date: str) -> str:
    """The retained summary to clear today (KEEP_DAYS ago)."""
    return (Date.fromisoformat(business_date) - timedelta(days=KEEP_DAYS)).isoformat()


class SummaryPublisher:
    """The hub's side: reads the day's rows from its store and publishes (called from the hub loop)."""

    def __init__(self, hall: Any, store: Any, topics: p.Topics, clock: Any = time.time) -> None:
        self.hall, self.store, self.topics, self.clock = hall, store, topics, clock
        self.timer = SummaryClock(time.monotonic())
        self.names = {s.id: s.name.ko for s in hall.services}
        self.published = 0

    def turn(self, client: Any, snapshot: dict[str, Any]) -> None:
        """Publish what is due (never raises: the hall does not depend on the city)."""
        try:
            business_date = snapshot["business_date"]
            any_open = any(s.get("status") != "closed" for s in snapshot.get("services", []))
            for day, final in self.timer.due(time.monotonic(), business_date, any_open):
                summary = summarize(
                    self.store.tickets(day),
                    self.hall.site.id,
                    day,
                    self.names,
                    at=self.clock(),
                    final=final,
                    timezone=self.hall.site.timezone,
                )
                client.publish(self.topics.summary(day), p.encode(summary), qos=p.QOS, retain=True)
                if final:
                    client.publish(self.topics.summary(stale_date(day)), b"", qos=p.QOS, retain=True)
                self.published += 1
        except Exception as err:  # noqa: BLE001 - a summary is never worth a hub fault
            log.warning("daily summary not published: %s: %s", type(err).__name__, p.brief(str(err)))
