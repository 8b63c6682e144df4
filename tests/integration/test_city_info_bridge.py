"""A hall's own description reaches the city through a real bridge, and nothing secret does.

A real hub runs on a hall broker bridged over TLS (the config `sunbeon bridge add` writes) to a
central broker. The hall config is full of secrets (broker password, a clerk's hash, a webhook
token, key paths) and has a location. A login at the central broker that reads everything records
what crossed: the hall's name and location did, none of the secrets, no device id, no `hall`
description. Then the hall config changes (the hall moved) and the hub restarts: the city shows
the new address with no city.toml entry at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from city.config import CentralBroker, CityConfig
from city.relay import CityLink
from city.state import CityState
from city.store import SummaryStore
from tests.conftest import RunningHub
from tests.integration.test_city_bridge import ME, Watcher, wait
from tests.unit.test_city_info import SECRETS, secret_hall
from tools import bridge, deploy
from tools.broker import Broker, free_port


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[dict]:
    certs = bridge.make_test_ca(tmp_path / "ca")
    central_port, relay_port = free_port(), free_port()
    (tmp_path / "central").mkdir()
    central_cfg = bridge.Central(sites=("a",), port=central_port, certfile=str(certs["cert"]),
                                 keyfile=str(certs["key"]), password_file=str(tmp_path / "central.passwd"),
                                 acl_file=str(tmp_path / "central.acl"), relay_port=relay_port,
                                 relays=("city-relay",), persistence=str(tmp_path / "central") + "/")  # fmt: skip
    for login, password in (("hall-a", "pw-a"), ("city-relay", "relay-pw"), ("spy", "spy-pw")):
        deploy.set_login(Path(central_cfg.password_file), login, password)
    bridge.write_central(central_cfg, tmp_path)
    with open(central_cfg.acl_file, "a") as acl:
        acl.write("user spy\ntopic read #\n")
    central = Broker(central_port, conf=(tmp_path / "sunbeon-city.conf").read_text(), folder=tmp_path / "central")
    central.start()
    link_cfg = bridge.HallBridge(site="a", host="127.0.0.1", port=central_port, password="pw-a",
                                 cafile=str(certs["ca"]), keepalive=5, restart="1 2")  # fmt: skip
    (tmp_path / "a").mkdir()
    hall_broker = Broker(extra=bridge.hall_conf(link_cfg) + f"\nuser {ME}\n", folder=tmp_path / "a").start()
    config = CityConfig(database=str(tmp_path / "city.db"), stale_after=30,
                        mqtt=CentralBroker(port=relay_port, username="city-relay", password="relay-pw"))  # fmt: skip
    state = CityState(config)
    link = CityLink(config, state, SummaryStore(config.database))
    link.start()
    spy = Watcher(relay_port, ["#"], ("spy", "spy-pw"))
    made = {"hall_broker": hall_broker, "state": state, "spy": spy, "tmp": tmp_path}
    try:
        yield made
    finally:
        spy.close()
        link.close()
        hall_broker.stop()
        central.stop()


def write_hall(path: Path, port: int, database: Path, address: str) -> None:
    text = secret_hall().replace('id = "test"', 'id = "a"', 1).replace("port = 1883", f"port = {port}", 1)
    text = text.replace('database = ":memory:"', f'database = "{database}"', 1)
    path.write_text(text.replace("서울특별시 성동구 뚝섬로1길 43", address), encoding="utf-8")


@pytest.mark.timeout(120)
def test_the_halls_description_reaches_the_city_and_no_secret_crosses(linked: dict) -> None:
    state: CityState = linked["state"]
    hall_file, database = linked["tmp"] / "a.toml", linked["tmp"] / "a.db"
    write_hall(hall_file, linked["hall_broker"].port, database, "서울특별시 성동구 뚝섬로1길 43")
    hub = RunningHub(hall_file, database).start()
    try:
        assert wait(lambda: state.halls.get("a") and state.halls["a"].info.get("address")), state.halls
        shown = state.halls_list(0)[0]
        assert (shown["address"], shown["lat"], shown["lon"]) == ("서울특별시 성동구 뚝섬로1길 43", 37.5447, 127.0557)
        assert wait(lambda: state.halls["a"].snapshot is not None)
    finally:
        hub.stop()

    # Nothing secret reached the central broker, in any topic; the full `hall` description did not cross.
    crossed = list(linked["spy"].got)
    assert any(t == "sunbeon/v1/a/hall/info" for t, _ in crossed)
    assert not [t for t, _ in crossed if t.endswith("/hall")]
    everything = b"\n".join(t.encode() + b" " + payload for t, payload in crossed)
    for secret in (*SECRETS, "kiosk-1", "counter-1", "hall-display", "password"):
        assert secret.encode() not in everything, secret
    info = json.loads(next(payload for t, payload in crossed if t == "sunbeon/v1/a/hall/info"))
    assert set(info) == {"v", "site", "name", "address", "lat", "lon", "phone"}

    # The hall moves: its config changes, the hub restarts; the city follows without a city.toml entry.
    write_hall(hall_file, linked["hall_broker"].port, database, "서울특별시 성동구 왕십리로 270")
    hub = RunningHub(hall_file, database).start()
    try:
        assert wait(lambda: state.halls["a"].info.get("address") == "서울특별시 성동구 왕십리로 270"), state.halls[
            "a"
        ].info
        assert state.halls_list(0)[0]["address"] == "서울특별시 성동구 왕십리로 270"
    finally:
        hub.stop()
