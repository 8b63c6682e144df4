"""`sunbeon demo --city`: a city on this machine — simulated 주민센터, each with its own Mosquitto
bridged over TLS to a central Mosquitto, and the city relay serving the city page.

The halls are synthetic (city/synthetic.py: the hub's snapshot shape, drifting waits) so a
laptop runs a dozen; `make demo` shows one real hall in full (tools/demo.py). One hall's link is
cut after a while and healed later, so the page shows "stale since" and the catch-up.
"""

from __future__ import annotations

import getpass
import json
import random
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from city.config import CentralBroker, CityConfig, ReportSettings, ReportUser
from city.synthetic import SyntheticHall, halls
from tools import bridge, deploy
from tools.broker import Broker, free_port
from web.auth import hash_password
from wire import protocol as p
from wire.hall import HallInfo, Names

# (site, name, address, lat, lon): what each hall's own config says in [site.location] (demo data).
DISTRICT = [
    ("seongsu1", "성수1가제1동 주민센터", "서울특별시 성동구 뚝섬로1길 43", 37.5447, 127.0557),
    ("wangsimni", "왕십리도선동 주민센터", "서울특별시 성동구 왕십리로 410", 37.5653, 127.0318),
    ("haengdang", "행당제1동 주민센터", "서울특별시 성동구 행당로 89", 37.5581, 127.0297),
    ("oksu", "옥수동 주민센터", "서울특별시 성동구 독서당로 220", 37.5404, 127.0134),
    ("geumho", "금호2·3가동 주민센터", "서울특별시 성동구 금호로 100", 37.5485, 127.0207),
    ("songjeong", "송정동 주민센터", "서울특별시 성동구 송정12길 20", 37.5573, 127.0674),
    ("yongdap", "용답동 주민센터", "서울특별시 성동구 용답중앙길 60", 37.5636, 127.0522),
    ("sageun", "사근동 주민센터", "서울특별시 성동구 사근동길 40", 37.5620, 127.0437),
]
T = TypeVar("T")
REPORT_LOGIN = ("demo", "demo-report")  # the demo's report console login (printed at start)


@dataclass
class CityDemo:
    """The whole city topology, started and stopped as one."""

    n: int = 6
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sunbeon-city-demo-")))
    halls: list[SyntheticHall] = field(default_factory=list)
    brokers: dict[str, Broker] = field(default_factory=dict)
    publishers: dict[str, mqtt.Client] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)

    def start(self) -> CityDemo:
        certs = bridge.make_test_ca(self.folder / "ca")
        self.central_port, self.relay_port = free_port(), free_port()
        chosen = DISTRICT[: self.n] + [
            (h.site, h.name, f"서울특별시 성동구 {h.name}", h.lat, h.lon) for h in halls(max(0, self.n - len(DISTRICT)))
        ]
        central = bridge.Central(
            sites=tuple(site for site, *_ in chosen),
            port=self.central_port,
            certfile=str(certs["cert"]),
            keyfile=str(certs["key"]),
            password_file=str(self.folder / "central.passwd"),
            acl_file=str(self.folder / "central.acl"),
            relay_port=self.relay_port,
            persistence=None,
        )
        for site, *_ in chosen:
            deploy.set_login(Path(central.password_file), bridge.hall_login(site), f"pw-{site}")
        deploy.set_login(Path(central.password_file), "city-relay", "relay-pw")
        bridge.write_central(central, self.folder)
        (self.folder / "central").mkdir(exist_ok=True)
        self.central = Broker(
            self.central_port, conf=(self.folder / "sunbeon-city.conf").read_text(), folder=self.folder / "central"
        ).start()
        for i, (site, name, address, lat, lon) in enumerate(chosen):
            hall = SyntheticHall(site, name, seed=i + 1)
            hall.lat, hall.lon = lat, lon
            self.addresses[site] = address
            self.halls.append(hall)
            link = bridge.HallBridge(site=site, host="127.0.0.1", port=self.central_port, password=f"pw-{site}",
                                     cafile=str(certs["ca"]), keepalive=5, restart="1 3")  # fmt: skip
            (self.folder / site).mkdir(exist_ok=True)
            broker = Broker(extra=bridge.hall_conf(link) + f"\nuser {getpass.getuser()}\n", folder=self.folder / site)
            self.brokers[site] = broker.start()
            self._connect(hall)
        self.config = CityConfig(
            name="성동구",
            database=str(self.folder / "city.db"),
            mqtt=CentralBroker(port=self.relay_port, username="city-relay", password="relay-pw", client_id="city-demo"),
            # No [[halls]]: names, addresses and positions come from each hall's own `hall/info`.
            report=ReportSettings(
                users=[ReportUser(login=REPORT_LOGIN[0], password_hash=hash_password(REPORT_LOGIN[1]))],
                secret_file=str(self.folder / "city-report.secret"),
            ),
        )
        return self

    def _connect(self, hall: SyntheticHall) -> None:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"demo-hub-{hall.site}", protocol=mqtt.MQTTv5)
        root = f"sunbeon/v1/{hall.site}"
        client.will_set(f"{root}/hub/status", b'{"v":1,"state":"offline"}', qos=1, retain=True)
        client.connect("127.0.0.1", self.brokers[hall.site].port)
        client.loop_start()
        client.publish(f"{root}/hub/status", b'{"v":1,"state":"online"}', qos=1, retain=True)
        client.publish(f"{root}/hall/info", self.description(hall), qos=1, retain=True)
        client.publish(f"{root}/state/snapshot", json.dumps(hall.snapshot()).encode(), qos=1, retain=True)
        client.publish(f"{root}/summary/{today()}", summary(hall), qos=1, retain=True)
        self.publishers[hall.site] = client

    def description(self, hall: SyntheticHall) -> bytes:
        """The hall's `hall/info`, as its hub publishes it from its config's [site.location] (wire/hall.py)."""
        info = HallInfo(site=hall.site, name=Names(ko=hall.name).all(), address=self.addresses[hall.site],
                        lat=hall.lat, lon=hall.lon)  # fmt: skip
        return p.encode(info)

    def step(self, rng: random.Random) -> None:
        """One change in a random hall, and every hub's heartbeat."""
        hall = rng.choice(self.halls)
        client = self.publishers[hall.site]
        client.publish(f"sunbeon/v1/{hall.site}/state/snapshot", json.dumps(hall.step()).encode(), qos=1, retain=True)
        for h in self.halls:
            self.publishers[h.site].publish(f"sunbeon/v1/{h.site}/hub/status", b'{"v":1,"state":"online"}', qos=1)

    def cut(self, site: str) -> None:
        """The hall's city link drops (its broker stops: the central broker publishes the bridge's will)."""
        self.brokers[site].stop()

    def heal(self, site: str) -> None:
        self.brokers[site].start()
        hall = next(h for h in self.halls if h.site == site)
        self.publishers[site].loop_stop()
        self._connect(hall)

    def stop(self) -> None:
        for client in self.publishers.values():
            client.disconnect()
            client.loop_stop()
        for broker in self.brokers.values():
            broker.stop()
        if hasattr(self, "central"):  # not yet there when a Ctrl-C came during start
            self.central.stop()


def today() -> str:
    """The business date in Seoul."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d")


def summary(hall: SyntheticHall) -> bytes:
    """A plausible day's summary for a synthetic hall (the city report has something to compare)."""
    rng = random.Random(hall.seed)
    tasks: dict[str, Any] = {}
    for task in ["all", *hall.waiting]:
        tickets = rng.randint(60, 240) * (3 if task == "all" else 1)
        p50 = rng.uniform(4, 25)
        tasks[task] = {"tickets": tickets, "served": int(tickets * 0.93), "no_shows": int(tickets * 0.04),
                       "cancelled": int(tickets * 0.03), "called": int(tickets * 0.97), "wait_p50": round(p50, 1),
                       "wait_p90": round(p50 * 2.1, 1), "wait_mean": round(p50 * 1.2, 1), "service_mean": 4.2,
                       "estimate_inside": round(rng.uniform(0.6, 0.9), 2),
                       "estimate_mae": round(rng.uniform(2, 8), 1)}  # fmt: skip
    body = {"v": 1, "site": hall.site, "date": today(), "at": time.time(), "final": False,
            "names": {t: t for t in hall.waiting}, "tasks": tasks}  # fmt: skip
    return p.encode(p.DailySummary.model_validate(body))


def run(*, halls: int = 6, port: int | None = None, minutes: float = 0, out: str = "out/demo") -> int:
    """Run the city demo until Ctrl-C (or `minutes`)."""
    import uvicorn

    from city.app import create_app

    demo = CityDemo(n=max(2, min(halls, 40)))
    try:
        _without_ctrl_c(demo.start)
    except KeyboardInterrupt:  # a Ctrl-C during start is delivered as the block ends: stop what started
        demo.stop()
        return 130
    app, _ = create_app(demo.config)
    web_port = port or 8090
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=web_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    print(f"city page:   http://127.0.0.1:{web_port}/   (widget: /widget, JSON: /api/halls)")
    print(f"report:      http://127.0.0.1:{web_port}/report   (login {REPORT_LOGIN[0]} / {REPORT_LOGIN[1]})")
    print(f"{len(demo.halls)} halls, each with its own Mosquitto bridged over TLS to the central broker on "
          f":{demo.central_port}; files in {demo.folder}")  # fmt: skip
    rng = random.Random(1)
    started = time.monotonic()
    victim = demo.halls[-1].site
    state = "up"
    try:
        while not minutes or time.monotonic() - started < minutes * 60:
            demo.step(rng)
            elapsed = time.monotonic() - started
            if state == "up" and elapsed > 60:
                print(f"cutting {victim}'s city link: the city page shows it stale")
                demo.cut(victim)
                state = "cut"
            elif state == "cut" and elapsed > 120:
                print(f"{victim}'s link is back: its retained state catches up")
                _without_ctrl_c(lambda: demo.heal(victim))
                state = "healed"
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("stopping (Ctrl-C): the relay, then the halls' and the central broker", flush=True)
    finally:
        server.should_exit = True
        thread.join(10)
        demo.stop()
    return 0


def _without_ctrl_c(start: Callable[[], T]) -> T:
    """Run `start` with SIGINT blocked, so the Mosquitto processes it starts inherit the block: a Ctrl-C
    in the terminal (sent to the whole process group) then stops the demo alone, which stops the
    relay before the brokers (they died first, and the relay said "lost the central broker")."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
