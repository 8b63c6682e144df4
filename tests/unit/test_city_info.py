"""The hall's own public description (issue 16): `[site.location]` in the hall config, checked by
`sunbeon check`; the hub's `hall/info` carries name and location and nothing else; the city takes
it, city.toml overriding field by field; a bad description flags that hall only."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from city import decode
from city.config import CityConfig, HallInfo
from city.state import CityState
from city.synthetic import SyntheticHall
from tests.halls import hall_text
from wire import config
from wire import protocol as p

ROOT = "sunbeon/v1"
LOCATION = (
    '[site.location]\naddress = "서울특별시 성동구 뚝섬로1길 43"\n'
    'lat = 37.5447\nlon = 127.0557\nphone = "02-2286-5114"\n'
)


def with_location(location: str = LOCATION, extra: str = "") -> str:
    # [site.location] right after the [site] table (before [mqtt]), as examples/hall.toml has it.
    return hall_text().replace("\n[mqtt]\n", f"\n{location}\n[mqtt]\n", 1) + extra


def test_the_location_is_read_and_published_on_hall_info() -> None:
    hall = config.parse(with_location(), "hall.toml").hall
    info = json.loads(p.describe_info(hall))
    assert info == {"v": 1, "site": "test", "name": hall.site.name.all(), "address": "서울특별시 성동구 뚝섬로1길 43",
                    "lat": 37.5447, "lon": 127.0557, "phone": "02-2286-5114"}  # fmt: skip
    # The devices' full description carries it too (a kiosk may show the address one day).
    assert json.loads(p.describe(hall))["site"]["location"]["lat"] == 37.5447
    # A hall without a location still describes itself (name only).
    bare = json.loads(p.describe_info(config.parse(hall_text(), "hall.toml").hall))
    assert bare["lat"] is None and bare["address"] is None and bare["name"]["ko"] == "시험 민원실"


@pytest.mark.parametrize(
    ("location", "needle"),
    [
        ("[site.location]\nlat = 127.05\nlon = 37.54\n", "site.location.lat: latitude 127.05 is outside -90..90"),
        ("[site.location]\nlat = 37.5\nlon = 200\n", "site.location.lon: longitude 200"),
        ('[site.location]\nlat = "37.5"\nlon = 127.0\n', "site.location.lat: '37.5' is not a number of degrees"),
        ("[site.location]\nlat = nan\nlon = 127.0\n", "site.location.lat: nan is not a number of degrees"),
        ("[site.location]\nlat = 37.5\n", "site.location: give both lat and lon"),
        ('[site.location]\nphone = "call me"\n', "site.location.phone: 'call me' is not a phone number"),
        ('[site.location]\naddress = "a\\nb"\n', "site.location.address: the address is one line"),
        ('[site.location]\nemail = "x@y"\n', "site.location.email: unknown setting 'email'"),
    ],
)
def test_sunbeon_check_names_a_bad_location_in_one_line(location: str, needle: str) -> None:
    text = with_location(location)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    message = str(caught.value)
    assert "\n" not in message and needle in message, message
    assert caught.value.line is not None and "[site.location]" in "\n".join(
        text.splitlines()[caught.value.line - 3 : caught.value.line]
    )


SECRETS = (
    "mqtt-password-Zq81",
    "scrypt$16384$8$1$c2FsdHNhbHRzYWx0$SECRETHASHSECRETHASHSECRETHASH00",
    "https://hooks.example/T0K3N-secret",
    "/etc/sunbeon/very-secret.key",
)
SECRET_TEXT = f"""
[[web.clerks]]
counter = "1"
password_hash = "{SECRETS[1]}"

[notify]
key_file = "{SECRETS[3]}"
sms = "webhook"
webhook = {{ url = "{SECRETS[2]}" }}
"""


def secret_hall() -> str:
    """The test hall with a location and every kind of secret a hall config holds."""
    text = with_location(extra=SECRET_TEXT)
    return text.replace("port = 1883\n", f'port = 1883\nusername = "hub"\npassword = "{SECRETS[0]}"\n', 1)


def test_hall_info_carries_no_secret_and_no_device() -> None:
    hall_config = config.parse(secret_hall(), "hall.toml")
    assert hall_config.web.clerks and hall_config.mqtt.password == SECRETS[0]  # the secrets are really there
    text = p.describe_info(hall_config.hall).decode()
    for secret in (*SECRETS, "kiosk-1", "counter-1", "password", "clerk", "notify", "devices"):
        assert secret not in text, secret
    assert set(json.loads(text)) == {"v", "site", "name", "address", "lat", "lon", "phone"}


def city(**override: object) -> CityState:
    halls = [HallInfo(site="a", **override)] if override else []  # type: ignore[arg-type]
    return CityState(CityConfig(database=":memory:", halls=halls))


def info_of(hall_toml: str) -> bytes:
    return p.describe_info(config.parse(hall_toml, "hall.toml").hall)


def test_the_city_takes_the_halls_own_description_and_city_toml_overrides_field_by_field() -> None:
    now = time.time()
    state = city()
    assert state.apply(f"{ROOT}/test/hall/info", info_of(with_location()), now)
    shown = state.halls_list(now)[0]
    assert (shown["address"], shown["lat"], shown["lon"], shown["phone"]) == (
        "서울특별시 성동구 뚝섬로1길 43", 37.5447, 127.0557, "02-2286-5114")  # fmt: skip
    assert shown["name"]["ko"] == "시험 민원실"  # no snapshot yet: the description names it
    # The hall moves: a new description, a new address, city.toml untouched.
    moved = with_location(LOCATION.replace("뚝섬로1길 43", "왕십리로 270").replace("37.5447", "37.5613"))
    assert state.apply(f"{ROOT}/test/hall/info", info_of(moved), now)
    assert state.halls_list(now)[0]["address"] == "서울특별시 성동구 왕십리로 270"
    # city.toml overrides only what it sets (a position the district corrected).
    state = CityState(CityConfig(database=":memory:", halls=[HallInfo(site="test", lat=37.5, lon=127.0)]))
    state.apply(f"{ROOT}/test/hall/info", info_of(with_location()), now)
    shown = state.halls_list(now)[0]
    assert (shown["lat"], shown["lon"], shown["address"]) == (37.5, 127.0, "서울특별시 성동구 뚝섬로1길 43")


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b'{"site": "a", "lat": 137.0, "lon": 127.0}', "info_malformed"),
        (b'{"site": "a", "lat": 37.0}', "info_malformed"),
        (b'{"site": "a", "lat": "37", "lon": 127.0}', "info_malformed"),
        (b'{"site": "b", "address": "elsewhere"}', "info_mismatch"),
        (b'{"site": "a", "address": "' + b"x" * 5000 + b'"}', "info_oversized"),
        (b"[" * 3000, "info_malformed"),
        (b"\xff\xfe", "info_malformed"),
    ],
)
def test_a_bad_description_flags_that_hall_and_keeps_its_last_good_one(payload: bytes, kind: str) -> None:
    now = time.time()
    state = city()
    for site in ("a", "b"):
        state.apply(
            f"{ROOT}/{site}/state/snapshot",
            json.dumps(SyntheticHall(site, f"{site}동", seed=1).step(now)).encode(),
            now,
        )
        state.apply(
            f"{ROOT}/{site}/hall/info",
            json.dumps({"site": site, "address": f"{site} 주소", "lat": 37.5, "lon": 127.0}).encode(),
            now,
        )
    b_before = state.public(state.halls["b"], now)
    state.apply(f"{ROOT}/a/hall/info", payload, now)
    a = state.public(state.halls["a"], now)
    assert kind in a["flags"] and a["address"] == "a 주소" and a["lat"] == 37.5
    assert state.public(state.halls["b"], now) == b_before
    # A good description again clears the flag.
    state.apply(f"{ROOT}/a/hall/info", '{"site": "a", "address": "a 새 주소"}'.encode(), now + 1)
    assert not [f for f in state.public(state.halls["a"], now + 1)["flags"] if f.startswith("info_")]


texts = st.text(max_size=30)
descriptions = st.fixed_dictionaries(
    {},
    optional={
        "site": st.sampled_from(["a", "b", "", None]) | texts,
        "name": texts | st.dictionaries(st.sampled_from(["ko", "en", "zh", "xx"]), texts | st.integers(), max_size=4),
        "address": texts | st.integers() | st.none(),
        "lat": st.floats(allow_nan=True, allow_infinity=True) | st.integers() | texts | st.booleans(),
        "lon": st.floats(allow_nan=True, allow_infinity=True) | st.integers() | texts,
        "phone": texts,
        "password_hash": texts,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=descriptions | st.binary(max_size=200).map(lambda b: {"raw": b.hex()}), junk=st.binary(max_size=64))
def test_no_description_breaks_the_city_and_what_is_kept_is_sane(raw: dict, junk: bytes) -> None:
    now = time.time()
    state = city()
    state.apply(f"{ROOT}/b/hall/info", b'{"site": "b", "address": "b", "lat": 37.5, "lon": 127.0}', now)
    b_before = state.public(state.halls["b"], now)
    for payload in (json.dumps(raw).encode(), junk):
        state.apply(f"{ROOT}/a/hall/info", payload, now)
    assert state.faults == 0
    a = state.public(state.halls["a"], now)
    assert a["lat"] is None or (-90 <= a["lat"] <= 90 and -180 <= a["lon"] <= 180)
    assert a["address"] is None or (
        isinstance(a["address"], str) and "\n" not in a["address"] and len(a["address"]) <= 200
    )
    assert "password_hash" not in json.dumps(a)
    assert isinstance(a["name"], dict) and all(isinstance(v, str) for v in a["name"].values())
    assert state.public(state.halls["b"], now) == b_before
    got = decode.info("a", json.dumps(raw).encode())
    assert isinstance(got, (dict, decode.Flag))
