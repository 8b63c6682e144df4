"""A city link that stays down long enough for the hall's bridge to fail several attempts, then comes back.

Mosquitto 2.0.11's own TLS bridge stops retrying for good after two or three failed TLS attempts
(bench/city_cut.py; a 5-minute cut never recovered). The bridge `sunbeon bridge add` writes
therefore speaks plain MQTT to a local stunnel (tools/bridge.py `tunnel_conf`), which does the TLS
and verifies the central broker. Here the central broker's port refuses connections while cut (as
a central box whose broker is down does); the cut lasts long enough for ≥ 3 failed attempts.
"""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.netcut import Cuttable, Tunnel
from tools import bridge, deploy
from tools.broker import Broker, free_port


def wait(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def attempts(log: Path) -> int:
    return log.read_text(errors="replace").count("Connecting bridge (step 1)")


@pytest.mark.timeout(150)
def test_a_long_outage_of_the_city_link_recovers_through_the_tunnel(tmp_path: Path) -> None:
    certs = bridge.make_test_ca(tmp_path / "ca")
    central_port, relay_port = free_port(), free_port()
    central_cfg = bridge.Central(sites=("a",), port=central_port, certfile=str(certs["cert"]),
                                 keyfile=str(certs["key"]), password_file=str(tmp_path / "c.passwd"),
                                 acl_file=str(tmp_path / "c.acl"), relay_port=relay_port, persistence=None)  # fmt: skip
    for login, password in (("hall-a", "pw-a"), ("city-relay", "relay-pw")):
        deploy.set_login(Path(central_cfg.password_file), login, password)
    bridge.write_central(central_cfg, tmp_path)
    (tmp_path / "central").mkdir()
    (tmp_path / "a").mkdir()
    central = Broker(central_port, conf=(tmp_path / "sunbeon-city.conf").read_text(), folder=tmp_path / "central")
    central.start()
    proxy = Cuttable(central_port, mode="refuse")
    link = bridge.HallBridge(site="a", host="127.0.0.1", port=proxy.port, password="pw-a", cafile=str(certs["ca"]),
                             keepalive=5, restart="1 2", tunnel=True, tunnel_port=free_port())  # fmt: skip
    tunnel = Tunnel(bridge.tunnel_conf(link), tmp_path, link.tunnel_port)
    hall = Broker(extra=bridge.hall_conf(link) + f"\nuser {getpass.getuser()}\n", folder=tmp_path / "a").start()
    seen: dict[str, bytes] = {}
    relay = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="relay-outage", protocol=mqtt.MQTTv5)
    relay.username_pw_set("city-relay", "relay-pw")
    relay.on_connect = lambda c, u, f, rc, p: c.subscribe(
        [("sunbeon/v1/a/state/snapshot", 1), ("sunbeon/v1/a/city/link", 1)]
    )
    relay.on_message = lambda c, u, m: seen.__setitem__(m.topic.rsplit("/", 2)[-2], bytes(m.payload))
    hub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="hub-a", protocol=mqtt.MQTTv5)
    try:
        relay.connect("127.0.0.1", relay_port)
        relay.loop_start()
        hub.connect("127.0.0.1", hall.port)
        hub.loop_start()
        hub.publish("sunbeon/v1/a/state/snapshot", b"1", qos=1, retain=True).wait_for_publish(10)
        assert wait(lambda: seen.get("city") == b"1" and seen.get("state") == b"1", 30), seen

        proxy.cut()
        assert wait(lambda: seen.get("city") == b"0", 30), "the city did not see the link drop"
        before = attempts(hall.log)
        # The hall keeps working (its broker takes every publish), while the bridge fails attempt after attempt.
        n = 1
        while attempts(hall.log) < before + 4:
            n += 1
            sent = hub.publish("sunbeon/v1/a/state/snapshot", str(n).encode(), qos=1, retain=True)
            sent.wait_for_publish(5)
            assert sent.is_published()
            assert n < 90, f"the bridge stopped retrying: {hall.log.read_text()[-1500:]}"
            time.sleep(0.5)
        assert seen.get("state") == b"1"

        proxy.heal()
        assert wait(lambda: seen.get("city") == b"1" and seen.get("state") == str(n).encode(), 60), (
            seen,
            hall.log.read_text()[-1500:],
        )
    finally:
        for c in (hub, relay):
            c.disconnect()
            c.loop_stop()
        hall.stop()
        tunnel.close()
        proxy.close()
        central.stop()
