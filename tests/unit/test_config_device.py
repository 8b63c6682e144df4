"""A device's own file (issue 12): only the broker, its login and its hardware; anything else is
refused in one line naming the line, and no input ends the loader with anything but ConfigError."""

from __future__ import annotations

import json

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.halls import hall
from tools import deploy
from wire import config
from wire import protocol as p
from wire.hall import Hall

KIOSK = """\
[device]
site = "gangseo"
id = "kiosk-1"
role = "kiosk"

[device.printer]
connection = "network"
host = "192.168.10.21"

[mqtt]
host = "192.168.10.2"
port = 1883
password = "kiosk-1-secret"
"""
SECTIONS = ("", "[device]", "[device.printer]", "[mqtt]")
# Names a hall manager might write into a device file by mistake (the hall's own settings) or by typo.
STRAY = st.one_of(
    st.sampled_from(["services", "counters", "clerks", "password_hash", "hostt", "printer_width", "web", "hub"]),
    st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True),
)
KNOWN = {
    "": {"device", "mqtt"},
    "[device]": set(config.LocalDevice.model_fields),
    "[device.printer]": set(config.PrinterSettings.model_fields),
    "[mqtt]": set(config.Mqtt.model_fields),
}


def with_key(section: str, key: str) -> str:
    """KIOSK with `key = 1` added at the top of `section` (the top level when "")."""
    if not section:
        return f"{key} = 1\n" + KIOSK
    return KIOSK.replace(section + "\n", f"{section}\n{key} = 1\n", 1)


def test_a_kiosk_file_is_its_site_login_and_printer():
    own = config.parse_device(KIOSK, "kiosk.toml")
    assert (own.device.site, own.device.id, own.device.role) == ("gangseo", "kiosk-1", "kiosk")
    assert own.device.printer is not None and own.device.printer.host == "192.168.10.21"
    assert (own.mqtt.host, own.mqtt.port, own.mqtt.password) == ("192.168.10.2", 1883, "kiosk-1-secret")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SECTIONS), STRAY)
def test_an_unknown_key_is_refused_in_one_line_naming_its_line(section, key):
    if key in KNOWN[section]:
        return
    text = with_key(section, key)
    with pytest.raises(config.ConfigError) as caught:
        config.parse_device(text, "kiosk.toml")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 300
    assert f"unknown setting {key!r}" in message
    assert caught.value.line == text.splitlines().index(f"{key} = 1") + 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_device_file_or_a_one_line_error(text):
    try:
        config.parse_device(text, "kiosk.toml")
    except config.ConfigError as err:
        assert "\n" not in str(err).strip()


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["site", "id", "role", "counter", "printer", "buttons", "voice", "ops"]),
    st.one_of(st.integers(), st.text(max_size=40), st.booleans(), st.floats(allow_nan=True), st.just([1, "a"])),
)
def test_any_value_in_device_is_taken_or_refused_in_one_line(field, value):
    raw = {"device": {"site": "gangseo", "id": "kiosk-1", "role": "kiosk", field: value}, "mqtt": {}}
    text = tomlkit.dumps(raw)
    try:
        config.parse_device(text, "kiosk.toml")
    except config.ConfigError as err:
        assert "\n" not in str(err).strip()


def test_the_hall_file_is_not_a_device_file_and_the_device_file_not_a_hall():
    with pytest.raises(config.ConfigError, match=r"not a device file: it needs a \[device\] table"):
        config.parse_device('[site]\nid = "x"\n', "x.toml")
    with pytest.raises(config.ConfigError, match=r"this is a device's own file \(a \[device\] table\)"):
        config.parse(KIOSK + '\n[[services]]\nid = "cert"\nname = { ko = "제증명" }\n', "x.toml")


def test_device_add_prints_a_file_the_device_loads_with_its_own_password_only(tmp_path):
    settings_ = hall()
    text = deploy.device_file(settings_, deploy.Added("counter-3", "counter", "pw-of-counter-3"), "192.168.10.2")
    own = config.parse_device(text, "counter-3.toml")
    assert (own.device.id, own.device.role, own.device.counter, own.device.site) == (
        "counter-3",
        "counter",
        "3",
        "test",
    )
    assert (own.mqtt.host, own.mqtt.port, own.mqtt.password) == ("192.168.10.2", 1883, "pw-of-counter-3")
    # Nothing of the hall: no task, counter, clerk, other device or other login.
    settings_text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    for word in ("services", "counters", "clerks", "password_hash", "kiosk-1", "제증명", "[web]", "[hub]"):
        assert word not in settings_text
    path = tmp_path / "sunbeon.toml"
    path.write_text(text, encoding="utf-8")
    local = config.local(path, None, ("counter", "display"))
    assert local.hall is None and local.site == "test" and local.device.counter == "3"
    with pytest.raises(config.ConfigError, match="is a counter, not a kiosk"):
        config.local(path, None, "kiosk")
    with pytest.raises(config.ConfigError, match="this file is for device 'counter-3', not 'counter-1'"):
        config.local(path, "counter-1", "counter")


def test_device_add_refuses_a_broker_host_that_would_break_the_file():
    with pytest.raises(deploy.DeployError, match="not a host name"):
        deploy.device_file(hall(), deploy.Added("kiosk-1", "kiosk", "pw"), 'x"\n[web]')


SECRET_WORDS = ("password", "hash", "secret", "username", "login", "scrypt")


def test_the_description_round_trips_and_carries_no_grant_or_secret():
    settings_ = hall()
    described = p.describe(settings_.hall)
    back = p.read_hall(described)
    assert back == settings_.hall.public() and back.device("kiosk-1") is None
    assert settings_.hall.device("kiosk-1") is not None  # the hub's own copy keeps the grants
    lowered = described.decode().lower()
    assert not [w for w in SECRET_WORDS if w in lowered]
    assert '"devices"' not in described.decode() and "kiosk-1" not in described.decode()


def test_a_reader_takes_a_newer_hubs_description_and_refuses_a_broken_one():
    raw = json.loads(p.describe(hall().hall))
    raw["queue_screens"] = {"rotate": 90}  # a field a later hub may add
    raw["services"][0]["colour"] = "#005bac"
    newer = p.read_hall(json.dumps(raw).encode())
    assert isinstance(newer, Hall) and newer.services[0].id == "cert"
    for bad in (b"", b"[]", b"{", json.dumps({**raw, "services": []}).encode(), b"x" * (p.MAX_HALL_PAYLOAD + 1)):
        with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError too
            p.read_hall(bad)
