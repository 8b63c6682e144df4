"""A device that stuffs MQTT 5 properties into its commands cannot stall the hub's network thread.

The broker's message_size_limit counts the payload only; paho decodes a received message's
properties in quadratic time (wire/mqtt_properties.py). Without the bound, these commands held
the hub's paho thread for minutes and a normal kiosk's ticket timed out.
"""

from __future__ import annotations

import json
import socket
import struct
import time

from paho.mqtt import _packet
from paho.mqtt.properties import VariableByteIntegers

from wire import protocol as p
from wire.mqtt_properties import PROPERTIES_LIMIT, BoundedProperties

STUFFED = 40_000  # user properties per command (5 bytes each: 200 KB, under any payload limit)


def _utf8(text: bytes) -> bytes:
    return struct.pack("!H", len(text)) + text


def _packet_of(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + VariableByteIntegers.encode(len(body)) + body


def publish_bytes(topic: str, payload: bytes, props: bytes) -> bytes:
    """A QoS 0 MQTT 5 PUBLISH with these raw property bytes, as any hostile client can send."""
    return _packet_of(0x30, _utf8(topic.encode()) + VariableByteIntegers.encode(len(props)) + props + payload)


def stuffed_properties(count: int, correlation: bytes = b"c") -> bytes:
    return (
        b"\x08" + _utf8(b"ignored/topic") + b"\x09" + _utf8(correlation) + (b"\x26" + _utf8(b"") + _utf8(b"")) * count
    )


def raw_session(port: int, client_id: str) -> socket.socket:
    """A bare MQTT 5 connection (anonymous, as the session broker allows)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = _utf8(b"MQTT") + bytes([5, 0x02]) + struct.pack("!H", 60) + b"\x00" + _utf8(client_id.encode())
    sock.sendall(_packet_of(0x10, body))
    assert sock.recv(4)[0] == 0x20, "no CONNACK"
    return sock


def test_bounded_properties_decode_small_and_skip_stuffed():
    small = publish_bytes("t", b"{}", stuffed_properties(3, correlation=b"abc"))
    decoded = _packet.decode_publish(small[0], small[2:], 5)
    assert decoded.properties.CorrelationData == b"abc" and decoded.properties.too_large == 0
    assert decoded.payload == b"{}"

    stuffed = stuffed_properties(STUFFED)
    block = VariableByteIntegers.encode(len(stuffed)) + stuffed
    props = BoundedProperties(_packet.PacketTypes.PUBLISH)
    started = time.perf_counter()
    _, used = props.unpack(block + b"{}")
    assert time.perf_counter() - started < 1.0  # not decoded at all: microseconds
    assert props.too_large == len(stuffed) > PROPERTIES_LIMIT and used == len(block)
    assert not hasattr(props, "CorrelationData")


def test_stuffed_properties_do_not_stall_the_hub(broker, hub, clients):
    topics = p.Topics(hub.hall.site.id)
    sock = raw_session(broker.port, f"stuffer-{time.monotonic_ns()}")
    try:
        props = stuffed_properties(STUFFED)
        for i in range(20):
            command = json.dumps({"v": 1, "id": f"s{i}", "op": "issue", "service": "cert"}).encode()
            sock.sendall(publish_bytes(topics.command("kiosk-1"), command, props))
        started = time.monotonic()
        reply = clients["kiosk-1"].request("issue", service="cert", timeout=60)
        print(f"\nissue after 20 commands with {STUFFED} user properties each: {time.monotonic() - started:.2f} s")
        assert reply.status == "ok", reply
        deadline = time.monotonic() + 20
        while hub.bus.faults["properties_too_large"] < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hub.bus.faults["properties_too_large"] == 20
        assert hub.service.store.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1  # none issued
    finally:
        sock.close()
