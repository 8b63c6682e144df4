"""Real messages of a real hub, read off a real Mosquitto, checked against the generated contract:
each payload validates against its docs/schemas/*.json, and arrives with the QoS and retain flag
docs/asyncapi.yaml states for its topic."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import jsonschema
import paho.mqtt.client as mqtt
import yaml
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from tools import contract
from wire import protocol as p

DOCS = contract.DOCS


def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    return {
        path.stem: jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
        for path in (DOCS / "schemas").glob("*.json")
    }


def _topic_flags() -> dict[str, tuple[str, int, bool]]:
    """Address pattern (regex) → (schema name, QoS, retain), from docs/asyncapi.yaml."""
    document = yaml.safe_load((DOCS / "asyncapi.yaml").read_text(encoding="utf-8"))
    flags = {}
    for operation in document["operations"].values():
        key = operation["channel"]["$ref"].rsplit("/", 1)[1]
        address = document["channels"][key]["address"]
        schema = document["components"]["messages"][key]["payload"]["schema"]["$ref"]
        mqtt_binding = operation["bindings"]["mqtt"]
        flags[address] = (Path(schema).stem, mqtt_binding["qos"], mqtt_binding["retain"])
    return flags


def _match(address: str, topic: str, site: str) -> bool:
    parts, want = topic.split("/"), address.replace("{site}", site).split("/")
    return len(parts) == len(want) and all(w.startswith("{") or w == t for w, t in zip(want, parts, strict=True))


def test_published_messages_validate_against_the_contract(hub, clients) -> None:
    site = hub.hall.site.id
    seen: list[tuple[str, bytes, int, bool]] = []
    lock = threading.Lock()

    def on_message(client, userdata, msg) -> None:
        with lock:
            seen.append((msg.topic, bytes(msg.payload), msg.qos, bool(msg.retain)))

    sniffer = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"sniffer-{site}", protocol=mqtt.MQTTv5)
    sniffer.on_message = on_message
    sniffer.connect("127.0.0.1", hub.hall.mqtt.port)
    # QoS 2 so each message keeps the QoS it was published with; retain-as-published so a live
    # message keeps its retain flag (otherwise the broker clears it for existing subscribers).
    sniffer.subscribe(f"sunbeon/v1/{site}/#", options=SubscribeOptions(qos=2, retainAsPublished=True))
    sniffer.loop_start()
    try:
        time.sleep(0.5)  # the retained snapshot, places, hub and device statuses arrive first
        kiosk, counter = clients["kiosk-1"], clients["counter-3"]
        assert kiosk.request("issue", service="cert", language="en").status == "ok"
        assert kiosk.request("issue", service="cert", priority=True).status == "ok"
        assert counter.request("call_next").status == "ok"
        assert counter.request("recall").status == "ok"
        assert kiosk.request("issue", service="no-such-service").status == "error"  # an error reply too
        kiosk.set_status("degraded", detail="용지 부족", reason="paper_low")
        names_needed = {"hall", "hall-info", "snapshot", "places", "call", "command", "reply", "hub-status",
                        "device-status"}  # fmt: skip
        deadline = time.monotonic() + 10
        flags = _topic_flags()
        while time.monotonic() < deadline:
            with lock:
                got = {name for t, *_ in seen for a, (name, _, _) in flags.items() if _match(a, t, site)}
            if names_needed <= got:
                break
            time.sleep(0.1)
    finally:
        sniffer.loop_stop()
        sniffer.disconnect()

    validators = _validators()
    checked: dict[str, int] = {}
    for topic, payload, qos, retain in seen:
        (name, want_qos, want_retain), *_ = [v for a, v in flags.items() if _match(a, topic, site)] or [(None, 0, 0)]
        assert name is not None, f"{topic} is in no channel of docs/asyncapi.yaml"
        message = json.loads(payload)
        errors = [e.message for e in validators[name].iter_errors(message)]
        assert not errors, (topic, errors, p.brief(payload))
        assert qos == want_qos, (topic, qos)
        assert retain == want_retain, (topic, retain)
        checked[name] = checked.get(name, 0) + 1
    assert set(checked) == names_needed, checked
    # Not vacuous: a real snapshot without its seq, or a command with an unknown op, is refused.
    snapshot = json.loads(next(pl for t, pl, *_ in seen if t.endswith("/state/snapshot")))
    del snapshot["seq"]
    assert not validators["snapshot"].is_valid(snapshot)
    assert not validators["command"].is_valid({"v": 1, "id": "x", "op": "print_money"})
    assert checked["command"] >= 5 and checked["reply"] >= 5, checked
