"""The generated bridge and central configs: only `out` topics, each hall pinned to its own prefix."""

import pytest

from tools import bridge


def test_hall_bridge_sends_only_the_city_topics_out_over_tls() -> None:
    conf = bridge.hall_conf(bridge.HallBridge(site="seongsu1", host="city.example.go.kr", password="s3cret"))
    topics = [line.split() for line in conf.splitlines() if line.startswith("topic ")]
    assert {t[1] for t in topics} == {"state/snapshot", "hub/status", "hall/info", "summary/#"}
    assert all(t[2] == "out" and t[4] == t[5] == "sunbeon/v1/seongsu1/" for t in topics)
    assert " in " not in conf and " both " not in conf
    for line in ("bridge_cafile /etc/mosquitto/certs/city-ca.crt", "cleansession false",
                 "remote_username hall-seongsu1", "notification_topic sunbeon/v1/seongsu1/city/link",
                 "bridge_protocol_version mqttv50"):  # fmt: skip
        assert line in conf.splitlines()
    places = bridge.hall_conf(bridge.HallBridge(site="a", host="h", password="p", places=True, city_site="gu-a"))
    assert "topic state/places out 1 sunbeon/v1/a/ sunbeon/v1/gu-a/" in places


@pytest.mark.parametrize("site", ["", "A", "a/b", "a+", "#", "a b", "x" * 41])
def test_a_site_id_that_could_escape_its_prefix_is_refused(site: str) -> None:
    with pytest.raises(bridge.BridgeError):
        bridge.hall_conf(bridge.HallBridge(site=site, host="h", password="p"))


def test_bad_password_or_host_is_refused() -> None:
    for kwargs in ({"password": ""}, {"password": "a b"}, {"password": "a\nconnection x"}, {"host": "h\nx"}):
        with pytest.raises(bridge.BridgeError):
            bridge.hall_conf(bridge.HallBridge(**{"site": "a", "host": "h", "password": "p", **kwargs}))


def test_central_acl_pins_each_hall_and_lets_relays_only_read() -> None:
    acl = bridge.central_acl(bridge.Central(sites=("a", "b")))
    assert "user hall-a\ntopic write sunbeon/v1/a/#\n" in acl and "user hall-b\ntopic write sunbeon/v1/b/#\n" in acl
    relay = acl.split("user city-relay\n", 1)[1]
    assert relay.count("topic read sunbeon/v1/+/") == 5 and "write" not in relay
    conf = bridge.central_conf(bridge.Central(sites=("a",)))
    assert (
        "listener 8883" in conf and "certfile /etc/mosquitto/certs/city.crt" in conf and "allow_anonymous false" in conf
    )
