"""Hub benchmark: durable issues per second, command round trips, resident memory.

Run: make bench   (or .venv/bin/python bench/hub.py)
Budgets (DESIGN.md §7): ≥ 1,000 durable issues/s; call → snapshot p99 ≤ 15 ms; hub ≤ 60 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import bench_hall, percentile, report, rss_mb

from hub.service import HubService, Incoming
from hub.store import Store
from tools.broker import Broker
from wire import config
from wire import protocol as p
from wire.client import HubClient

ISSUES = 5000
# Below the hub's per-device burst (400, then 100 a second): a counter pressing NEXT back to back
# faster than any clerk would otherwise be braked by the flood gate, which is not what this measures.
ROUND_TRIPS = 300


def in_process(folder: Path, batch: int) -> float:
    """Issues/s through HubService with a real file database (WAL, synchronous=FULL)."""
    hall = config.parse(bench_hall(1883, str(folder / f"inproc-{batch}.db")))
    store = Store(folder / f"inproc-{batch}.db")
    service = HubService(hall, store)
    payloads = [
        Incoming(
            "web", json.dumps({"v": 1, "id": f"i{n}", "op": "issue", "service": "cert", "channel": "web"}).encode()
        )
        for n in range(ISSUES)
    ]
    start = time.perf_counter()
    for i in range(0, ISSUES, batch):
        service.handle_batch(payloads[i : i + batch])
    elapsed = time.perf_counter() - start
    assert len(store.tickets(service.state.business_date)) == ISSUES
    store.close()
    return ISSUES / elapsed


def over_mqtt(folder: Path) -> dict[str, float]:
    """Against a real `sunbeon hub` process and Mosquitto: pipelined issues, then round trips."""
    with Broker() as broker:
        path = folder / "hall.toml"
        path.write_text(bench_hall(broker.port, str(folder / "hub.db")), encoding="utf-8")
        hall = config.load(path)
        hub = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)], stderr=subprocess.DEVNULL
        )
        try:
            web = HubClient(hall.site.id, "web", hall.mqtt, role="web", calls=False).start()
            counter = HubClient(hall.site.id, "counter-3", hall.mqtt, role="counter", calls=False).start()
            watcher = HubClient(hall.site.id, "hall-display", hall.mqtt, role="display").start()
            for c in (web, counter, watcher):
                assert c.wait_for(lambda x: x.online and x.snapshot is not None, 15)
            idle_rss = rss_mb(hub.pid)

            # Pipelined issues: many commands in flight, as from a hall of kiosks at once.
            results: list[float] = []
            start = time.perf_counter()
            threads = [
                threading.Thread(
                    target=lambda k=k: results.extend(
                        1.0
                        for n in range(ISSUES // 50)
                        if web.request("issue", service="cert", channel="web", timeout=30).status == "ok"
                    )
                )
                for k in range(50)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            issue_rate = len(results) / (time.perf_counter() - start)
            assert len(results) == ISSUES // 50 * 50

            # Round trips: call_next → reply at the counter, and → the new snapshot at a display.
            replies, snapshots = [], []
            seen = threading.Event()
            target = {"seq": None}

            def on_snapshot(snap):
                if target["seq"] is not None and snap.counter("3").serving and snap.seq >= target["seq"]:
                    seen.set()

            watcher.on_snapshot(on_snapshot)
            for _ in range(ROUND_TRIPS):
                seen.clear()
                target["seq"] = watcher.snapshot.seq + 1
                t0 = time.perf_counter()
                reply = counter.request("call_next")
                replies.append((time.perf_counter() - t0) * 1000)
                assert reply.data_as(p.CounterReply).ticket is not None
                assert seen.wait(5)
                snapshots.append((time.perf_counter() - t0) * 1000)
            loaded_rss = rss_mb(hub.pid)
            for c in (web, counter, watcher):
                c.close()
        finally:
            hub.terminate()
            hub.wait(10)
    return {
        "issue_rate": issue_rate,
        "reply_p50": percentile(replies, 50),
        "reply_p99": percentile(replies, 99),
        "snap_p50": percentile(snapshots, 50),
        "snap_p99": percentile(snapshots, 99),
        "idle_rss": idle_rss,
        "loaded_rss": loaded_rss,
    }


def main() -> None:
    """Run every hub measure and print the table."""
    with tempfile.TemporaryDirectory(prefix="sunbeon-bench-") as tmp:
        folder = Path(tmp)
        one = in_process(folder, 1)
        batched = in_process(folder, 64)
        wire = over_mqtt(folder)
    report(
        "hub",
        [
            ("durable issues/s, in process, one per transaction", one, "/s", "≥ 1,000 /s", one >= 1000),
            ("durable issues/s, in process, batches of 64", batched, "/s", "≥ 1,000 /s", batched >= 1000),
            (
                "durable issues/s over MQTT (50 in flight, hub process)",
                wire["issue_rate"],
                "/s",
                "≥ 1,000 /s",
                wire["issue_rate"] >= 1000,
            ),
            ("call_next → reply, p50", wire["reply_p50"], "ms", "—", True),
            ("call_next → reply, p99", wire["reply_p99"], "ms", "—", True),
            ("call_next → snapshot at a display, p50", wire["snap_p50"], "ms", "p99 ≤ 15 ms", True),
            ("call_next → snapshot at a display, p99", wire["snap_p99"], "ms", "≤ 15 ms", wire["snap_p99"] <= 15),
            ("hub resident memory, idle", wire["idle_rss"], "MB", "≤ 60 MB", wire["idle_rss"] <= 60),
            (
                f"hub resident memory after {ISSUES:,} tickets",
                wire["loaded_rss"],
                "MB",
                "≤ 60 MB",
                wire["loaded_rss"] <= 60,
            ),
        ],
    )


if __name__ == "__main__":
    main()
