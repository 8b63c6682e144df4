"""Poison through a real Mosquitto: the hub keeps serving, retained commands are never taken, a
flooding device cannot delay another's ticket, and a hostile message cannot kill a client."""

from __future__ import annotations

import json
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hub.bus import BATCH, PER_DEVICE
from tests.unit.test_hostile_input import DEEP, DEEP_FIELD, HUGE_INT, SURROGATE_ID
from wire import protocol as p
from wire.mqtt import properties

ONE_MB = b'{"v":1,"id":"big","op":"issue","service":"' + b"x" * 1_000_000 + b'"}'


def raw_client(port: int, login: str | None = None, password: str | None = None) -> mqtt.Client:
    """A bare MQTT 5 client: it sends whatever bytes it is given, as a broken or hostile device would."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"raw-{time.monotonic_ns()}", protocol=mqtt.MQTTv5)
    if login:
        client.username_pw_set(login, password)
    connected = threading.Event()
    client.on_connect = lambda c, u, f, reason, props: connected.set()
    client.max_queued_messages_set(0)
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    assert connected.wait(10), "raw client did not connect"
    return client


def collect_replies(client: mqtt.Client, topic: str) -> list[tuple[str, bytes | None, dict]]:
    got: list[tuple[str, bytes | None, dict]] = []

    def on_message(c, u, message):
        corr = getattr(message.properties, "CorrelationData", None)
        got.append((message.topic, corr, json.loads(message.payload)))

    client.on_message = on_message
    client.subscribe(topic, qos=1)
    time.sleep(0.3)  # the SUBACK; only to see replies, no result depends on it
    return got


def wait_until(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_poison_commands_are_answered_and_the_hub_goes_on(hub, broker):
    topics = p.Topics(hub.hall.site.id)
    attacker = raw_client(broker.port)
    replies = collect_replies(attacker, topics.reply("kiosk-1"))
    poison = {
        b"deep": DEEP,
        b"deep-field": DEEP_FIELD,
        b"huge-int": HUGE_INT,
        b"surrogate": SURROGATE_ID,
        b"1mb": ONE_MB,
        b"not-utf8": b"\xff\xfe{",
        b"forged-log": b'{"v":1,"id":"f","op":"x\\nINFO forged"}',
    }
    for corr, payload in poison.items():
        attacker.publish(
            topics.command("kiosk-1"),
            payload,
            qos=1,
            properties=properties(response_topic=topics.reply("kiosk-1"), correlation=corr),
        ).wait_for_publish(10)
    kiosk = hub.client("kiosk-1")
    reply = kiosk.ask(p.ISSUE, service="cert", timeout=20)
    assert reply.status == "ok", reply
    assert wait_until(lambda: len(replies) >= len(poison) + 1)
    codes = {corr: body["error"]["code"] for _, corr, body in replies if corr in poison}
    assert codes == {
        b"deep": "bad_request",
        b"deep-field": "bad_request",
        b"huge-int": "bad_request",
        b"surrogate": "bad_request",
        b"1mb": "payload_too_large",
        b"not-utf8": "bad_request",
        b"forged-log": "unknown_op",
    }
    assert hub.bus.faults["too_large"] == 1 and hub.thread.is_alive()
    kiosk.close()
    attacker.loop_stop()
    attacker.disconnect()


def test_a_retained_command_is_never_taken_not_even_after_a_restart(hub, broker):
    topics = p.Topics(hub.hall.site.id)
    attacker = raw_client(broker.port)
    attacker.publish(topics.command("kiosk-1"), DEEP, qos=1, retain=True).wait_for_publish(10)
    attacker.publish(
        topics.command("kiosk-2"), b'{"v":1,"id":"r","op":"issue","service":"cert"}', qos=1, retain=True
    ).wait_for_publish(10)
    hub.stop()
    hub.start()  # subscribes again: the broker hands it both retained commands
    kiosk = hub.client("kiosk-1")
    assert wait_until(lambda: hub.bus.faults["retained_commands"] >= 2)
    reply = kiosk.ask(p.ISSUE, service="cert", timeout=20)
    assert reply.status == "ok" and reply.result().number == "1001", "the retained issue issued nothing"
    assert hub.thread.is_alive()
    for device in ("kiosk-1", "kiosk-2"):
        attacker.publish(topics.command(device), b"", qos=1, retain=True).wait_for_publish(10)
    kiosk.close()
    attacker.loop_stop()
    attacker.disconnect()


def test_a_kiosk_is_served_while_another_device_floods(hub, broker):
    """Order, not time: the hub is held while a flood fills the inbox and a kiosk asks; once
    released, the kiosk's reply comes within the first round, not after the flood."""
    topics = p.Topics(hub.hall.site.id)
    held, release = threading.Event(), threading.Event()
    real = hub.service.handle_batch

    def gated(batch):
        held.set()
        release.wait(60)
        return real(batch)

    hub.service.handle_batch = gated  # the bus calls the instance attribute
    watcher = raw_client(broker.port)
    order = collect_replies(watcher, f"{topics.root}/reply/+")
    flood = raw_client(broker.port)
    kiosk = hub.client("kiosk-1")
    try:
        count = 3000
        for i in range(count):
            info = flood.publish(
                topics.command("counter-1"), json.dumps({"v": 1, "id": f"f{i}", "op": "pause"}).encode(), qos=1
            )
        info.wait_for_publish(30)
        assert wait_until(lambda: held.is_set() and hub.bus.inbox.dropped > 0)
        answer: dict = {}
        asker = threading.Thread(target=lambda: answer.setdefault("r", kiosk.ask(p.ISSUE, service="cert", timeout=60)))
        asker.start()
        assert wait_until(lambda: ("cmd", "kiosk-1") in hub.bus.inbox._lines)
        release.set()
        asker.join(60)
        assert answer["r"].status == "ok", answer["r"]
        assert wait_until(lambda: any(t.endswith("/kiosk-1") for t, _, _ in order))
        position = next(i for i, (t, _, _) in enumerate(order) if t.endswith("/kiosk-1"))
        # At most the batch that was being handled, then one item per sender.
        assert position <= BATCH + 2, f"the kiosk waited behind {position} flood replies"
        assert wait_until(lambda: len(order) >= PER_DEVICE)
        assert hub.bus.faults["flood_dropped"] > 0 and len(hub.bus.inbox) <= PER_DEVICE + 1
    finally:
        release.set()
        for c in (watcher, flood):
            c.loop_stop()
            c.disconnect()
        kiosk.close()


def test_a_client_survives_a_hostile_snapshot_and_a_raising_listener(hub, broker):
    topics = p.Topics(hub.hall.site.id)
    display = hub.client("hall-display")
    seen: list[int] = []

    def broken(snapshot):
        raise RuntimeError("a screen's bug\nwith a second line")

    display.on_snapshot(broken)
    display.on_snapshot(lambda s: seen.append(s.seq))
    attacker = raw_client(broker.port)
    for bad in (DEEP, HUGE_INT, b'{"v":1,"seq":"\\ud800"}', b"\xff", b'{"v":1}'):
        attacker.publish(topics.snapshot, bad, qos=1).wait_for_publish(10)
        attacker.publish(topics.calls, bad, qos=1).wait_for_publish(10)
        attacker.publish(topics.reply("hall-display"), bad, qos=1).wait_for_publish(10)
        attacker.publish(topics.hub_status, bad, qos=1).wait_for_publish(10)
    assert wait_until(lambda: display.faults >= 20)
    kiosk = hub.client("kiosk-1")
    assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
    # paho's thread is alive: the next real snapshot still arrives, to every listener after the broken one.
    assert display.wait_for(lambda c: c.snapshot is not None and c.snapshot.seq >= 1 and seen and seen[-1] >= 1, 20)
    attacker.loop_stop()
    attacker.disconnect()
    kiosk.close()
    display.close()
