"""The machine-readable contract (docs/asyncapi.yaml, docs/schemas/) is generated from wire/protocol.py:
it must be current, and it must say for each topic what docs/protocol.md's table says."""

from __future__ import annotations

import re

import jsonschema
import yaml

from tools import contract
from wire import protocol

DOCS = contract.DOCS


def test_the_generated_files_are_current() -> None:
    stale = [name for name, text in contract.files().items() if (DOCS / name).read_text(encoding="utf-8") != text]
    assert not stale, f"run `make contract`: {stale} differ from wire/protocol.py"
    on_disk = {p.name for p in (DOCS / "schemas").glob("*.json")}
    assert on_disk == set(contract.schemas()), "a schema file without a message (or the reverse)"


def test_every_schema_is_a_valid_json_schema() -> None:
    for name, schema in contract.schemas().items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == contract.SCHEMA_DIALECT, name


def test_the_asyncapi_topics_match_the_protocol_page() -> None:
    document = yaml.safe_load((DOCS / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.0.0"
    # docs/protocol.md's topic table: | `topic` | direction | QoS | retain | what |
    page = (DOCS / "protocol.md").read_text(encoding="utf-8")
    table = {
        m["topic"]: (m["publisher"].strip(), int(m["qos"]), m["retain"].strip() == "yes")
        for m in re.finditer(
            r"^\| `(?P<topic>[^`]+)` \| (?P<publisher>[^|→]+)→[^|]*\| (?P<qos>\d) \| (?P<retain>yes|no) \|", page, re.M
        )
    }
    assert len(table) == len(contract.CHANNELS)
    root = f"sunbeon/v{protocol.VERSION}/{{site}}/"
    for operation in document["operations"].values():
        channel = document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        topic = channel["address"].removeprefix(root)
        publisher, qos, retain = table[topic]
        mqtt = operation["bindings"]["mqtt"]
        assert (mqtt["qos"], mqtt["retain"]) == (qos, retain), topic
        assert operation["action"] == ("send" if publisher == "hub" else "receive"), topic
        for parameter in re.findall(r"{(\w+)}", channel["address"]):
            assert parameter in channel["parameters"], (topic, parameter)
        for ref in operation["messages"]:
            message = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]
            assert (DOCS / message["payload"]["schema"]["$ref"]).is_file()
