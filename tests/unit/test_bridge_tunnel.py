"""The hall's TLS tunnel to the city (stunnel): what `sunbeon bridge add` writes for it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tools import bridge


def test_the_bridge_goes_through_the_local_tunnel_which_verifies_the_central_broker() -> None:
    link = bridge.HallBridge(site="seongsu1", host="city.example.go.kr", password="s3cret", tunnel=True)
    conf = bridge.hall_conf(link)
    assert f"address 127.0.0.1:{bridge.TUNNEL_PORT}\n" in conf
    assert "bridge_cafile" not in conf  # no TLS inside Mosquitto: 2.0.11's bridge never recovers from it
    tunnel = bridge.tunnel_conf(link)
    for line in ("client = yes", f"accept = 127.0.0.1:{bridge.TUNNEL_PORT}", "connect = city.example.go.kr:8883",
                 "CAfile = /etc/mosquitto/certs/city-ca.crt", "verifyChain = yes", "checkHost = city.example.go.kr",
                 "sslVersionMin = TLSv1.2", "foreground = yes"):  # fmt: skip
        assert line + "\n" in tunnel, line
    assert tunnel.index("foreground") < tunnel.index("[sunbeon-city]")  # a global option, before the service
    by_ip = bridge.tunnel_conf(bridge.HallBridge(site="a", host="10.0.0.5", password="p", tunnel=True))
    assert "checkIP = 10.0.0.5\n" in by_ip and "checkHost" not in by_ip
    direct = bridge.hall_conf(bridge.HallBridge(site="a", host="h", password="p"))
    assert "address h:8883\n" in direct and "bridge_cafile" in direct


@pytest.mark.parametrize("host", ["evil host", "a;b", "x\nconnect = 1.2.3.4:1", "h\n", ""])
def test_a_bad_central_host_writes_no_tunnel(host: str) -> None:
    with pytest.raises(bridge.BridgeError):
        bridge.tunnel_conf(bridge.HallBridge(site="a", host=host, password="p", tunnel=True))


def test_write_hall_writes_both_files_private(tmp_path: Path) -> None:
    link = bridge.HallBridge(site="a", host="h", password="p", tunnel=True)
    written = bridge.write_hall(link, tmp_path / "conf.d" / "sunbeon-city.conf", tmp_path / "stunnel" / "city.conf")
    assert [p.name for p in written] == ["sunbeon-city.conf", "city.conf"]
    for p in written:
        assert stat.S_IMODE(p.stat().st_mode) == 0o640  # the bridge file holds the hall's central password
    alone = bridge.write_hall(bridge.HallBridge(site="a", host="h", password="p"), tmp_path / "b.conf", tmp_path / "t")
    assert alone == [tmp_path / "b.conf"] and not (tmp_path / "t").exists()
