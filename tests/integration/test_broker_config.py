"""The shipped Mosquitto config, against a real broker: client ids tied to logins, size limit."""

from __future__ import annotations

import threading
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.integration.test_deploy import SYSTEMD, hall_files, provision  # noqa: F401 (fixture)
from tools.broker import Broker, free_port


@pytest.fixture
def shipped(hall_files):  # noqa: F811
    path, passwd, acl = hall_files
    made = provision(path, passwd, acl)
    local = free_port()
    conf = (SYSTEMD / "mosquitto" / "sunbeon.conf").read_text()
    assert "use_username_as_clientid true" in conf and "message_size_limit" in conf
    conf = (
        conf.replace("listener 1884 127.0.0.1", f"listener {local} 127.0.0.1")
        .replace("listener 1883", "listener {port} 127.0.0.1")
        .replace("/etc/mosquitto/sunbeon.passwd", str(passwd))
        .replace("/etc/mosquitto/sunbeon.acl", str(acl))
    )
    with Broker(conf=conf, folder=path.parent) as broker:
        yield broker, local, made, path


class Conn:
    """A raw MQTT 5 connection that records when the broker throws it off."""

    def __init__(self, port: int, login: str, password: str, client_id: str) -> None:
        self.connected, self.dropped = threading.Event(), threading.Event()
        self.reason = None
        self.got: list[mqtt.MQTTMessage] = []
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        self.client.username_pw_set(login, password)
        self.client.on_connect = lambda c, u, f, reason, p: (setattr(self, "reason", reason), self.connected.set())
        self.client.on_disconnect = lambda c, u, f, reason, p: self.dropped.set()
        self.client.on_message = lambda c, u, m: self.got.append(m)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.connected.wait(5) and not self.reason.is_failure, self.reason

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_a_device_login_cannot_take_the_hubs_client_id(shipped):
    broker, local, made, _ = shipped
    hub = Conn(local, "hub", made["hub"], "sunbeon-hub-acl-0123456789ab")
    # A kiosk on the hall LAN claims the hub's client id (and then another device's).
    kiosk = Conn(broker.port, "kiosk-1", made["kiosk-1"], "sunbeon-hub-acl-0123456789ab")
    counter = Conn(broker.port, "counter-3", made["counter-3"], "counter-3")
    imposter = Conn(broker.port, "kiosk-1", made["kiosk-1"], "counter-3")
    time.sleep(1.0)
    assert not hub.dropped.is_set(), "a kiosk login threw the hub off the broker"
    assert not counter.dropped.is_set(), "a kiosk login threw counter-3 off the broker"
    # On the LAN listener the client id is the login: the second kiosk-1 connection replaced the first.
    assert kiosk.dropped.wait(5)
    for c in (hub, counter, imposter):
        c.close()


def test_the_hub_box_listener_takes_several_connections_per_login(shipped):
    _broker, local, made, _ = shipped
    relay = Conn(local, "web", made["web"], "web-1a2b3c")
    console = Conn(local, "web", made["web"], "web-counter-3")
    time.sleep(0.5)
    assert not relay.dropped.is_set() and not console.dropped.is_set()
    relay.close()
    console.close()


def test_the_broker_refuses_oversized_publishes_but_carries_a_large_hub_message(shipped):
    broker, local, made, _ = shipped
    root = "sunbeon/v1/acl"
    hub = Conn(local, "hub", made["hub"], "sunbeon-hub-acl-size")
    hub.client.subscribe(f"{root}/cmd/+", qos=1)
    watcher = Conn(local, "web", made["web"], "web-watch")  # the relay reads state/places
    watcher.client.subscribe(f"{root}/state/#", qos=1)
    kiosk = Conn(broker.port, "kiosk-1", made["kiosk-1"], "kiosk-1")
    time.sleep(0.3)
    kiosk.client.publish(f"{root}/cmd/kiosk-1", b"x" * (2 * 1024 * 1024 + 1), qos=1)
    kiosk.client.publish(f"{root}/cmd/kiosk-1", b'{"small":1}', qos=1)
    places = b"[" + b",".join([b'["0123456789abcdef01234567","1234"]'] * 15000) + b"]"  # ~540 KB
    hub.client.publish(f"{root}/state/places", places, qos=1)
    deadline = time.monotonic() + 5
    while (len(hub.got) < 1 or len(watcher.got) < 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    # Mosquitto 2.0.11 drops the oversized PUBLISH and the connection that sent it (the log says
    # the client "closed its connection"); paho reconnects and resends its in-flight messages,
    # so the small one may arrive more than once (QoS 1), the big one never.
    assert hub.got and {m.payload for m in hub.got} == {b'{"small":1}'}, "the oversized command reached the hub"
    assert [len(m.payload) for m in watcher.got] == [len(places)], "a large hub message was refused"
    for c in (hub, watcher, kiosk):
        c.close()


def test_the_broker_refuses_a_publish_stuffed_with_properties(shipped):
    # message_size_limit counts the payload only: 100 MB of MQTT 5 user properties around a small
    # command passed it, and the hub that received them peaked at 438 MB. max_packet_size bounds the packet.
    import socket
    import struct

    from tests.integration.test_mqtt_properties import _packet_of, _utf8, publish_bytes

    broker, local, made, _ = shipped
    root = "sunbeon/v1/acl"
    hub = Conn(local, "hub", made["hub"], "sunbeon-hub-acl-props")
    hub.client.subscribe(f"{root}/cmd/+", qos=1)
    time.sleep(0.3)
    sock = socket.create_connection(("127.0.0.1", broker.port), timeout=10)
    body = (
        _utf8(b"MQTT")
        + bytes([5, 0xC2])
        + struct.pack("!H", 60)
        + b"\x00"
        + _utf8(b"kiosk-1")
        + _utf8(b"kiosk-1")
        + _utf8(made["kiosk-1"].encode())
    )
    sock.sendall(_packet_of(0x10, body))
    assert sock.recv(4)[:1] == b"\x20", "no CONNACK"
    props = (b"\x26" + _utf8(b"k" * 60000) + _utf8(b"v" * 5000)) * 50  # 3.3 MB of user properties
    try:
        sock.sendall(publish_bytes(f"{root}/cmd/kiosk-1", b'{"stuffed":1}', props))
        sock.settimeout(3)
        sock.recv(16)  # the broker closes the connection (or, without the limit, takes the publish)
    except OSError:
        pass  # the broker may reset the connection while we are still sending
    finally:
        sock.close()
    small = Conn(broker.port, "kiosk-1", made["kiosk-1"], "kiosk-1")
    small.client.publish(f"{root}/cmd/kiosk-1", b'{"small":1}', qos=1).wait_for_publish(5)
    deadline = time.monotonic() + 5
    while not hub.got and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert {m.payload for m in hub.got} == {b'{"small":1}'}, "the stuffed publish reached the hub"
    for c in (hub, small):
        c.close()
