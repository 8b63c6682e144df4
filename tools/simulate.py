"""A simulated hall day that drives the real hub through the MQTT contract, on a virtual clock.

Visitors arrive by hour (a profile or a CSV of `hour,service,count`), take tickets at the kiosks
(`issue`), and clerks call them (`call_next`), serve them for a time drawn per task, mark some as
no-shows and take lunch breaks (`pause`/`resume`). The hub is the real one — same allocation,
numbering, estimates and store — with its clock set to the simulation's, so a day runs in
seconds. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import heapq
import random
import statistics
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.bus import HubBus
from hub.domain.figures import percentile
from hub.service import HubService
from hub.store import Store
from tools.broker import Broker
from wire import config as cfg
from wire import protocol as p
from wire.clerkday import SimulatedClerk
from wire.client import HubClient
from wire.hallday import HOURLY, LUNCH, PRIORITY, TASK_MIX


@dataclass
class Visit:
    """One simulated visitor and what happened to their ticket."""

    arrive: float
    service: str
    priority: bool
    number: str = ""
    estimate: tuple[int, int] = (0, 0)
    called: float | None = None
    counter: str | None = None
    outcome: str = "waiting"

    @property
    def wait_minutes(self) -> float | None:
        """Minutes from the ticket to the call."""
        return (self.called - self.arrive) / 60 if self.called is not None else None


@dataclass
class DayResult:
    """A simulated day, ready to be summarised."""

    visits: list[Visit]
    refused: int = 0
    counters: int = 0
    layout: str = "integrated"
    by_counter: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)  # the hub's own count of tickets by final state

    def waits(self, service: str | None = None) -> list[float]:
        """Waits in minutes of the called visitors (of one task, or all)."""
        return [
            v.wait_minutes
            for v in self.visits
            if v.wait_minutes is not None and (service is None or v.service == service)
        ]

    def summary(self) -> dict[str, float]:
        """Mean and 90th-percentile wait, estimate accuracy, counts."""
        waits = self.waits()
        inside = [(wait, v.estimate) for v in self.visits if (wait := v.wait_minutes) is not None]
        within = sum(1 for wait, (low, high) in inside if low <= wait <= high)
        error = [abs(wait - (low + high) / 2) for wait, (low, high) in inside]
        return {
            "issued": len(self.visits),
            "called": len(waits),
            "refused": self.refused,
            "no_show": sum(1 for v in self.visits if v.outcome == "no_show"),
            "mean_wait": statistics.fmean(waits) if waits else 0.0,
            "p90_wait": percentile(waits, 90) if waits else 0.0,
            "estimate_inside": within / len(inside) if inside else 0.0,
            "estimate_mae": statistics.fmean(error) if error else 0.0,
        }


def arrivals(
    hall: cfg.HallConfig,
    day: datetime,
    seed: int,
    profile: dict[int, float] | None = None,
    table: list[tuple[int, str, int]] | None = None,
) -> list[tuple[float, str, bool]]:
    """(time, service, priority) of every visitor: Poisson arrivals per hour, or a given table."""
    rng = random.Random(seed)
    services = [s.id for s in hall.services]
    mix = {s: TASK_MIX.get(s, 1 / len(services)) for s in services}
    if table is None:
        table = []
        for hour, rate in (profile or HOURLY).items():
            for service, share in mix.items():
                table.append((hour, service, _poisson(rng, rate * share)))
    out = []
    for hour, service, count in table:
        start = day.replace(hour=hour, minute=0, second=0).timestamp()
        for _ in range(count):
            out.append((start + rng.uniform(0, 3600), service, rng.random() < PRIORITY))
    out.sort()
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def read_arrivals(path: str | Path) -> list[tuple[int, str, int]]:
    """A CSV of `hour,service,count` rows (a header line is allowed)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or row[0].strip().lower() == "hour":
                continue
            try:
                rows.append((int(row[0]), row[1].strip(), int(row[2])))
            except (ValueError, IndexError):
                raise cfg.ConfigError(path, line, "expected hour,service,count") from None
    return rows


def per_window(hall: cfg.HallConfig) -> cfg.HallConfig:
    """The same hall with per-window queues: each counter serves only its primary task."""
    counters = [c.model_copy(update={"services": (c.services[0],)}) for c in hall.counters]
    return cfg.HallConfig.model_validate({**dict(hall), "counters": counters})


def choose_counters(hall: cfg.HallConfig, n: int) -> list[cfg.Counter]:
    """N counters to open: first one for each task (by primary tier), then the rest in order."""
    chosen: list[cfg.Counter] = []
    for service in hall.services:
        first = next((c for c in hall.counters if service.id in c.services[0] and c not in chosen), None)
        if first is not None and len(chosen) < n:
            chosen.append(first)
    chosen += [c for c in hall.counters if c not in chosen][: n - len(chosen)]
    return sorted(chosen, key=lambda c: hall.counters.index(c))


def always_open(hall: cfg.HallConfig, day: datetime, counters: int) -> cfg.HallConfig:
    """The hall for the simulated day: its services open on that weekday, N counters open."""
    from wire.config import DAYS

    services = [s.model_copy(update={"hours": s.hours.model_copy(update={"days": DAYS})}) for s in hall.services]
    return cfg.HallConfig.model_validate(
        {**dict(hall), "services": services, "counters": choose_counters(hall, counters)}
    )


class Clock:
    """The simulation's time, which the hub reads as its own."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def run_day(
    hall: cfg.HallConfig,
    *,
    counters: int,
    seed: int = 1,
    day: str = "2026-11-23",
    table: list[tuple[int, str, int]] | None = None,
    layout: str = "integrated",
) -> DayResult:
    """Simulate one day against a real hub (in this process, on a private broker and database)."""
    when = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(hall.site.timezone))
    hall = always_open(hall, when, counters)
    if layout == "per-window":
        hall = per_window(hall)
    rng = random.Random(seed + 1)
    visitors = arrivals(hall, when, seed, table=table)
    opening = min(dtime.fromisoformat(s.hours.open.isoformat()) for s in hall.services)
    clock = Clock(when.replace(hour=opening.hour, minute=opening.minute).timestamp() - 60)
    with tempfile.TemporaryDirectory(prefix="sunbeon-sim-") as tmp, Broker() as broker:
        hall = cfg.HallConfig.model_validate(
            {
                **dict(hall),
                "mqtt": cfg.Mqtt(host="127.0.0.1", port=broker.port),
                "site": hall.site.model_copy(update={"tickets_per_minute_per_kiosk": 600}),
            }
        )
        store = Store(Path(tmp) / "sim.db")
        bus = HubBus(hall, HubService(hall, store, clock=clock))
        stop = threading.Event()
        thread = threading.Thread(target=bus.run, args=(stop,), daemon=True)
        thread.start()
        kiosk = HubClient(
            hall.site.id, next(d.id for d in hall.devices if d.role == "kiosk"), hall.mqtt, calls=False
        ).start()
        desks = {
            d.counter: HubClient(hall.site.id, d.id, hall.mqtt, calls=False).start()
            for d in hall.devices
            if d.role == "counter" and d.counter and hall.counter(d.counter)
        }
        for client in (kiosk, *desks.values()):
            client.wait_for(lambda c: c.online, 15)
        try:
            result = _simulate(hall, clock, rng, visitors, kiosk, desks, when)
            business_day = bus.service.state.business_date
            for row in store.tickets(business_day):
                result.states[row["state"]] = result.states.get(row["state"], 0) + 1
        finally:
            for client in (kiosk, *desks.values()):
                client.close()
            stop.set()
            thread.join(10)
            store.close()
    result.counters, result.layout = len(desks), layout
    return result


def _simulate(
    hall: cfg.HallConfig,
    clock: Clock,
    rng: random.Random,
    visitors: list[tuple[float, str, bool]],
    kiosk: HubClient,
    desks: dict[str, HubClient],
    day: datetime,
) -> DayResult:
    events: list[tuple[float, int, str, Any]] = []  # data: a visit tuple or a counter id, by kind
    order = 0

    def at(t: float, kind: str, data: Any) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (t, order, kind, data))

    for visitor in visitors:
        at(visitor[0], "arrive", visitor)
    names = sorted(desks)
    # One clerk's habits per counter (wire/clerkday.py), drawing from the day's one generator.
    clerks = {c: SimulatedClerk(rng, hall.site.timezone, lunch_index=i) for i, c in enumerate(names)}
    for counter in names:
        at(clerks[counter].lunch_at(day), "lunch", counter)
    result = DayResult([])
    by_number: dict[str, Visit] = {}
    idle = set(names)
    on_lunch: set[str] = set()
    lunch_due: set[str] = set()
    served = {c: {s for tier in hall.counter(c).services for s in tier} for c in names}  # type: ignore[union-attr]

    def wake(service: str | None) -> None:
        for counter in names:
            if counter in idle and counter not in on_lunch and (service is None or service in served[counter]):
                idle.discard(counter)
                at(clock.now, "free", counter)
                return

    while events:
        t, _, kind, data = heapq.heappop(events)
        clock.now = max(clock.now, t)
        if kind == "arrive":
            arrive, service, priority = data
            task = hall.service(service)
            reply = kiosk.ask(
                p.ISSUE, service=service, priority=priority and task is not None and task.priority, timeout=10
            )
            if reply.status != "ok":
                result.refused += 1
                continue
            issued = reply.result()
            low, high = issued.estimate_minutes
            visit = Visit(arrive, service, priority, issued.number, (low, high))
            result.visits.append(visit)
            by_number[visit.number] = visit
            wake(service)
        elif kind == "free":
            counter = data
            if counter in lunch_due:
                desks[counter].request("finish", timeout=10)
                desks[counter].request("pause", timeout=10)
                lunch_due.discard(counter)
                on_lunch.add(counter)
                at(clock.now + LUNCH, "back", counter)
                continue
            called = desks[counter].ask(p.CALL_NEXT, timeout=10).data
            ticket = called.ticket if called is not None else None
            if ticket is None:
                idle.add(counter)
                continue
            visit = by_number[ticket.number]
            visit.called, visit.counter, visit.outcome = clock.now, counter, "done"
            result.by_counter[counter] = result.by_counter.get(counter, 0) + 1
            minutes = hall.service(visit.service).typical_minutes  # type: ignore[union-attr]
            goes = clerks[counter].visit(clock.now, minutes)
            if goes.no_show:
                visit.outcome = "no_show"
            # The recall and the no-show are pressed together at the end: nobody comes either way.
            at(goes.ends_at, "no_show" if goes.no_show else "free", counter)
        elif kind == "no_show":
            desks[data].request("recall", timeout=10)
            desks[data].request("no_show", timeout=10)
            at(clock.now, "free", data)
        elif kind == "lunch":
            if data in idle:
                idle.discard(data)
                lunch_due.add(data)
                at(clock.now, "free", data)
            else:
                lunch_due.add(data)
        elif kind == "back":
            on_lunch.discard(data)
            desks[data].request("resume", timeout=10)
            at(clock.now, "free", data)
    return result


def report_day(result: DayResult) -> str:
    """Waits per task and overall, for a terminal."""
    lines = [
        f"{result.layout}, {result.counters} counters: {len(result.visits)} tickets "
        f"({result.refused} visitors turned away after the ticket cut-off)"
    ]
    for service in sorted({v.service for v in result.visits}):
        waits = result.waits(service)
        if waits:
            lines.append(
                f"  {service:<16} {len(waits):>4} called  mean {statistics.fmean(waits):5.1f} min"
                f"  p90 {percentile(waits, 90):5.1f} min"
            )
    s = result.summary()
    stranded = {v.service for v in result.visits if v.called is None}
    if stranded:
        lines.append(f"  no open counter served: {', '.join(sorted(stranded))} — open more counters")
    lines.append(
        f"  {'all':<16} {int(s['called']):>4} called  mean {s['mean_wait']:5.1f} min  p90 {s['p90_wait']:5.1f} min"
    )
    lines.append(
        f"  printed estimate held the actual wait for {s['estimate_inside']:.1%} of tickets "
        f"(mean absolute error vs the middle of the range {s['estimate_mae']:.1f} min)"
    )
    return "\n".join(lines)


def counters_needed(
    hall: cfg.HallConfig, target_minutes: float, *, seed: int = 1, table: list[tuple[int, str, int]] | None = None
) -> tuple[int, DayResult] | None:
    """The fewest counters (in config order) whose day keeps the 90th-percentile wait under the target."""
    for n in range(1, len(hall.counters) + 1):
        result = run_day(hall, counters=n, seed=seed, table=table)
        if result.summary()["p90_wait"] <= target_minutes:
            return n, result
    return None


LAYOUTS = ("integrated", "per-window")


def compare(
    hall: cfg.HallConfig, *, counters: int, seeds: list[int], table: list[tuple[int, str, int]] | None = None
) -> dict[str, list[DayResult]]:
    """The same days (one per seed) with one integrated queue and with a line per window."""
    return {
        layout: [run_day(hall, counters=counters, seed=seed, table=table, layout=layout) for seed in seeds]
        for layout in LAYOUTS
    }


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal: Hangul and Han characters take two columns."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def _mean_waits(results: list[DayResult], service: str | None) -> list[float]:
    return [statistics.fmean(w) for r in results if (w := r.waits(service))]


def _spread_cell(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.fmean(values):5.1f} ({min(values):.1f}–{max(values):.1f})"


def report_compare(hall: cfg.HallConfig, runs: dict[str, list[DayResult]], seeds: list[int]) -> str:
    """Mean wait per task in both layouts over several seeds (mean of the days, min–max), and why a
    task can come out worse with one queue: a single seed is one draw of service times and arrivals."""
    integrated, windows = runs["integrated"], runs["per-window"]
    names = {s.id: f"{s.name.ko} ({s.id})" for s in hall.services}
    seed_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}–{seeds[-1]}"
    lines = [
        f"integrated vs per-window, {integrated[0].counters} counters, {len(seeds)} days ({seed_text}):",
        "mean wait in minutes — the mean over the days (lowest–highest day)",
        "",
        f"  {_pad('task', 30)}{_pad('integrated', 22)}{_pad('per-window', 22)}integrated better on",
    ]
    worse: list[tuple[str, list[float], list[float], int]] = []
    services = [s.id for s in hall.services if any(r.waits(s.id) for r in integrated + windows)]
    for service in [*services, None]:
        a, b = _mean_waits(integrated, service), _mean_waits(windows, service)
        better = sum(1 for x, y in zip(a, b, strict=False) if x < y)
        label = "all" if service is None else names.get(service, service)
        lines.append(
            f"  {_pad(label, 30)}{_pad(_spread_cell(a).strip(), 22)}{_pad(_spread_cell(b).strip(), 22)}"
            f"{better} of {min(len(a), len(b))} days"
        )
        if service is not None and a and b and statistics.fmean(a) > statistics.fmean(b):
            worse.append((service, a, b, better))
    for service, a, b, better in worse:
        chance = ""
        if min(a) <= max(b) and min(b) <= max(a):
            chance = (
                f"{names.get(service, service)}: one queue was better on {better} of {len(a)} days and the "
                f"days' ranges overlap, so part of the difference is the luck of the day. "
            )
        lines += ["", chance + _why_worse(hall, service, names)]
    return "\n".join(lines)


def _why_worse(hall: cfg.HallConfig, service: str, names: dict[str, str]) -> str:
    primary = [c.id for c in hall.counters if service in c.services[0]]
    secondary = [c.id for c in hall.counters if any(service in tier for tier in c.services[1:])]
    others = sorted({s for c in hall.counters if c.id in primary for tier in c.services[1:] for s in tier})
    name = names.get(service, service)
    if secondary:
        return (
            f"why {name} waits longer with one queue: its counters ({', '.join(primary)}) also serve other "
            f"tasks, and the counters that help it ({', '.join(secondary)}) reach it only after their own."
        )
    return (
        f"why {name} waits longer with one queue: only counter {', '.join(primary) or '—'} serves it and no other "
        f"counter lists it, while that counter also takes {', '.join(names.get(s, s) for s in others) or 'other'} "
        f"visitors whenever {name}'s line is empty for a moment — the next {name} visitor then waits for that "
        f"visit too. Per-window, the counter waits for its own. Give {name} a secondary tier on another counter."
    )
