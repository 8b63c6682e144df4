"""HubClient.request_retrying: the one retry loop of the kiosk's tap and the counter's press.

A real Mosquitto; the hub is a stand-in that stays silent for the first tries (a lost reply) and
answers later, so the test sees every command the device sent and what id each carried.
"""

from __future__ import annotations

import json
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from wire import config
from wire import protocol as p
from wire.client import HubClient


class SilentHub:
    """Hears every command on the broker and answers only from the `answer_from`-th copy on."""

    def __init__(self, hall: config.HallConfig, answer_from: int, reply: dict) -> None:
        self.seen: list[dict] = []
        self.answer_from, self.reply = answer_from, reply
        self.ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_connect = lambda c, u, f, rc, pr: c.subscribe(p.Topics(hall.site.id).command("+"), qos=1)
        self.client.on_subscribe = lambda *a: self.ready.set()
        self.client.on_message = self._on_command
        self.client.connect(hall.mqtt.host, hall.mqtt.port)
        self.client.loop_start()
        assert self.ready.wait(10)

    def _on_command(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        command = json.loads(message.payload)
        self.seen.append(command)
        if len(self.seen) < self.answer_from:
            return  # the reply is "lost"
        props = Properties(PacketTypes.PUBLISH)
        props.CorrelationData = message.properties.CorrelationData
        client.publish(
            message.properties.ResponseTopic,
            json.dumps({"v": 1, **self.reply, "id": command["id"]}),
            1,
            properties=props,
        )

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def _kiosk(hall_file) -> tuple[config.HallConfig, HubClient]:
    hall = config.load(hall_file)
    kiosk = HubClient(hall.site.id, "kiosk-1", hall.mqtt, role="kiosk").start()
    assert kiosk.connected.wait(10)
    return hall, kiosk


def test_a_lost_reply_is_asked_again_under_the_same_id(hall_file):
    hall, kiosk = _kiosk(hall_file)
    hub = SilentHub(hall, answer_from=3, reply={"status": "ok", "data": {"number": "1001"}})
    try:
        reply = kiosk.request_retrying("issue", retries=2, timeout=0.5, command_id="tap-7", service="cert")
    finally:
        hub.close()
        kiosk.close()
    assert reply.status == "ok" and reply.data == {"number": "1001"}
    assert [c["id"] for c in hub.seen] == ["tap-7"] * 3  # one tap, one id, however often sent
    assert all(c["op"] == "issue" and c["service"] == "cert" for c in hub.seen)


def test_it_gives_up_after_the_retries_with_a_timeout(hall_file):
    hall, kiosk = _kiosk(hall_file)
    hub = SilentHub(hall, answer_from=99, reply={"status": "ok"})
    try:
        reply = kiosk.request_retrying("call_next", retries=2, timeout=0.3, counter="1")
    finally:
        hub.close()
        kiosk.close()
    assert reply.status == "error" and reply.error is not None and reply.error.code == p.ErrorCode.TIMEOUT
    assert len(hub.seen) == 3 and len({c["id"] for c in hub.seen}) == 1


def test_an_answer_is_never_sent_again_even_a_refusal(hall_file):
    hall, kiosk = _kiosk(hall_file)
    refusal = {"status": "error", "error": {"code": "not_serving", "message": "no one called"}}
    hub = SilentHub(hall, answer_from=1, reply=refusal)
    try:
        reply = kiosk.request_retrying("recall", retries=2, timeout=2.0, counter="1")
    finally:
        hub.close()
        kiosk.close()
    assert reply.error is not None and reply.error.code == p.ErrorCode.NOT_SERVING
    assert len(hub.seen) == 1


def test_a_device_without_its_broker_does_not_spin(hall_file):
    hall = config.load(hall_file)
    offline = HubClient(hall.site.id, "kiosk-1", hall.mqtt, role="kiosk")  # never started
    reply = offline.request_retrying("issue", retries=5, timeout=5.0, service="cert")
    assert reply.error is not None and reply.error.code == p.ErrorCode.TIMEOUT
