"""The wire contract as machine-readable files, generated from wire/protocol.py's models:
docs/asyncapi.yaml (AsyncAPI 3.0) and one JSON Schema per message in docs/schemas/.

Other implementations (a vendor's kiosk, a city dashboard) can check their messages against these
files instead of reading Python. They are generated, never edited: `make contract` (or
`python -m tools.contract`) rewrites them, and tests/unit/test_contract.py fails when they are stale.
The topics' direction, QoS and retain are the table of docs/protocol.md, kept here in CHANNELS.
"""

from __future__ import annotations

import json
import operator
import sys
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from wire import notify_protocol, protocol

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic's model_json_schema emits
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"  # AsyncAPI 3.0's name for that dialect
MQTT_BINDING = "0.2.0"
DOCS = Path(__file__).resolve().parents[1] / "docs"


# The data of an ok reply is one of the ops' reply models (each op declares its own).
REPLY_DATA = reduce(operator.or_, dict.fromkeys(op.reply for op in protocol.OPERATIONS))


@dataclass(frozen=True, kw_only=True)
class Channel:
    """One topic under `sunbeon/v1/{site}/`, as docs/protocol.md's table states it (fields by name:
    five of them are strings, and a row read by position said nothing of which is which)."""

    name: str  # the channel's and the schema file's name
    address: str  # under the root; `{device}` is a parameter
    publisher: str
    readers: str
    model: Any  # a pydantic model, or a discriminated union (the commands)
    retain: bool
    summary: str


CHANNELS = (
    Channel(
        name="hall",
        address="hall",
        publisher="hub",
        readers="all",
        model=protocol.HallDescription,
        retain=True,
        summary="The hall's public description (tasks, counters, names, hours; no secret); devices follow it.",
    ),
    Channel(
        name="hall-info",
        address="hall/info",
        publisher="hub",
        readers="city relay (through the bridge)",
        model=protocol.PublicHallInfo,
        retain=True,
        summary="The hall's name and location (address, lat, lon, public phone) only; the city bridge forwards it.",
    ),
    Channel(
        name="snapshot",
        address="state/snapshot",
        publisher="hub",
        readers="all",
        model=protocol.Snapshot,
        retain=True,
        summary="The whole hall; a screen that connects is current at once.",
    ),
    Channel(
        name="places",
        address="state/places",
        publisher="hub",
        readers="web relay",
        model=protocol.Places,
        retain=True,
        summary="Every waiting ticket's token hash and number in call order (at most twice a second).",
    ),
    Channel(
        name="call",
        address="events/call",
        publisher="hub",
        readers="displays, web relay",
        model=protocol.CallEvent,
        retain=False,
        summary="One call or recall, for announcers and boards.",
    ),
    Channel(
        name="command",
        address="cmd/{device}",
        publisher="device",
        readers="hub",
        model=protocol.Command,
        retain=False,
        summary="A command; MQTT 5 response topic and correlation data; idempotency `id`.",
    ),
    Channel(
        name="reply",
        address="reply/{device}",
        publisher="hub",
        readers="device",
        model=protocol.Reply[REPLY_DATA],  # type: ignore[valid-type]
        retain=False,
        summary="The reply envelope {status, data, error, id}; correlation data copied from the command.",
    ),
    Channel(
        name="device-status",
        address="device/{device}/status",
        publisher="device",
        readers="hub",
        model=protocol.DeviceStatus,
        retain=True,
        summary="online / degraded (with detail) / offline (last will).",
    ),
    Channel(
        name="hub-status",
        address="hub/status",
        publisher="hub",
        readers="all",
        model=protocol.HubStatus,
        retain=True,
        summary="online / degraded (with the reason) / offline (last will); instance and epoch; every 5 s.",
    ),
    Channel(
        name="notify-command",
        address="notify/cmd/{device}",
        publisher="device",
        readers="notifier",
        model=notify_protocol.NotifyCommand,
        retain=False,
        summary="A visitor's contact for staged messages, to the notifier (sunbeon notify); same envelope as cmd/.",
    ),
    Channel(
        name="notify-reply",
        address="notify/reply/{device}",
        publisher="notifier",
        readers="device",
        model=protocol.Reply,
        retain=False,
        summary="The notifier's reply envelope {status, data, error, id}; correlation data copied from the command.",
    ),
    Channel(
        name="notifier-status",
        address="device/{notify}/status",
        publisher="notifier",
        readers="hub, web relay",
        model=notify_protocol.NotifierStatus,
        retain=True,
        summary="The notifier's health with its counts (sent, retried, dead letters); the console shows it.",
    ),
    Channel(
        name="summary",
        address="summary/{date}",
        publisher="hub",
        readers="city relay",
        model=protocol.DailySummary,
        retain=True,
        summary="A business day's figures per task (counts, waits, no-shows, estimates); hourly and at close.",
    ),
)


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest)


def message_schema(channel: Channel) -> dict[str, Any]:
    """The JSON Schema of a channel's payload (what a parser of that message accepts)."""
    model = channel.model
    schema = (
        model.model_json_schema()
        if isinstance(model, type) and issubclass(model, BaseModel)
        else TypeAdapter(model).json_schema()
    )
    schema.setdefault("title", channel.name)
    schema["title"] = schema["title"].split("[")[0]  # "Reply", not the parametrised class's long name
    return {"$schema": SCHEMA_DIALECT, **schema}


def schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, one per message."""
    return {f"{c.name}.json": message_schema(c) for c in CHANNELS}


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI 3.0 document, written from the hub's side (it is the one application every
    message goes to or comes from): `send` = the hub publishes, `receive` = the hub subscribes."""
    root = f"sunbeon/v{protocol.VERSION}/{{site}}"
    # Fresh dicts per channel: a shared one would come out as YAML anchors and aliases.
    site = "`[site] id` of the hall's config, e.g. gangseo"
    device = "the device id (`[[devices]] id`); also its broker login"
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for c in CHANNELS:
        key = _camel(c.name)
        messages[key] = {
            "name": c.name,
            "title": c.name,
            "summary": c.summary,
            "contentType": "application/json",
            "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": {"$ref": f"schemas/{c.name}.json"}},
        }
        parameters = {"site": {"description": site}}
        if "{device}" in c.address:
            parameters["device"] = {"description": device}
        if "{notify}" in c.address:
            parameters["notify"] = {"description": "the notifier's login, `[notify] device` (default notify)"}
        if "{date}" in c.address:
            parameters["date"] = {"description": "the business day, YYYY-MM-DD (the hall's time zone)"}
        channels[key] = {
            "address": f"{root}/{c.address}",
            "description": f"{c.summary} Published by: {c.publisher}; read by: {c.readers}.",
            "parameters": parameters,
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
        }
        operation: dict[str, Any] = {
            "action": "send" if c.publisher == "hub" else "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{c.publisher} → {c.readers}",
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
            "bindings": {"mqtt": {"qos": protocol.QOS, "retain": c.retain, "bindingVersion": MQTT_BINDING}},
            "x-publisher": c.publisher,
            "x-readers": c.readers,
        }
        if c.name == "command":
            operation["bindings"]["mqtt"]["messageExpiryInterval"] = protocol.COMMAND_EXPIRY
            # Who may send each op, and which model its ok reply's data is (from the declarations).
            operation["x-ops"] = [
                {"op": op.name, "roles": sorted(op.roles), "reply": op.reply.__name__, "console": op.console}
                for op in protocol.OPERATIONS
            ]
            # Whatever response topic the command names, the hub answers on reply/{device}.
            operation["reply"] = {
                "channel": {"$ref": "#/channels/reply"},
                "messages": [{"$ref": "#/channels/reply/messages/reply"}],
            }
        operations[("publish" if operation["action"] == "send" else "on") + key[0].upper() + key[1:]] = operation
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sunbeon (순번) hall wire protocol",
            "version": f"{protocol.VERSION}.0.0",
            "description": (
                "MQTT 5 topics of one hall, written from the hub's side. Generated from wire/protocol.py by "
                "`make contract`; docs/protocol.md explains each message. Every payload is UTF-8 JSON with "
                '"v": 1; commands are never retained; the broker ACL lets a device publish only on its '
                "own cmd/{device} and device/{device}/status."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "hall": {
                "host": "localhost:1883",
                "protocol": "mqtt",
                "protocolVersion": "5",
                "description": "The hall's Mosquitto (never exposed to the internet); per-device logins and ACLs.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _yaml(document: dict[str, Any]) -> str:
    import yaml  # only this generator and its test need it ([test] extra)

    header = "# Generated from wire/protocol.py by `make contract` (python -m tools.contract): do not edit.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def files() -> dict[str, str]:
    """Path under docs/ → the text it must hold."""
    out = {"asyncapi.yaml": _yaml(asyncapi())}
    for name, schema in schemas().items():
        out[f"schemas/{name}"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def write(docs: Path = DOCS) -> list[Path]:
    """Write every generated file; returns the paths written."""
    written = []
    for name, text in files().items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    for path in write():
        print(path.relative_to(DOCS.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
