"""Notifier benchmark: 10,000 waiting tickets with contacts, bursts of calls; the time from a burst
of calls to the provider receiving each message it made due.

Run: make bench   (or .venv/bin/python bench/notify.py [--tickets N] [--provider webhook|solapi])
Budget (DESIGN.md §7): call → every due notification handed to the provider, p99 ≤ 1 s.

A real Mosquitto, the real hub (in a thread), the real notifier (`notify.main.build`, in this
process) and a local provider fake over HTTP (the signed webhook by default; --provider solapi
goes through SOLAPI's SDK to the SOLAPI fake). Contacts are registered over MQTT by the web relay's
login, as the ticket page does. Each burst: 20 counters press NEXT at once (staff commands); the
latency of a message is its arrival at the fake minus the moment the call that made it due reached
a subscriber (the call event: what the hall board shows). The hub runs as its own process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import ROOT, bench_hall, percentile, report, rss_mb

from notify.main import build, vapid_keys
from tests.notify.fakes import FakeSolapi, FakeWebhook
from tools.broker import Broker
from wire import config
from wire.client import HubClient

COUNTERS = 20
BURSTS = 10


def hall_text(port: int, folder: Path, provider: str, hook: FakeWebhook, solapi: FakeSolapi) -> str:
    text = bench_hall(port, str(folder / "hub.db"))
    for n in range(4, 4 + COUNTERS):
        text += (
            f'\n[[counters]]\nid = "{n}"\nlabel = {{ ko = "{n}번 창구", en = "Counter {n}" }}\nservices = [["cert"]]\n'
        )
    private, _public = vapid_keys()
    (folder / "secrets.toml").write_text(
        'webhook_secret = "bench"\nsolapi_key = "NCSBENCH"\nsolapi_secret = "bench-secret"\n'
        f'vapid_private_key = "{private}"\n'
    )
    from cryptography.fernet import Fernet

    (folder / "notify.key").write_bytes(Fernet.generate_key())
    return (
        text
        + f'''
[notify]
database = "{folder / "notify.db"}"
key_file = "{folder / "notify.key"}"
secrets_file = "{folder / "secrets.toml"}"
stages = [5, 2, 0]
sms = "{provider}"
per_phone_per_hour = 100
per_hall_per_minute = 100000
workers = 8
[notify.webhook]
url = "{hook.url}"
[notify.solapi]
sender = "0212345678"
base_url = "{solapi.url}"
'''
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--provider", choices=["webhook", "solapi"], default="webhook")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sunbeon-bench-notify-"))
    hook, solapi = FakeWebhook(b"bench").start(), FakeSolapi("NCSBENCH", "bench-secret").start()
    fake = hook if args.provider == "webhook" else solapi
    with Broker() as broker:
        path = folder / "hall.toml"
        path.write_text(hall_text(broker.port, folder, args.provider, hook, solapi))  # type: ignore[arg-type]
        hall = config.load(path)
        # The hub in its own process, as in a hall: the notifier's figures are not the hub's GIL.
        hub_log = (folder / "hub.log").open("wb")
        hub = subprocess.Popen([sys.executable, "-m", "tools.entry", "hub", "--config", str(path)], cwd=ROOT,
                               stderr=hub_log)  # fmt: skip
        notifier = build(hall, client_id="bench-notify").start()
        staff = HubClient(hall.site.id, "staff", hall.mqtt, role="staff").start()
        web = HubClient(hall.site.id, "web", hall.mqtt, role="web", calls=False).start()
        assert staff.wait_for(lambda c: c.online, 30) and web.wait_for(lambda c: c.online, 30)
        calls: list[float] = []  # when each call event reached a subscriber (the hall board would show it)
        staff.on_call(lambda event: calls.append(time.time()))
        assert notifier.connected.wait(10)

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            tickets = list(
                pool.map(lambda _: staff.request("issue", service="cert", timeout=30).data, range(args.tickets))
            )
        issued_s = time.perf_counter() - started
        assert all(tickets)
        time.sleep(1.5)  # the last state/places reaches the notifier

        def register(i: int) -> str:
            reply = web.request("notify_register", to="notify", timeout=60, token=tickets[i]["token"],
                                phone=f"010{i:08d}", consent=True)  # fmt: skip
            return reply.status

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(register, range(args.tickets)))
        registered_s = time.perf_counter() - started
        assert statuses.count("ok") == args.tickets, {s: statuses.count(s) for s in set(statuses)}
        time.sleep(2)  # the stages due at registration (the first six tickets) go out
        latencies: list[float] = []
        calls_done: list[float] = []  # burst sent → the hub answered every call (the hub's part, not measured)
        decided: list[float] = []  # the call event → the notifier recorded the message due
        handed: list[float] = []  # recorded due → the provider has it
        for _ in range(BURSTS):
            before = len(fake.received)
            t0 = time.time()
            with ThreadPoolExecutor(COUNTERS) as pool:
                list(pool.map(lambda n: staff.request("call_next", counter=str(n)), range(4, 4 + COUNTERS)))
            t_calls = time.time()
            deadline = time.monotonic() + 10
            seen = before
            while time.monotonic() < deadline:  # until no new message for 1.5 s
                time.sleep(0.5)
                if len(fake.received) == seen and time.monotonic() > deadline - 8.5:
                    break
                seen = len(fake.received)
            latencies += [r.at - t0 for r in fake.received[before:]]
            calls_done.append(t_calls - t0)
            for r in fake.received[before:]:
                key = r.body.get("id") if args.provider == "webhook" else None
                row = (
                    notifier.store.db.execute("SELECT created FROM outbox WHERE key = ?", (key,)).fetchone()
                    if key
                    else None
                )
                if row:
                    decided.append(row[0] - t0)
                    handed.append(r.at - row[0])
        notify_rss = rss_mb()
        counts = notifier.deliverer.counts
        problems = fake.problems
        notifier.stop()
        staff.close()
        web.close()
        hub.terminate()
        hub.wait(20)
        hub_log.close()
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    for name, values in (
        ("hub answered the burst of 20 calls", calls_done),
        ("call → notifier decided", decided),
        ("decided → provider had it", handed),
    ):
        if values:
            print(f"{name}: p50 {percentile(values, 50) * 1000:.0f} ms, p99 {percentile(values, 99) * 1000:.0f} ms")
    print(f"{args.tickets} tickets issued in {issued_s:.1f} s; {args.tickets} contacts registered over MQTT in "
          f"{registered_s:.1f} s ({args.tickets / registered_s:,.0f}/s); {len(latencies)} messages from "
          f"{BURSTS} bursts of {COUNTERS} calls; sent {counts.sent}, retried {counts.retried}, "
          f"dead {counts.dead_letters}; "
          f"provider problems {problems[:3]}")  # fmt: skip
    report(
        f"notify-{args.provider}",
        [
            ("call → provider request, p50", p50 * 1000, "ms", "—", True),
            ("call → provider request, p99", p99 * 1000, "ms", "≤ 1,000 ms", p99 <= 1.0),
            ("messages measured", float(len(latencies)), "", "—", len(latencies) > 0),
            ("contacts registered per second (MQTT, sealed, synchronous=FULL)", args.tickets / registered_s, "/s", "—",
             True),
            ("this process (notifier + fakes + clients) RSS", notify_rss, "MB", "—", True),
        ],
    )  # fmt: skip
    hook.stop()
    solapi.stop()


if __name__ == "__main__":
    main()
