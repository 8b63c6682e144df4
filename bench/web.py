"""Web relay benchmark: concurrent SSE viewers on one relay, one update's time to reach all of
them, the relay's memory at that load, and /api/status requests per second.

Run: make bench   (or .venv/bin/python bench/web.py [viewers])
Budget (DESIGN.md §7): 10,000 viewers on 2 cores, each update delivered to all within 1 s.

`bench/web.py --flood [streams] [slow]` is the flood: the shipped nginx site in front of the relay,
15,000 held streams and 2,000 slow connections (from many loopback addresses), and a normal
visitor's status-page latency (p50/p99) meanwhile. Budget: the visitor is answered within 1 s.

The relay runs as `sunbeon web` in its own process with a real Mosquitto and `sunbeon hub`;
the viewers are plain asyncio sockets in this process (lighter than any HTTP client library).
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import bench_hall, percentile, report, rss_mb

from tools.broker import free_port

FLOOD = len(sys.argv) > 1 and sys.argv[1] == "--flood"
VIEWERS = int(sys.argv[1]) if len(sys.argv) > 1 and not FLOOD else 10000
CONNECT_BATCH = 400
ROUNDS = 9
STATUS_SECONDS = 5.0
REQUEST = b"GET /api/stream HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"


class Viewer:
    """One browser holding the status stream open."""

    def __init__(self) -> None:
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.seq = -1

    async def open(self, port: int) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(REQUEST)
        await self.writer.drain()
        await self.reader.readuntil(b"\r\n\r\n")
        self.seq = await self.next_seq()

    async def next_seq(self) -> int:
        """Read until the next status event; its seq."""
        assert self.reader is not None
        while True:
            line = await self.reader.readline()
            if line.startswith(b"data: "):
                return json.loads(line[6:])["seq"]
            if not line:
                raise ConnectionError("stream closed")

    async def wait_past(self, seq: int) -> float:
        """Time (perf_counter) at which an event newer than `seq` arrived."""
        while self.seq <= seq:
            self.seq = await self.next_seq()
        return time.perf_counter()


async def status_rate(port: int, connections: int = 32) -> float:
    """/api/status requests per second over keep-alive connections."""
    done = 0
    deadline = time.perf_counter() + STATUS_SECONDS

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            writer.write(b"GET /api/status HTTP/1.1\r\nHost: bench\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
            await reader.readexactly(length)
            done += 1
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.perf_counter() - start)


async def measure(port: int, issue: callable, relay_pid: int) -> dict:  # type: ignore[valid-type]
    # The harness's own garbage collector would pause all 10,000 viewers at once and be
    # counted as the relay's delay; the relay keeps its collector (see web/main.py).
    gc.disable()
    viewers = [Viewer() for _ in range(VIEWERS)]
    start = time.perf_counter()
    for i in range(0, VIEWERS, CONNECT_BATCH):
        await asyncio.gather(*(v.open(port) for v in viewers[i : i + CONNECT_BATCH]))
    connect_seconds = time.perf_counter() - start
    rounds = []
    for _ in range(ROUNDS):
        seq = max(v.seq for v in viewers)
        waits = [asyncio.ensure_future(v.wait_past(seq)) for v in viewers]
        await asyncio.sleep(0.2)
        sent = time.perf_counter()
        await asyncio.to_thread(issue)
        arrived = await asyncio.gather(*waits)
        rounds.append([(t - sent) * 1000 for t in arrived])
        await asyncio.sleep(0.5)
    relay_rss = rss_mb(relay_pid)
    for v in viewers:
        v.writer.close()  # type: ignore[union-attr]
    await asyncio.sleep(1.0)
    gc.enable()
    return {"connect": connect_seconds, "rounds": rounds, "relay_rss": relay_rss}


def _run(coroutine: object) -> object:
    # The viewers read 10,000 sockets in this one process; uvloop keeps the bench from being
    # the slow part of what it measures.
    try:
        import uvloop

        return uvloop.run(coroutine)  # type: ignore[arg-type]
    except ImportError:
        return asyncio.run(coroutine)  # type: ignore[arg-type]


def main() -> None:
    """Run the measures and print the table."""
    from tools.broker import Broker
    from wire import config
    from wire.client import HubClient

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory(prefix="sunbeon-bench-") as tmp, Broker() as broker:
        path = Path(tmp) / "hall.toml"
        path.write_text(
            bench_hall(broker.port, str(Path(tmp) / "hub.db"), site="wbench")
            + f'\n[web]\nsecret_file = "{tmp}/web.secret"\n',
            encoding="utf-8",
        )
        hall = config.load(path)
        port = free_port()
        hub = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)], stderr=subprocess.DEVNULL
        )
        relay = subprocess.Popen(
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
                str(port),
            ],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        staff = HubClient(hall.site.id, "staff", hall.mqtt, calls=False).start()
        try:
            staff.wait_for(lambda c: c.online, 15)
            time.sleep(2.0)
            idle_rss = rss_mb(relay.pid)
            rate = _run(status_rate(port))
            result = _run(measure(port, lambda: staff.request("issue", service="cert", channel="staff"), relay.pid))
        finally:
            staff.close()
            relay.terminate()
            hub.terminate()
            relay.wait(10)
            hub.wait(10)
    everyone = [max(r) for r in result["rounds"]]
    print("last viewer per round (ms):", ", ".join(f"{v:.0f}" for v in everyone))
    typical = [percentile(r, 50) for r in result["rounds"]]
    report(
        "web",
        [
            ("SSE viewers held by one relay", VIEWERS, "", "10,000", VIEWERS >= 10000),
            (f"time to connect {VIEWERS:,} viewers", result["connect"], "s", "—", True),
            (
                f"one update → the last viewer, worst of {ROUNDS}",
                max(everyone),
                "ms",
                "≤ 1,000 ms",
                max(everyone) <= 1000,
            ),
            (
                f"one update → the last viewer, median of {ROUNDS}",
                percentile(everyone, 50),
                "ms",
                "≤ 1,000 ms",
                percentile(everyone, 50) <= 1000,
            ),
            (f"one update → the median viewer, median of {ROUNDS}", percentile(typical, 50), "ms", "—", True),
            ("relay resident memory, idle", idle_rss, "MB", "—", True),
            (f"relay resident memory with {VIEWERS:,} viewers", result["relay_rss"], "MB", "—", True),
            ("/api/status requests per second (32 keep-alive connections)", rate, "/s", "—", True),
        ],
    )


def flood(streams: int, slow: int, visit_seconds: float = 30.0) -> None:
    """The flood through nginx; prints the normal visitor's latency."""
    from tests.nginx_front import (
        Flood,
        NginxFront,
        client_context,
        nginx_errors,
        raise_file_limit,
        start_relay,
        visit_elsewhere,
        visitor,
    )
    from tools.broker import Broker

    files = raise_file_limit()
    with tempfile.TemporaryDirectory(prefix="sunbeon-flood-") as tmp, Broker() as broker:
        path = Path(tmp) / "hall.toml"
        path.write_text(
            bench_hall(broker.port, str(Path(tmp) / "hub.db"), site="wflood")
            + f'\n[web]\nsecret_file = "{tmp}/web.secret"\n',
            encoding="utf-8",
        )
        port = free_port()
        hub = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)], stderr=subprocess.DEVNULL
        )
        relay = start_relay(path, port)
        # Two workers (Debian: one per core) share the descriptors: each has its own limit.
        nginx = NginxFront(Path(tmp), port, workers=2)
        try:
            time.sleep(3.0)
            nginx.start()

            async def run() -> tuple:
                quiet = await visitor(nginx.url, nginx.cert, seconds=5)
                attack = Flood(nginx.https_port, client_context(nginx.cert))
                start = time.perf_counter()
                await attack.open(streams, slow, batch=500)
                opened = time.perf_counter() - start
                held = (attack.streams_open, attack.slow_open)
                elsewhere = visit_elsewhere(nginx.url, nginx.cert, visit_seconds)
                waiting = asyncio.ensure_future(asyncio.to_thread(elsewhere.communicate))
                slow_samples = []  # slow connections come and go (nginx drops each after 10 s): sample them
                while not waiting.done():
                    slow_samples.append(attack.slow_open)
                    await asyncio.sleep(1.0)
                output = await waiting
                held = (held[0], min(slow_samples) if slow_samples else held[1])
                seen = [tuple(pair) for pair in json.loads(output[0])]
                after = (attack.streams_open, attack.slow_open)
                relay_rss = rss_mb(relay.pid)
                await attack.close()
                return quiet, attack, opened, held, seen, after, relay_rss

            gc.disable()
            quiet, attack, opened, held, seen, after, relay_rss = _run(run())
            gc.enable()
        finally:
            nginx.stop()
            relay.terminate()
            hub.terminate()
            relay.wait(10)
            hub.wait(10)
            print("nginx error log (message: count):", nginx_errors(Path(tmp)))
    times = [t * 1000 for status, t in seen if status == 200]
    calm = [t * 1000 for status, t in quiet if status == 200]
    ok = sum(1 for status, _ in seen if status == 200)
    print(
        f"file descriptor limit {files}; stream errors {attack.errors}; refused {attack.streams_refused}; "
        f"slow connections dropped by nginx and reopened {attack.slow_dropped}"
    )
    report(
        "web-flood",
        [
            ("streams held through nginx (asked)", held[0], f"of {streams:,}", "15,000", held[0] >= 15000),
            ("slow connections open at once, fewest while the visitor asked", held[1], f"of {slow:,}", "—", True),
            ("time to open the flood", opened, "s", "—", True),
            ("visitor requests answered 200 during the flood", ok, f"of {len(seen)}", "all", ok == len(seen)),
            ("visitor status page p50, quiet", percentile(calm, 50), "ms", "—", True),
            (
                "visitor status page p50 during the flood",
                percentile(times, 50) if times else -1,
                "ms",
                "≤ 1,000 ms",
                bool(times) and percentile(times, 50) <= 1000,
            ),
            (
                "visitor status page p99 during the flood",
                percentile(times, 99) if times else -1,
                "ms",
                "≤ 1,000 ms",
                bool(times) and percentile(times, 99) <= 1000,
            ),
            ("streams still held at the end", after[0], "", "—", True),
            ("slow connections still held at the end", after[1], "", "—", True),
            ("relay resident memory during the flood", relay_rss, "MB", "—", True),
        ],
    )


if __name__ == "__main__":
    if FLOOD:
        flood(int(sys.argv[2]) if len(sys.argv) > 2 else 15000, int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    else:
        main()
