"""`sunbeon demo`: a whole hall on one machine — broker, hub, simulated visitors and clerks.

The example hall's hours are widened to the whole day so the demo works at any hour.
"""

from __future__ import annotations

import logging
import random
import tempfile
import threading
import time
from pathlib import Path

from hub import bootstrap, config as cfg
from hub.broker import Broker
from hub.client import HubClient

log = logging.getLogger("sunbeon.demo")
ALL_DAY = cfg.Hours(open="00:00", close="23:59", days=cfg.DAYS)  # type: ignore[arg-type]


def demo_hall(hall: cfg.HallConfig, port: int, database: str) -> cfg.HallConfig:
    """The hall as given, on a private broker and database, open all day."""
    services = [s.model_copy(update={"hours": ALL_DAY}) for s in hall.services]
    # Validated anew (not model_copy) so the config's id indexes see the new services.
    return cfg.HallConfig.model_validate({
        **dict(hall), "services": services,
        "mqtt": cfg.Mqtt(host="127.0.0.1", port=port), "hub": cfg.HubSettings(database=database),
    })


class Visitors(threading.Thread):
    """Visitors arriving at a kiosk: exponential gaps, a task mix, some priority, several languages."""

    def __init__(self, hall: cfg.HallConfig, client: HubClient, stop: threading.Event, speed: float,
                 per_hour: float = 90, seed: int = 1) -> None:
        super().__init__(daemon=True, name="visitors")
        self.hall, self.client, self.stop, self.speed, self.per_hour = hall, client, stop, speed, per_hour
        self.random = random.Random(seed)

    def run(self) -> None:
        services = [s.id for s in self.hall.services]
        weights = [4, 2, 3, 3, 1][: len(services)] + [1] * max(0, len(services) - 5)
        while not self.stop.wait(self.random.expovariate(self.per_hour / 3600) / self.speed):
            service = self.random.choices(services, weights)[0]
            language = self.random.choices(["ko", "en", "zh", "vi"], [85, 6, 5, 4])[0]
            priority = self.hall.service(service).priority and self.random.random() < 0.08  # type: ignore[union-attr]
            reply = self.client.request("issue", service=service, language=language, priority=priority)
            if reply.status == "ok":
                log.info("visitor took %s for %s (%d ahead, %s min)", reply.data["number"], service,  # type: ignore[index]
                         reply.data["ahead"], "–".join(map(str, reply.data["estimate_minutes"])))  # type: ignore[index]


class Clerk(threading.Thread):
    """A clerk at a counter: serves each visitor for about the task's typical time, then NEXT."""

    def __init__(self, hall: cfg.HallConfig, client: HubClient, stop: threading.Event, speed: float, seed: int) -> None:
        super().__init__(daemon=True, name=f"clerk-{client.device}")
        self.hall, self.client, self.stop, self.speed = hall, client, stop, speed
        self.random = random.Random(seed)

    def run(self) -> None:
        while not self.stop.is_set():
            reply = self.client.request("call_next")
            ticket = (reply.data or {}).get("ticket") if reply.status == "ok" else None
            if ticket is None:
                self.stop.wait(5 / self.speed + 0.2)
                continue
            if self.random.random() < 0.05:
                self.stop.wait(20 / self.speed)
                self.client.request("no_show")
                continue
            minutes = self.hall.service(ticket["service"]).typical_minutes  # type: ignore[union-attr]
            self.stop.wait(self.random.gammavariate(4, minutes * 60 / 4) / self.speed)


def board(client: HubClient) -> str:
    """A text view of the hall, for a terminal."""
    snap = client.snapshot
    if snap is None:
        return "(waiting for the hub)"
    lines = [f"── {snap.site['name']['ko']}  {snap.business_date}  seq {snap.seq} ──"]
    for s in snap.services:
        low, high = s.estimate_minutes
        lines.append(f"  {s.name['ko']:<8} waiting {s.waiting:>3}  now {s.last_called or '-':>5}  ~{low}-{high} min  [{s.status}]")
    serving = [f"{c.label['ko']}:{c.serving.number if c.serving else '—'}" for c in snap.counters]
    lines.append("  " + "  ".join(serving))
    return "\n".join(lines)


def run(config_path: str | Path, *, speed: float = 20.0, minutes: float = 0, port: int = 0) -> int:
    """Run the demo until Ctrl-C (or for `minutes`)."""
    hall = cfg.load(config_path)
    folder = Path(tempfile.mkdtemp(prefix="sunbeon-demo-"))
    stop = threading.Event()
    with Broker(port or None, folder=folder) as broker:
        demo = demo_hall(hall, broker.port, str(folder / "hub.db"))
        hub = bootstrap.build(demo)
        hub_thread = threading.Thread(target=hub.run, args=(stop,), daemon=True, name="hub")
        hub_thread.start()
        print(f"Sunbeon demo: broker on 127.0.0.1:{broker.port}, data in {folder}")
        print(f"  watch the wire:  mosquitto_sub -p {broker.port} -t 'sunbeon/#' -v")
        clients = [HubClient(demo.site.id, d.id, demo.mqtt, role=d.role).start()
                   for d in demo.devices if d.role in ("kiosk", "counter")]
        kiosks = [c for c in clients if c.role == "kiosk"]
        workers: list[threading.Thread] = [Visitors(demo, kiosks[0], stop, speed)] if kiosks else []
        workers += [Clerk(demo, c, stop, speed, seed=i) for i, c in enumerate(clients) if c.role == "counter"]
        for c in clients:
            c.wait_for(lambda x: x.online, 10)
        for w in workers:
            w.start()
        deadline = time.monotonic() + minutes * 60 if minutes else None
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(3)
                print(board(clients[0]), flush=True)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            for c in clients:
                c.close()
            hub_thread.join(5)
            hub.service.store.close()
    return 0
