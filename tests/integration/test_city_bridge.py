"""The city tier with real Mosquitto processes: two hall brokers bridged over TLS to a central broker.

Hall A runs a real hub; hall B is a synthetic hall. Checked here: what crosses the bridge (and
what does not, either way), the central ACL refusing a hall outside its prefix, a cut of hall A's
link (through a TCP proxy we can cut) that the hall does not notice while the city shows it stale,
the retained catch-up when the link is back, and a central broker restart.
"""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from city.config import CentralBroker, CityConfig
from city.relay import CityLink
from city.state import CityState
from city.store import SummaryStore
from city.synthetic import SyntheticHall
from tests.conftest import RunningHub
from tests.halls import hall_text
from tests.netcut import Cuttable
from tools import bridge, deploy
from tools.broker import Broker, free_port

ME = getpass.getuser()


class Watcher:
    """An MQTT client that records what arrives (a login at the central broker, or anonymous on a hall's)."""

    def __init__(self, port: int, topics: list[str], login: tuple[str, str] | None = None) -> None:
        self.got: list[tuple[str, bytes]] = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"watch-{free_port()}", protocol=mqtt.MQTTv5)
        if login:
            self.client.username_pw_set(*login)
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe([(t, 1) for t in topics])
        self.client.on_message = lambda c, u, m: self.got.append((m.topic, bytes(m.payload)))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait(predicate: Callable[[], object], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def publish(port: int, topic: str, payload: bytes, *, retain: bool = True, login: tuple[str, str] | None = None,
            cafile: str | None = None) -> object:  # fmt: skip
    """Publish one QoS 1 message over MQTT 5; the PUBACK's reason code."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"pub-{free_port()}", protocol=mqtt.MQTTv5)
    acks: list[object] = []
    client.on_publish = lambda c, u, mid, rc, p: acks.append(rc)
    if login:
        client.username_pw_set(*login)
    if cafile:
        client.tls_set(ca_certs=cafile)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)
        wait(lambda: acks, 5)
    finally:
        client.disconnect()
        client.loop_stop()
    return acks[0] if acks else None


@pytest.fixture
def city(tmp_path: Path) -> Iterator[dict]:
    certs = bridge.make_test_ca(tmp_path / "ca")
    central_port, relay_port = free_port(), free_port()
    (tmp_path / "central").mkdir()
    central_cfg = bridge.Central(
        sites=("a", "b"),
        port=central_port,
        certfile=str(certs["cert"]),
        keyfile=str(certs["key"]),
        password_file=str(tmp_path / "central.passwd"),
        acl_file=str(tmp_path / "central.acl"),
        relay_port=relay_port,
        relays=("city-relay",),
        persistence=str(tmp_path / "central") + "/",
    )
    for login, password in (("hall-a", "pw-a"), ("hall-b", "pw-b"), ("city-relay", "relay-pw"), ("spy", "spy-pw")):
        deploy.set_login(Path(central_cfg.password_file), login, password)
    bridge.write_central(central_cfg, tmp_path)
    # A test-only login that reads everything, to see what did (not) cross.
    with open(central_cfg.acl_file, "a") as acl:
        acl.write("user spy\ntopic read #\n")
    central = Broker(central_port, conf=(tmp_path / "sunbeon-city.conf").read_text(), folder=tmp_path / "central")
    central.start()
    proxy = Cuttable(central_port)
    halls: dict[str, Broker] = {}
    for site, port in (("a", proxy.port), ("b", central_port)):
        link = bridge.HallBridge(site=site, host="127.0.0.1", port=port, password=f"pw-{site}", cafile=str(certs["ca"]),
                                 keepalive=5, restart="1 2")  # fmt: skip
        (tmp_path / site).mkdir()
        halls[site] = Broker(extra=bridge.hall_conf(link) + f"\nuser {ME}\n", folder=tmp_path / site).start()
    hall_file = tmp_path / "a.toml"
    hall_file.write_text(
        hall_text(port=halls["a"].port, database=str(tmp_path / "a.db")).replace('id = "test"', 'id = "a"', 1),
        encoding="utf-8",
    )
    hub = RunningHub(hall_file, tmp_path / "a.db").start()
    config = CityConfig(database=str(tmp_path / "city.db"), stale_after=30,
                        mqtt=CentralBroker(port=relay_port, username="city-relay", password="relay-pw"))  # fmt: skip
    state = CityState(config)
    store = SummaryStore(config.database)
    link = CityLink(config, state, store)
    link.start()
    spy = Watcher(relay_port, ["#"], ("spy", "spy-pw"))
    made = {"central": central, "halls": halls, "hub": hub, "state": state, "store": store, "proxy": proxy,
            "certs": certs, "central_port": central_port, "spy": spy, "link": link}  # fmt: skip
    try:
        yield made
    finally:
        spy.close()
        link.close()
        hub.stop()
        for b in halls.values():
            b.stop()
        proxy.close()
        central.stop()


def waiting(state: CityState, site: str, service: str = "cert") -> int | None:
    hall = state.halls.get(site)
    snap = hall.snapshot if hall else None
    found = snap.service(service) if snap else None
    return found.waiting if found else None


@pytest.mark.timeout(120)
def test_halls_reach_the_city_commands_never_cross_acl_refuses_and_a_cut_link_recovers(city: dict) -> None:
    state: CityState = city["state"]
    hub: RunningHub = city["hub"]
    kiosk = hub.client("kiosk-1")
    b = SyntheticHall("b", "나동 주민센터", seed=2)
    b_port = city["halls"]["b"].port
    publish(b_port, "sunbeon/v1/b/state/snapshot", json.dumps(b.step()).encode())
    publish(b_port, "sunbeon/v1/b/hub/status", b'{"v":1,"state":"online"}')
    publish(b_port, "sunbeon/v1/b/hall/info", json.dumps(b.info()).encode())

    # 1. Delivery: both halls' retained state reaches the city over the TLS bridges.
    assert wait(lambda: waiting(state, "a") == 0 and state.halls.get("b") and state.halls["b"].snapshot), state.halls
    assert wait(lambda: state.halls["a"].link is True and state.halls["b"].link is True)
    assert kiosk.request("issue", service="cert").status == "ok"
    assert wait(lambda: waiting(state, "a") == 1)
    assert state.halls["b"].info["lat"] == pytest.approx(b.lat)
    now = time.time()
    assert not state.stale(state.halls["a"], now) and not state.stale(state.halls["b"], now)

    # 2. Only the city's topics cross: no command, reply or call of hall A reached the central broker.
    crossed = {topic.split("/", 3)[3] for topic, _ in city["spy"].got}
    assert crossed <= {"state/snapshot", "hub/status", "hall/info", "city/link"} | {
        t for t in crossed if t.startswith("summary/")
    }, crossed
    # Nothing flows in: hall B's login may write its own prefix at the central broker, but the
    # message never reaches hall B's broker (no `in` topics).
    inside = Watcher(b_port, ["sunbeon/v1/b/#"])
    time.sleep(0.5)
    publish(city["central_port"], "sunbeon/v1/b/cmd/kiosk-1", b'{"v":1}', retain=False, login=("hall-b", "pw-b"),
            cafile=str(city["certs"]["ca"]))  # fmt: skip
    time.sleep(1.5)
    assert not [t for t, _ in inside.got if "/cmd/" in t], inside.got
    inside.close()

    # 3. The central ACL pins hall B to its prefix: its forged snapshot of hall A is refused.
    forged = SyntheticHall("a", "가짜", seed=9).step()
    reason = publish(city["central_port"], "sunbeon/v1/a/state/snapshot", json.dumps(forged).encode(),
                     login=("hall-b", "pw-b"), cafile=str(city["certs"]["ca"]))  # fmt: skip
    assert getattr(reason, "is_failure", False) and "authorized" in str(reason).lower(), reason
    time.sleep(1.0)
    assert waiting(state, "a") == 1 and not state.halls["a"].flags
    assert not [
        p for t, p in city["spy"].got if t == "sunbeon/v1/a/state/snapshot" and b"\xea\xb0\x80\xec\xa7\x9c" in p
    ]

    # 4. Hall A's link is cut: the hall notices nothing, the city shows it stale.
    city["proxy"].cut()
    assert wait(lambda: state.halls["a"].link is False), "the central broker did not publish the bridge's will"
    assert state.stale(state.halls["a"], time.time()) and not state.stale(state.halls["b"], time.time())
    for _ in range(2):
        assert kiosk.request("issue", service="cert").status == "ok"  # the hall works alone
    assert waiting(state, "a") == 1  # the city keeps the last data it had

    # 5. The link is back: the retained state catches up by itself.
    city["proxy"].heal()
    assert wait(lambda: waiting(state, "a") == 3 and state.halls["a"].link is True, 30), state.halls["a"]
    assert not state.stale(state.halls["a"], time.time())
    kiosk.close()


@pytest.mark.timeout(120)
def test_a_central_broker_restart_recovers_by_itself(city: dict) -> None:
    state: CityState = city["state"]
    b_port = city["halls"]["b"].port
    b = SyntheticHall("b", "나동 주민센터", seed=2)
    publish(b_port, "sunbeon/v1/b/state/snapshot", json.dumps(b.step()).encode())
    assert wait(lambda: waiting(state, "a") == 0 and state.halls.get("b") and state.halls["b"].snapshot)
    city["central"].restart(pause=1.0)
    assert wait(lambda: city["link"].connected.is_set(), 30), "the relay did not reconnect"
    snap = b.step()
    publish(b_port, "sunbeon/v1/b/state/snapshot", json.dumps(snap).encode())
    assert wait(lambda: state.halls["b"].snapshot and state.halls["b"].snapshot.seq == snap["seq"], 30)
    assert wait(lambda: state.halls["a"].link is True and state.halls["b"].link is True, 30)
    assert wait(lambda: not state.stale(state.halls["a"], time.time()), 30)
