"""A hall's city link cut for a long time, alone: how long the city takes to catch up after the heal.

    .venv/bin/python bench/city_cut.py [--cut 300] [--wait 180] [--forwarder cuttable|drop]

A hall broker with the bridge `sunbeon bridge add` writes (TLS, through tests/netcut.py's forwarder)
→ a central broker with the generated config and ACL. A publisher on the hall changes a retained
snapshot every second the whole time (the hall keeps working: its broker never sees the cut). After
the heal we time until the central broker has the hall's newest snapshot and `city/link` = 1.
The hall broker's log (bridge attempts) is summarised, so a bridge that gave up shows why.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from common import report
from paho.mqtt.enums import CallbackAPIVersion

from tests.netcut import MODES, Cuttable, Tunnel
from tools import bridge, deploy
from tools.broker import Broker, free_port


def client(port: int, name: str, login: tuple[str, str] | None = None) -> mqtt.Client:
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv5)
    if login:
        c.username_pw_set(*login)
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cut", type=float, default=300.0, help="seconds the link stays cut")
    parser.add_argument("--wait", type=float, default=180.0, help="seconds to wait for the catch-up")
    parser.add_argument("--keepalive", type=int, default=bridge.HallBridge.keepalive)
    parser.add_argument("--restart", default=bridge.HallBridge.restart, help="restart_timeout (base cap)")
    parser.add_argument("--mode", default="close", choices=MODES, help="what the bridge meets while cut")
    parser.add_argument("--extra", default="", help="more bridge lines (';' between them), to try settings")
    parser.add_argument("--tunnel", action="store_true", help="TLS by stunnel (tools/bridge.py tunnel_conf)")
    parser.add_argument("--no-tls", action="store_true", help="a plain TCP bridge (to tell TLS apart)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sunbeon-city-cut-") as name:
        tmp = Path(name)
        certs = bridge.make_test_ca(tmp / "ca")
        central_port, relay_port = free_port(), free_port()
        central_cfg = bridge.Central(sites=("r1",), port=central_port, certfile=str(certs["cert"]),
                                     keyfile=str(certs["key"]), password_file=str(tmp / "c.passwd"),
                                     acl_file=str(tmp / "c.acl"), relay_port=relay_port, persistence=None)  # fmt: skip
        for login, password in (("hall-r1", "pw-r1"), ("city-relay", "relay-pw")):
            deploy.set_login(Path(central_cfg.password_file), login, password)
        bridge.write_central(central_cfg, tmp)
        (tmp / "central").mkdir()
        central = Broker(central_port, conf=(tmp / "sunbeon-city.conf").read_text(), folder=tmp / "central").start()
        proxy = Cuttable(relay_port if args.no_tls else central_port, args.mode)
        link = bridge.HallBridge(site="r1", host="127.0.0.1", port=proxy.port, password="pw-r1",
                                 cafile=str(certs["ca"]), keepalive=args.keepalive, restart=args.restart,
                                 tls=not args.no_tls, tunnel=args.tunnel, tunnel_port=free_port())  # fmt: skip
        (tmp / "r1").mkdir()
        tunnel = Tunnel(bridge.tunnel_conf(link), tmp, link.tunnel_port) if args.tunnel else None
        conf = bridge.hall_conf(link) + args.extra.replace(";", "\n") + f"\nuser {getpass.getuser()}\n"
        hall = Broker(extra=conf, folder=tmp / "r1").start()
        seen: dict[str, bytes] = {}
        relay = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="city-relay-cut", protocol=mqtt.MQTTv5)
        relay.username_pw_set("city-relay", "relay-pw")
        relay.on_connect = lambda c, u, f, rc, p: c.subscribe(
            [("sunbeon/v1/+/state/snapshot", 1), ("sunbeon/v1/+/city/link", 1)]
        )
        relay.on_message = lambda c, u, m: seen.__setitem__(m.topic.split("/", 3)[3], bytes(m.payload))
        relay.connect("127.0.0.1", relay_port)
        relay.loop_start()
        hub = client(hall.port, "hub-r1")
        stop, counter = threading.Event(), [0]

        def work() -> None:  # the hall's hub, publishing its snapshot every second through the cut
            while not stop.wait(1.0):
                counter[0] += 1
                hub.publish("sunbeon/v1/r1/state/snapshot", str(counter[0]).encode(), qos=1, retain=True)

        threading.Thread(target=work, daemon=True).start()
        rows: list[tuple[str, float, str, str, bool]] = []
        try:
            deadline = time.monotonic() + 30
            while seen.get("city/link") != b"1" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert seen.get("city/link") == b"1", f"the bridge never came up: {hall.log.read_text()[-1500:]}"
            proxy.cut()
            cut_at = time.monotonic()
            while time.monotonic() - cut_at < args.cut:
                time.sleep(1)
            stale = seen.get("city/link") == b"0"
            target = counter[0]
            log_before = hall.log.read_text(errors="replace")
            proxy.heal()
            healed = time.monotonic()
            caught = None
            while time.monotonic() - healed < args.wait:
                latest = seen.get("state/snapshot", b"0")
                if seen.get("city/link") == b"1" and int(latest) >= target:
                    caught = time.monotonic() - healed
                    break
                time.sleep(0.1)
            log = hall.log.read_text(errors="replace")
            attempts = len(re.findall(r"Connecting bridge", log_before))
            print(f"bridge attempts during the cut: {attempts}; forwarder refused {proxy.refused}", file=sys.stderr)
            if caught is None:
                print(f"not caught up; hall broker log tail:\n{log[-3000:]}", file=sys.stderr)
            what = f"{'plain' if args.no_tls else 'stunnel TLS' if args.tunnel else 'TLS'}, forwarder {args.mode}"
            rows += [
                ("hall shown stale (city/link = 0) during the cut", float(stale), "(1 = yes)", "yes", stale),
                (f"catch-up after a {args.cut:g} s cut (restart_timeout {args.restart}, keepalive "
                 f"{args.keepalive} s, {what})", caught if caught is not None else -1, "s", "—", caught is not None),
                ("hall messages published during the cut (never blocked)", float(target), "", "—", True),
            ]  # fmt: skip
        finally:
            stop.set()
            for c in (hub, relay):
                c.disconnect()
                c.loop_stop()
            hall.stop()
            if tunnel:
                tunnel.close()
            proxy.close()
            central.stop()
    report("city-cut", rows)


if __name__ == "__main__":
    main()
