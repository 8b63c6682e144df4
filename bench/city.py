"""The city tier at scale: 3 real halls + N synthetic halls → one central Mosquitto → 2 city relays.

    .venv/bin/python bench/city.py [--halls 400] [--viewers 10000] [--cut 300] [--seconds 20]

- 3 real halls: a hub process, its own Mosquitto with the generated TLS bridge, and a simulated
  day (a kiosk issuing and two counters calling, in this process). Hall r1's bridge runs through
  a TCP forwarder the bench cuts (tests/netcut.py).
- N synthetic halls (city/synthetic.py) publish realistic snapshots to the central broker (as their
  bridges would): at peak rate — one change per hall every PEAK_EVERY seconds, the busiest hour of
  a 주민센터 (≈ 200 visitors a day, each issued, called and finished) — and at 100× that; plus
  every hall's hub/status heartbeat every 5 s.
- 2 city relays (`sunbeon web --city`), separate processes.
Measured: a hall's change → a city viewer's SSE event (p50/p99, against the snapshot's own time),
the central broker's message rate and CPU, each relay's memory with `--viewers` SSE viewers, and
how long the city takes to catch up after hall r1's link is cut for `--cut` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from common import ROOT, bench_hall, percentile, report, rss_mb
from paho.mqtt.enums import CallbackAPIVersion

from city.synthetic import halls as synthetic_halls
from tests.netcut import Cuttable, Tunnel
from tools import bridge, deploy
from tools.broker import Broker, free_port
from wire import config
from wire.client import HubClient

PEAK_EVERY = 20.0  # seconds between changes of one synthetic hall at peak
HEARTBEAT = 5.0  # seconds between a hub's status messages


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client(port: int, login: tuple[str, str], name: str) -> mqtt.Client:
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv5)
    c.username_pw_set(*login)
    c.max_inflight_messages_set(1000)
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


class Generator:
    """The synthetic halls, publishing at `rate` changes per second in all (and heartbeats)."""

    def __init__(self, port: int, n: int) -> None:
        self.halls = synthetic_halls(n)
        self.client = client(port, ("synth", "synth-pw"), "synth")
        self.rate = 0.0
        self.sent = 0
        self.stop = threading.Event()
        for h in self.halls:
            root = f"sunbeon/v1/{h.site}"
            self.client.publish(f"{root}/hall/info", json.dumps(h.info()).encode(), qos=1, retain=True)
            self.client.publish(f"{root}/state/snapshot", json.dumps(h.snapshot()).encode(), qos=1, retain=True)
            self.client.publish(f"{root}/hub/status", b'{"v":1,"state":"online"}', qos=1, retain=True)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        rng = random.Random(7)
        next_beat = time.monotonic()
        while not self.stop.is_set():
            if self.rate <= 0:
                time.sleep(0.05)
                continue
            started = time.monotonic()
            batch = max(1, int(self.rate / 50))  # 50 batches a second
            for _ in range(batch):
                h = rng.choice(self.halls)
                self.client.publish(
                    f"sunbeon/v1/{h.site}/state/snapshot", json.dumps(h.step()).encode(), qos=1, retain=True
                )
                self.sent += 1
            if started >= next_beat:
                next_beat = started + HEARTBEAT
                for h in self.halls:
                    self.client.publish(
                        f"sunbeon/v1/{h.site}/hub/status", b'{"v":1,"state":"online"}', qos=1, retain=True
                    )
                    self.sent += 1
            time.sleep(max(0.0, batch / self.rate - (time.monotonic() - started)))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.client.disconnect()
        self.client.loop_stop()


class RealHall:
    """A hub process, its broker bridged to the city, and a simulated day driven from here."""

    def __init__(self, site: str, tmp: Path, central_port: int, cafile: str, *, cut: bool) -> None:
        self.site = site
        self.proxy = Cuttable(central_port) if cut else None
        # The bridge as `sunbeon bridge add` writes it: plain MQTT to a local stunnel that does the TLS.
        port = self.proxy.port if self.proxy else central_port
        link = bridge.HallBridge(site=site, host="127.0.0.1", port=port, password=f"pw-{site}", cafile=cafile,
                                 tunnel=True, tunnel_port=free_port())  # fmt: skip
        (tmp / site).mkdir()
        self.tunnel = Tunnel(bridge.tunnel_conf(link), tmp / site, link.tunnel_port)
        self.broker = Broker(extra=bridge.hall_conf(link) + f"\nuser {getpass.getuser()}\n", folder=tmp / site).start()
        path = tmp / f"{site}.toml"
        path.write_text(bench_hall(self.broker.port, str(tmp / f"{site}.db"), site=site), encoding="utf-8")
        self.hall = config.load(path)
        self.hub = subprocess.Popen([sys.executable, "-m", "tools.cli", "hub", "--config", str(path)],
                                    stderr=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip
        self.kiosk = HubClient(site, "kiosk-1", self.hall.mqtt, calls=False).start()
        self.counter = HubClient(site, "counter-1", self.hall.mqtt, calls=False).start()
        assert self.kiosk.wait_for(lambda c: c.online and c.snapshot is not None, 20), f"hall {site} did not start"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._day, daemon=True)

    def _day(self) -> None:
        rng = random.Random(self.site)
        while not self.stop.wait(rng.uniform(0.5, 1.5)):
            try:
                if rng.random() < 0.55:
                    self.kiosk.request("issue", service="cert", timeout=2)
                else:
                    self.counter.request("call_next", timeout=2)
            except Exception:  # noqa: BLE001 - a bench visitor never stops the bench
                pass

    def seq(self) -> int:
        return self.kiosk.snapshot.seq if self.kiosk.snapshot else -1

    def close(self) -> None:
        self.stop.set()
        self.kiosk.close()
        self.counter.close()
        self.hub.terminate()
        self.hub.wait(10)
        self.broker.stop()
        self.tunnel.close()
        if self.proxy:
            self.proxy.close()


def start_relay(tmp: Path, name: str, relay_port: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    toml = tmp / f"{name}.toml"
    toml.write_text(
        f'name = "서울특별시"\ndatabase = "{tmp}/{name}.db"\nstale_after = 60\n'
        "streams_per_client = 100000\n"  # every bench viewer comes from 127.0.0.1
        f'[mqtt]\nhost = "127.0.0.1"\nport = {relay_port}\nusername = "city-relay"\npassword = "relay-pw"\n'
        f'client_id = "{name}"\n',
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "web", "--city", str(toml), "--host", "127.0.0.1", "--port", str(port)],
        stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    return process, port


def ready(process: subprocess.Popen, port: int, timeout: float = 120) -> None:
    """Wait until a relay answers /healthz with the broker linked and the halls read (a loaded box is slow)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "a city relay exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if json.loads(answer.read())["halls"] > 0:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the city relay on {port} did not come up")


def request(port: int) -> bytes:
    """A viewer's stream request as the page makes it: from the frame the page was rendered at."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/halls", timeout=10) as answer:
        frame = answer.headers["X-City-Frame"]
    return f"GET /events?lang=ko&since={frame} HTTP/1.1\r\nHost: city\r\nAccept: text/event-stream\r\n\r\n".encode()


async def watch(port: int, seconds: float, latencies: list[float], seen: dict[str, float] | None = None) -> None:
    """One measuring viewer: the delay of every hall event, against the hall's data time."""
    try:
        ask = await asyncio.to_thread(request, port)
    except OSError:  # the relay too busy to answer: stream from the start (the whole city first)
        ask = b"GET /events?lang=ko HTTP/1.1\r\nHost: city\r\nAccept: text/event-stream\r\n\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
    writer.write(ask)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    # The stream opens with the whole city as it is: only changes made after connecting are timed.
    connected = time.time()
    end = connected + seconds
    while time.time() < end:
        try:
            line = await asyncio.wait_for(reader.readline(), max(0.1, end - time.time()))
        except TimeoutError:
            break
        if line.startswith(b"data: "):
            event = json.loads(line[6:])
            if seen is not None:
                seen[event["site"]] = event["at"] or 0
            if event.get("at") and event["at"] > connected:
                latencies.append(time.time() - event["at"])
    writer.close()


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000 if values else -1.0


def viewers_at(port: int, n: int) -> subprocess.Popen:
    """`n` more viewers on a relay, held by their own process (bench/city_viewers.py), opened in waves."""
    command = [sys.executable, str(ROOT / "bench" / "city_viewers.py"), "--port", str(port), "--n", str(n)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def held(process: subprocess.Popen, timeout: float = 300) -> dict[str, int]:
    """Wait until a viewer process has opened all its viewers; its counts."""
    counts: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line or line.strip() == "held":
            break
        counts = json.loads(line)
    return counts


def many_viewers(index: int, process: subprocess.Popen, port: int, steps: list[int], seconds: float) -> list:
    """Viewers held on one relay in steps (e.g. 2,000 / 5,000 / 10,000): its memory at each, and the
    delay a measuring viewer sees at the top."""
    rows: list = [(f"relay {index}: resident memory idle", rss_mb(process.pid), "MB", "—", True)]
    holders: list[subprocess.Popen] = []
    total, counts = 0, {"opened": 0, "failed": 0, "busy": 0, "lost": 0}
    latencies: list[float] = []
    try:
        for step in steps:
            holders.append(viewers_at(port, step - total))
            got = held(holders[-1])
            for k in counts:
                counts[k] += got.get(k, 0)
            total = step
            time.sleep(5)  # the relay settles (the viewers' first frames written)
            top = rss_mb(process.pid)
            rows.append((f"relay {index}: resident memory with {step:,} viewers "
                         f"({counts['opened'] - counts['busy'] - counts['lost']:,} streaming)", top, "MB",
                         "≤ 400 MB" if step >= 10_000 else "—", top <= 400 or step < 10_000))  # fmt: skip

        async def measure() -> None:
            await asyncio.gather(*(watch(port, seconds, latencies) for _ in range(5)))

        asyncio.run(measure())
        top = rss_mb(process.pid)
        rows += [
            (f"relay {index}: resident memory at the end of the measured phase", top, "MB", "≤ 400 MB", top <= 400),
            (f"relay {index}: viewers failed to connect / refused busy / dropped", counts["failed"] + counts["busy"]
             + counts["lost"], f"of {total:,}", "0", counts["failed"] + counts["busy"] + counts["lost"] == 0),
            (f"relay {index}: change → SSE p50 with the viewers (peak)", ms(latencies, 50), "ms", "—", True),
            (f"relay {index}: change → SSE p99 with the viewers (peak)", ms(latencies, 99), "ms", "≤ 2,000 ms",
             bool(latencies) and percentile(latencies, 99) <= 2.0),
            (f"relay {index}: load average (1 min) at the end", os.getloadavg()[0], "", "—", True),
        ]  # fmt: skip
    finally:
        for h in holders:
            with contextlib.suppress(OSError):
                h.stdin.close()  # type: ignore[union-attr]
        for h in holders:
            try:
                h.wait(60)
            except subprocess.TimeoutExpired:
                h.kill()
                h.wait()
        time.sleep(3)
    return rows


def caught_up(port: int, site: str, target_at: float, timeout: float = 180.0) -> float | None:
    """Seconds until the relay's JSON shows `site` fresh with data at least as new as `target_at`."""
    import urllib.request

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/halls", timeout=5) as answer:
            halls = {h["site"]: h for h in json.loads(answer.read())["halls"]}
        hall = halls.get(site)
        if hall and not hall["stale"] and (hall["data_at"] or 0) >= target_at:
            return time.monotonic() - started
        time.sleep(0.1)
    view = {k: hall.get(k) for k in ("stale", "link", "hub", "data_at", "heard_at", "flags")} if hall else None
    print(f"not caught up: {site} at the relay {view}, hall's newest data at {target_at:.3f}", file=sys.stderr)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--halls", type=int, default=400)
    parser.add_argument("--viewers", default="2000,5000,10000", help="viewers per relay, in steps")
    parser.add_argument("--cut", type=float, default=300.0, help="seconds hall r1's link stays cut")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measured phase")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    peak = args.halls / PEAK_EVERY
    rows: list[tuple[str, float, str, str, bool]] = []
    with tempfile.TemporaryDirectory(prefix="sunbeon-city-bench-") as name:
        tmp = Path(name)
        certs = bridge.make_test_ca(tmp / "ca")
        central_port, relay_port = free_port(), free_port()
        sites = ("r1", "r2", "r3")
        central_cfg = bridge.Central(sites=sites, port=central_port, certfile=str(certs["cert"]),
                                     keyfile=str(certs["key"]), password_file=str(tmp / "c.passwd"),
                                     acl_file=str(tmp / "c.acl"), relay_port=relay_port, persistence=None)  # fmt: skip
        for login, password in [*((f"hall-{s}", f"pw-{s}") for s in sites), ("city-relay", "relay-pw"),
                                ("synth", "synth-pw")]:  # fmt: skip
            deploy.set_login(Path(central_cfg.password_file), login, password)
        bridge.write_central(central_cfg, tmp)
        with open(central_cfg.acl_file, "a") as acl:
            acl.write("user synth\ntopic write sunbeon/v1/+/#\n")  # the synthetic halls' bridges, as one login
        (tmp / "central").mkdir()
        central = Broker(central_port, conf=(tmp / "sunbeon-city.conf").read_text(), folder=tmp / "central").start()
        assert central.process is not None
        real = [RealHall(s, tmp, central_port, str(certs["ca"]), cut=(s == "r1")) for s in sites]
        generator = Generator(relay_port, args.halls)
        relays = [start_relay(tmp, f"city-relay-{i}", relay_port) for i in (1, 2)]
        try:
            for process, port in relays:
                ready(process, port)
            for h in real:
                h.thread.start()

            def phase(rate: float, label: str) -> None:
                generator.rate = rate
                time.sleep(2)
                cpu0, sent0, t0 = cpu_seconds(central.process.pid), generator.sent, time.monotonic()
                latencies: list[float] = []

                async def run() -> None:
                    await asyncio.gather(
                        *(watch(port, args.seconds, latencies) for _, port in relays for _ in range(5))
                    )

                asyncio.run(run())
                spent = time.monotonic() - t0
                cpu = (cpu_seconds(central.process.pid) - cpu0) / spent * 100
                rate_in = (generator.sent - sent0) / spent
                # Each message in is delivered to 2 relays (+ the bridges' messages, counted by rate_in only for synth).
                ok = bool(latencies) and percentile(latencies, 99) <= 2.0
                rows.extend([
                    (f"{label}: hall change → city SSE p50", ms(latencies, 50), "ms", "—", True),
                    (f"{label}: hall change → city SSE p99", ms(latencies, 99), "ms",
                     "≤ 2,000 ms" if label == "peak" else "—", ok or label != "peak"),
                    (f"{label}: hall changes timed", len(latencies), "", "—", True),
                    (f"{label}: messages into the central broker (synthetic halls)", rate_in, "/s", "—", True),
                    (f"{label}: central broker CPU", cpu, "% of one core", "—", True),
                    # The box is shared: the figures above mean little without what else ran.
                    (f"{label}: load average (1 min) at the end", os.getloadavg()[0], "", "—", True),
                ])  # fmt: skip

            phase(peak, "peak")
            phase(peak * 100, "100× peak")
            generator.rate = peak

            # Memory with many viewers, one relay at a time.
            steps = [int(v) for v in args.viewers.split(",") if v.strip()]
            for index, (process, port) in enumerate(relays, 1):
                if steps:
                    rows.extend(many_viewers(index, process, port, steps, args.seconds))

            # The link cut: hall r1 keeps working; then the city catches up.
            if args.cut <= 0:
                return
            r1 = real[0]
            assert r1.proxy is not None
            r1.proxy.cut()
            time.sleep(args.cut)
            cut_seq = r1.seq()
            import urllib.request

            with urllib.request.urlopen(f"http://127.0.0.1:{relays[0][1]}/api/halls", timeout=5) as answer:
                during = {h["site"]: h for h in json.loads(answer.read())["halls"]}.get("r1", {})
            rows.append(("hall r1 shown stale while cut", float(bool(during.get("stale"))), "(1 = yes)", "yes",
                         bool(during.get("stale"))))  # fmt: skip
            assert r1.kiosk.snapshot is not None
            target_at = r1.kiosk.snapshot.at - 0.001  # the hall's newest state when the link comes back
            r1.proxy.heal()
            caught = caught_up(relays[0][1], "r1", target_at)
            rows.append((f"catch-up after hall r1's link was cut for {args.cut:g} s (seq {cut_seq})",
                         caught if caught is not None else -1, "s", "—", caught is not None))  # fmt: skip
        finally:
            generator.close()
            for process, _ in relays:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()  # a relay still busy with thousands of closing streams
                    process.wait(10)
            for h in real:
                h.close()
            central.stop()
            report("city", rows)


if __name__ == "__main__":
    main()
