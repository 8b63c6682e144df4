"""Flat cost benchmark (issue 17): does the hall stay as fast with 8,000 waiting as with 8?

Run: make bench   (or .venv/bin/python bench/flat.py [--seconds 60] [--only cost,rate,day])
  cost  — hub cost of one batch of 8 issues, in process, at 100 / 1,000 / 4,000 / 8,000 live tickets
  relay — web relay CPU per snapshot with 8,000 waiting (in process)
  rate  — 8 kiosks issuing as fast as the hub answers (hub process, real Mosquitto), per second
  day   — hub and web relay resident memory after 20,000 tickets in one day (counters serving)
  pages — a call → the public status page and the called ticket's page changed in headless
          Chromium, p50/p99: quiet, and during an 8-desk burst with 5,000 waiting
Budgets: 8,000 live within 1.5× of 100; last 10 s of the run ≥ 80 % of the first 10 s;
call → page p99 ≤ 15 ms quiet, ≤ 100 ms in the burst.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import bench_hall, percentile, report, rss_mb

from hub.service import HubService, Incoming
from hub.store import Store
from tools.broker import Broker, free_port
from tools.chromium import CHROMIUM, CHROMIUM_ARGS
from wire import config
from wire import protocol as p
from wire.client import HubClient

LIVE = [100, 1000, 4000, 8000]
BATCH = 8
KIOSKS = 8
IN_FLIGHT = 4  # commands each kiosk keeps outstanding (a hall of kiosks tapped at once)
DAY_TICKETS = 20000


def flat_hall(port: int, database: str, site: str = "flat") -> str:
    """The bench hall with eight issuing desks. A real kiosk is braked at 600 tickets a minute
    (10/s, the config's ceiling); these stand for kiosks with the brake off, as the hub must
    measure its own limit, not the brake's."""
    return bench_hall(port, database, site) + "".join(
        f'\n[[devices]]\nid = "desk-{k}"\nrole = "staff"\n' for k in range(1, KIOSKS + 1)
    )


def _issue(n: int, device: str = "staff") -> Incoming:
    return Incoming(
        device, json.dumps({"v": 1, "id": f"c{n}", "op": "issue", "service": "cert", "channel": "staff"}).encode()
    )


def cost(folder: Path) -> dict[int, tuple[float, float]]:
    """Milliseconds per batch of 8 issues (one transaction) with N tickets live, median of 100
    batches: (wall, CPU). CPU time is the steadier figure on a shared machine; wall adds fsync."""
    out: dict[int, tuple[float, float]] = {}
    import gc

    from hub import bootstrap

    if hasattr(bootstrap, "GC_THRESHOLD"):  # as the hub process runs (main before issue 17 had none)
        gc.set_threshold(bootstrap.GC_THRESHOLD, 20, 100)
    for live in LIVE:
        db = folder / f"cost-{live}.db"
        hall = config.parse(flat_hall(1883, str(db)))
        store = Store(db)
        service = HubService(hall, store)
        n = 0
        while n < live:  # fill in big batches: only the measured ones need to be small
            take = min(500, live - n)
            service.handle_batch([_issue(n + i) for i in range(take)])
            n += take
        times, cpu = [], []
        for _ in range(100):
            batch = [_issue(n + i) for i in range(BATCH)]
            n += BATCH
            t0, c0 = time.perf_counter(), time.process_time()
            service.handle_batch(batch)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[live] = (statistics.median(times), statistics.median(cpu))
        store.close()
        print(
            f"cost: {live:>5} live → {out[live][0]:.2f} ms wall, {out[live][1]:.2f} ms CPU per batch of {BATCH}",
            flush=True,
        )
    return out


def relay_cost(folder: Path, waiting: int = 8000) -> float:
    """CPU ms the web relay spends taking one snapshot with `waiting` tickets in line (no broker:
    the relay's client is not started; it is handed what the hub would publish)."""
    from hub.domain import view
    from web.relay import Relay

    db = folder / "relay-cost.db"
    hall = config.parse(flat_hall(1883, str(db)))
    store = Store(db)
    service = HubService(hall, store)
    for n in range(0, waiting, 500):
        service.handle_batch([_issue(n + i) for i in range(500)])
    relay = Relay(hall)
    relay.client.places = p.Places.model_validate(view.places(service.state))
    snapshots = []
    for n in range(30):
        service.handle_batch([_issue(waiting + n)])
        snapshots.append(p.Snapshot.model_validate(service.snapshot))
    relay.update(snapshots[0])
    c0 = time.process_time()
    for snap in snapshots[1:]:
        relay.update(snap)
    store.close()
    spent = (time.process_time() - c0) * 1000 / (len(snapshots) - 1)
    print(f"relay: {spent:.2f} ms CPU per snapshot with {waiting:,} waiting", flush=True)
    return spent


class Hall:
    """A hub process (and optionally a web relay process) on a real Mosquitto."""

    def __init__(self, folder: Path, broker: Broker, relay: bool = False) -> None:
        folder = Path(tempfile.mkdtemp(prefix="hall-", dir=folder))  # each run its own database
        path = folder / "hall.toml"
        path.write_text(
            flat_hall(broker.port, str(folder / "hub.db")) + f'\n[web]\nsecret_file = "{folder}/web.secret"\n',
            encoding="utf-8",
        )
        self.hall = config.load(path)
        self.hub = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)], stderr=subprocess.DEVNULL
        )
        self.relay = None
        self.port = free_port()
        if relay:
            self.relay = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tools.cli",
                    "web",
                    "--config",
                    str(path),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stderr=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )

    def client(self, device: str, role: str) -> HubClient:
        c = HubClient(self.hall.site.id, device, self.hall.mqtt, role=role, calls=False).start()
        assert c.wait_for(lambda x: x.online and x.snapshot is not None, 20), device
        return c

    def stop(self) -> None:
        for proc in (self.hub, self.relay):
            if proc is not None:
                proc.terminate()
                proc.wait(10)


def rate(folder: Path, seconds: float) -> dict:
    """Tickets issued per second by 8 kiosks at full speed, second by second."""
    with Broker() as broker:
        hall = Hall(folder, broker)
        try:
            kiosks = [hall.client(f"desk-{k}", "staff") for k in range(1, KIOSKS + 1)]
            stamps: list[float] = []
            lock = threading.Lock()
            stop = time.monotonic() + seconds

            def run(kiosk: HubClient) -> None:
                while time.monotonic() < stop:
                    if kiosk.request("issue", service="cert", channel="staff", timeout=30).status == "ok":
                        with lock:
                            stamps.append(time.monotonic())

            start = time.monotonic()
            threads = [threading.Thread(target=run, args=(k,)) for k in kiosks for _ in range(IN_FLIGHT)]
            for t in threads:
                t.start()
            cpu = []  # the hub's CPU seconds, each second: steadier than wall rates on a shared machine
            while any(t.is_alive() for t in threads):
                cpu.append(_cpu_seconds(hall.hub.pid))
                time.sleep(1.0)
            for t in threads:
                t.join()
            rss = rss_mb(hall.hub.pid)
            for k in kiosks:
                k.close()
        finally:
            hall.stop()
    per_second = [0] * int(seconds)
    for s in stamps:
        if 0 <= int(s - start) < len(per_second):
            per_second[int(s - start)] += 1
    print("rate: tickets per second:", " ".join(str(n) for n in per_second), flush=True)
    window = max(1, min(10, len(per_second) // 3))
    first = sum(per_second[:window]) / window
    last = sum(per_second[-window:]) / window
    n = len(per_second)
    cpu_first = (cpu[window] - cpu[0]) * 1000 / max(1, sum(per_second[:window]))
    cpu_last = (
        (cpu[min(n, len(cpu) - 1)] - cpu[min(n, len(cpu) - 1) - window]) * 1000 / max(1, sum(per_second[-window:]))
    )
    print(
        f"rate: hub CPU per ticket, first {window} s {cpu_first:.2f} ms, last {window} s {cpu_last:.2f} ms", flush=True
    )
    return {
        "first": first,
        "last": last,
        "window": window,
        "total": len(stamps),
        "rss": rss,
        "cpu_first": cpu_first,
        "cpu_last": cpu_last,
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def day(folder: Path) -> dict:
    """20,000 tickets through one day: issued in waves while two counters call them; RSS after."""
    with Broker() as broker:
        hall = Hall(folder, broker, relay=True)
        try:
            staff = hall.client("staff", "staff")
            counters = [hall.client(f"counter-{c}", "counter") for c in ("1", "3")]
            time.sleep(2.0)
            idle = (rss_mb(hall.hub.pid), rss_mb(hall.relay.pid))  # type: ignore[union-attr]
            done = 0
            lock = threading.Lock()
            marks: list[tuple[int, float, float]] = []

            def issuer() -> None:
                nonlocal done
                while True:
                    # A day's hall: the line stays around a thousand while counters keep calling.
                    while (
                        done < DAY_TICKETS and staff.snapshot is not None and staff.snapshot.services[0].waiting > 1000
                    ):
                        time.sleep(0.01)
                    with lock:
                        if done >= DAY_TICKETS:
                            return
                        done += 1
                        if done % 5000 == 0:
                            marks.append((done, rss_mb(hall.hub.pid), rss_mb(hall.relay.pid)))  # type: ignore[union-attr]
                    assert staff.request("issue", service="cert", channel="staff", timeout=30).status == "ok"

            def caller(counter: HubClient) -> None:
                while done < DAY_TICKETS:
                    counter.request("call_next", timeout=30)

            threads = [threading.Thread(target=issuer) for _ in range(8)]
            threads += [threading.Thread(target=caller, args=(c,)) for c in counters]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(2.0)
            after = (rss_mb(hall.hub.pid), rss_mb(hall.relay.pid))  # type: ignore[union-attr]
            waiting = staff.snapshot.services[0].waiting if staff.snapshot else -1
            for c in (staff, *counters):
                c.close()
        finally:
            hall.stop()
    print(
        f"day: hub {idle[0]:.1f} → {after[0]:.1f} MB, relay {idle[1]:.1f} → {after[1]:.1f} MB, "
        f"{waiting} still waiting; (issued, hub MB, relay MB): {marks}",
        flush=True,
    )
    return {"hub_idle": idle[0], "hub": after[0], "relay_idle": idle[1], "relay": after[1], "waiting": waiting}


PAGE_ROUNDS = 30
BURST_WAITING = 5000
# Records (epoch ms) when the element shows the call: the DOM change itself, not Playwright's polling.
WATCH = """([selector, wanted, kind]) => { window.__seen = null;
  const done = () => { const el = document.querySelector(selector); if (!el) return false;
    return kind === 'text' ? el.textContent.trim() === wanted : el.className.includes(wanted); };
  const obs = new MutationObserver(() => { if (window.__seen === null && done()) {
    window.__seen = performance.timeOrigin + performance.now(); obs.disconnect(); } });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true}); }"""


def pages(folder: Path, rounds: int) -> dict:
    """Call → status page and ticket page, in Chromium, quiet then in a burst with 5,000 waiting."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with Broker() as broker, sync_playwright() as pw:
        hall = Hall(folder, broker, relay=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            staff = hall.client("staff", "staff")
            counter = hall.client("counter-3", "counter")
            desks = [hall.client(f"desk-{k}", "staff") for k in range(1, KIOSKS + 1)]
            url = f"http://127.0.0.1:{hall.port}"
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    import urllib.request

                    urllib.request.urlopen(url + "/api/status", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            # The pages' CSP forbids eval, which Playwright's wait_for_function uses for its
            # predicate: the measuring harness (not the page) is let through.
            status = browser.new_page(bypass_csp=True)
            status.goto(url + "/")
            ticket = browser.new_page(bypass_csp=True)
            burst = threading.Event()
            stop = threading.Event()

            def desk(client: HubClient) -> None:
                while not stop.is_set():
                    if burst.is_set():
                        client.request("issue", service="cert", channel="staff", timeout=30)
                    else:
                        time.sleep(0.05)

            threads = [threading.Thread(target=desk, args=(d,), daemon=True) for d in desks]
            for t in threads:
                t.start()
            for phase in ("quiet", "burst"):
                if phase == "burst":  # fill the hall to 5,000 waiting, then keep 8 desks issuing
                    waiting = staff.snapshot.services[0].waiting if staff.snapshot else 0
                    each = (BURST_WAITING - waiting) // KIOSKS
                    fillers = [
                        threading.Thread(
                            target=lambda c=c, n=each: [
                                c.request("issue", service="cert", channel="staff", timeout=30) for _ in range(n)
                            ]
                        )
                        for c in desks
                    ]
                    for f in fillers:
                        f.start()
                    for f in fillers:
                        f.join()
                    burst.set()
                    time.sleep(2.0)
                board, own, replied = [], [], []
                for _ in range(rounds):
                    mine = staff.ask(p.ISSUE, service="cert", channel="staff", timeout=30).result()
                    ticket.goto(f"{url}/t/{mine.token}")
                    ticket.locator("#ticket.waiting").wait_for(timeout=20000)
                    status.evaluate(WATCH, ['[data-id="cert"] .now', mine.number, "text"])
                    ticket.evaluate(WATCH, ["#ticket", "called", "class"])
                    sent = time.time() * 1000
                    assert counter.request("call", ticket=mine.number, timeout=30).status == "ok"
                    replied.append(time.time() * 1000 - sent)
                    for page, into in ((status, board), (ticket, own)):
                        page.wait_for_function("window.__seen !== null", timeout=30000)
                        into.append(page.evaluate("window.__seen") - sent)
                out[phase] = {"board": board, "ticket": own, "reply": replied}
                print(
                    f"pages {phase}: status p50 {percentile(board, 50):.1f} p99 {percentile(board, 99):.1f} ms, "
                    f"ticket p50 {percentile(own, 50):.1f} p99 {percentile(own, 99):.1f} ms, "
                    f"(hub reply to the call p50 {percentile(replied, 50):.1f} p99 {percentile(replied, 99):.1f} ms)",
                    flush=True,
                )
            stop.set()
            burst.clear()
            for c in (staff, counter, *desks):
                c.close()
        finally:
            browser.close()
            hall.stop()
    return out


def main() -> None:
    """Run the measures and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the 8-kiosk run")
    parser.add_argument("--only", default="cost,relay,rate,day,pages")
    parser.add_argument("--rounds", type=int, default=PAGE_ROUNDS, help="calls measured per page phase")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="sunbeon-flat-") as tmp:
        if "cost" in parts:
            c = cost(Path(tmp))
            for live in LIVE:
                last = live == LIVE[-1]
                rows.append(
                    (f"hub: batch of {BATCH} issues with {live:,} live tickets, wall", c[live][0], "ms", "—", True)
                )
                rows.append(
                    (
                        f"hub: batch of {BATCH} issues with {live:,} live tickets, CPU",
                        c[live][1],
                        "ms",
                        "8,000 ≤ 1.5× 100" if last else "—",
                        c[live][1] <= 1.5 * c[LIVE[0]][1] if last else True,
                    )
                )
        if "relay" in parts:
            rows.append(("relay: CPU per snapshot with 8,000 waiting", relay_cost(Path(tmp)), "ms", "—", True))
        if "rate" in parts:
            r = rate(Path(tmp), args.seconds)
            rows += [
                (f"8 desks, first {r['window']} s", r["first"], "tickets/s", "—", True),
                (
                    f"8 desks, last {r['window']} s",
                    r["last"],
                    "tickets/s",
                    "≥ 80 % of first",
                    r["last"] >= 0.8 * r["first"],
                ),
                (f"8 desks, hub CPU per ticket, first {r['window']} s", r["cpu_first"], "ms", "—", True),
                (
                    f"8 desks, hub CPU per ticket, last {r['window']} s",
                    r["cpu_last"],
                    "ms",
                    "≤ 1.25× first",
                    r["cpu_last"] <= 1.25 * r["cpu_first"],
                ),
                (
                    f"hub resident memory after {r['total']:,} tickets (8-kiosk run)",
                    r["rss"],
                    "MB",
                    "≤ 60 MB",
                    r["rss"] <= 60,
                ),
            ]
        if "day" in parts:
            d = day(Path(tmp))
            rows += [
                (
                    f"hub resident memory after {DAY_TICKETS:,} tickets in a day",
                    d["hub"],
                    "MB",
                    "≤ 60 MB",
                    d["hub"] <= 60,
                ),
                (f"relay resident memory after {DAY_TICKETS:,} tickets in a day", d["relay"], "MB", "—", True),
            ]
        if "pages" in parts:
            pg = pages(Path(tmp), args.rounds)
            for phase, budget in (("quiet", 15), ("burst", 100)):
                for what, key in (("status page", "board"), ("ticket page", "ticket"), ("hub reply", "reply")):
                    values = pg[phase][key]
                    where = "" if key == "reply" else " in Chromium"
                    rows += [
                        (f"call → {what}{where}, {phase}, p50", percentile(values, 50), "ms", "—", True),
                        (
                            f"call → {what}{where}, {phase}, p99",
                            percentile(values, 99),
                            "ms",
                            f"≤ {budget} ms" if key != "reply" else "—",
                            percentile(values, 99) <= budget or key == "reply",
                        ),
                    ]
    report("flat", rows)


if __name__ == "__main__":
    main()
