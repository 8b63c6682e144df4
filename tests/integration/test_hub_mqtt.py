"""Every op through a real Mosquitto to a running hub."""

import json
import subprocess
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from wire import protocol as p


def test_issue_call_and_the_retained_snapshot(hub, clients):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    calls = []
    display = hub.client("hall-display")
    display.on_call(calls.append)
    first = kiosk.ask(p.ISSUE, service="cert", language="en")
    second = kiosk.ask(p.ISSUE, service="cert", priority=True)
    assert first.status == "ok" and first.result().number == "1001"
    assert second.result().number == "1002" and second.result().ahead == 0
    assert first.result().url.startswith("http://hall.test/t/")
    reply = counter.ask(p.CALL_NEXT)
    assert reply.status == "ok" and reply.result().ticket.number == "1002"  # priority first
    snap = display.wait_for_snapshot(lambda s: s.counter("3").serving is not None)
    assert snap.counter("3").serving.number == "1002"
    assert snap.service("cert").waiting == 1
    assert display.wait_for(lambda c: calls, 5)
    assert (calls[0].number, calls[0].counter, calls[0].counter_label["ko"]) == ("1002", "3", "3번 창구")
    display.close()


def test_every_counter_op(hub, clients):
    kiosk, c1, c3, staff, web = (clients[k] for k in ("kiosk-1", "counter-1", "counter-3", "staff", "web"))
    tickets = [kiosk.ask(p.ISSUE, service="cert").result() for _ in range(4)]
    assert c3.ask(p.CALL_NEXT).result().ticket.number == "1001"
    recalled = c3.ask(p.RECALL)
    assert recalled.status == "ok" and recalled.result().ticket.recalls == 1
    assert c3.ask(p.NO_SHOW).result().ticket.state == "no_show"
    assert c3.ask(p.CALL, ticket="1003").result().ticket.number == "1003"
    moved = c3.ask(p.TRANSFER, to_counter="1")
    assert moved.status == "ok" and moved.result().ticket.for_counter == "1"
    assert c1.ask(p.CALL_NEXT).result().ticket.number == "1003"
    assert c1.ask(p.FINISH).result().ticket.state == "done"
    paused = c1.ask(p.PAUSE)
    assert paused.result().counter.status == "paused"
    assert c1.ask(p.RESUME).result().counter.status == "open"
    cancelled = web.ask(p.CANCEL, token=tickets[3].token)
    assert cancelled.status == "ok" and cancelled.result().ticket.number == "1004"
    assert staff.ask(p.CANCEL, ticket="1002").result().ticket.state == "cancelled"
    snap = c1.wait_for_snapshot(lambda s: s.service("cert").waiting == 0)
    assert snap is not None and snap.counter("1").status == "open"
    rows = hub.store.tickets(snap.business_date)
    assert [(r["label"], r["state"]) for r in rows] == [
        ("1001", "no_show"),
        ("1002", "cancelled"),
        ("1003", "done"),
        ("1004", "cancelled"),
    ]
    kinds = [e["kind"] for e in hub.store.events(snap.business_date)]
    assert kinds.count("issued") == 4 and "transferred" in kinds and "recalled" in kinds


def test_repeated_command_id_returns_the_first_reply(hub, clients):
    kiosk = clients["kiosk-1"]
    first = kiosk.ask(p.ISSUE, service="cert", command_id="tap-1")
    again = kiosk.ask(p.ISSUE, service="cert", command_id="tap-1")
    assert first.model_dump() == again.model_dump()
    third = kiosk.ask(p.ISSUE, service="cert")
    assert third.result().number == "1002"
    assert len(hub.store.tickets(first.result().business_date)) == 2


def _raw(hub, device: str, payload: bytes) -> dict:
    """Publish raw bytes on a device's command topic and return the hub's reply."""
    topics = p.Topics(hub.hall.site.id)
    got = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = lambda c, u, m: got.append(json.loads(m.payload))
    client.connect("127.0.0.1", hub.hall.mqtt.port)
    client.subscribe(topics.reply(device), qos=1)
    client.loop_start()
    time.sleep(0.2)
    client.publish(topics.command(device), payload, qos=1).wait_for_publish(5)
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.02)
    client.loop_stop()
    client.disconnect()
    assert got, "no reply"
    return got[0]


def test_bad_input_gets_an_error_reply_and_changes_nothing(hub, clients):
    kiosk = clients["kiosk-1"]
    kiosk.ask(p.ISSUE, service="cert")
    seq = hub.service.state.seq
    cases = [
        ("kiosk-1", b"{oops", "bad_request"),
        ("kiosk-1", json.dumps({"v": 1, "id": "a", "op": "dance"}).encode(), "unknown_op"),
        ("kiosk-1", json.dumps({"v": 1, "id": "b", "op": "issue", "service": "tax"}).encode(), "unknown_service"),
        ("kiosk-1", json.dumps({"v": 1, "id": "c", "op": "call_next"}).encode(), "forbidden"),
        ("intruder", json.dumps({"v": 1, "id": "d", "op": "issue", "service": "cert"}).encode(), "unknown_device"),
        (
            "kiosk-1",
            json.dumps({"v": 1, "id": "e", "op": "issue", "service": "cert", "x": "y" * 9000}).encode(),
            "payload_too_large",
        ),
    ]
    for device, payload, code in cases:
        reply = _raw(hub, device, payload)
        assert reply["status"] == "error" and reply["error"]["code"] == code, reply
        assert reply["error"]["message"]
    assert hub.service.state.seq == seq
    assert len(hub.service.state.tickets) == 1
    assert kiosk.ask(p.ISSUE, service="cert").result().number == "1002"  # the hub kept running


def test_restart_rebuilds_state_and_continues_numbering(hub, clients):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    for _ in range(3):
        kiosk.ask(p.ISSUE, service="cert")
    counter.ask(p.CALL_NEXT)
    seq = hub.service.state.seq
    hub.stop()
    assert kiosk.wait_for(lambda c: not c.hub_online, 5)
    assert kiosk.ask(p.ISSUE, service="cert", timeout=1).error.code == "timeout"
    hub.start()
    assert kiosk.wait_for(lambda c: c.hub_online, 10)
    assert hub.service.state.seq == seq
    snap = kiosk.wait_for_snapshot(lambda s: s.seq >= seq)
    assert snap.counter("3").serving.number == "1001"
    assert [q.number for q in snap.service("cert").queue] == ["1002", "1003"]
    assert kiosk.ask(p.ISSUE, service="cert").result().number == "1004"


def test_stock_mosquitto_sub_sees_the_retained_snapshot(hub, clients):
    clients["kiosk-1"].ask(p.ISSUE, service="passport")
    out = subprocess.run(
        [
            "mosquitto_sub",
            "-h",
            "127.0.0.1",
            "-p",
            str(hub.hall.mqtt.port),
            "-t",
            f"sunbeon/v1/{hub.hall.site.id}/#",
            "-v",
            "-W",
            "3",
            "--retained-only",
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    snapshot = json.loads(lines[f"sunbeon/v1/{hub.hall.site.id}/state/snapshot"])
    assert snapshot["v"] == 1 and snapshot["services"][1]["queue"][0]["number"] == "P001"
    assert json.loads(lines[f"sunbeon/v1/{hub.hall.site.id}/hub/status"])["state"] == "online"


def test_broker_restart_clients_and_hub_reconnect(broker, hub, clients):
    kiosk = clients["kiosk-1"]
    kiosk.ask(p.ISSUE, service="cert")
    broker.restart(pause=0.5)
    assert hub.bus.connected.wait(20)
    assert kiosk.wait_for(lambda c: c.online, 20)
    assert hub.bus.connected.wait(20)
    # No persistence in the test broker: the hub republishes its snapshot on reconnect.
    reply = kiosk.ask(p.ISSUE, service="cert")
    assert reply.status == "ok" and reply.result().number == "1002"


def test_degraded_device_becomes_an_alert(hub, clients):
    kiosk = clients["kiosk-1"]
    kiosk.set_status("degraded", "printer: paper out")
    snap = kiosk.wait_for_snapshot(lambda s: bool(s.alerts))
    assert (snap.alerts[0].device, snap.alerts[0].detail) == ("kiosk-1", "printer: paper out")
    kiosk.set_status("online")
    assert kiosk.wait_for_snapshot(lambda s: not s.alerts)
