"""A short fuzz of a real hub process through a broker with logins and ACLs, from device logins."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.halls import hall_text
from tests.integration.test_poison import ONE_MB, raw_client, wait_until
from tests.unit.test_hostile_input import DEEP, DEEP_FIELD, HUGE_INT, SURROGATE_ID
from tools import deploy
from tools.broker import Broker, free_port
from wire import config
from wire import protocol as p
from wire.client import HubClient
from wire.mqtt import properties

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = int(os.environ.get("SUNBEON_POISON_MESSAGES", "300"))
DEVICES = [
    ("hub", "hub", None),
    ("kiosk-1", "kiosk", None),
    ("counter-3", "counter", "3"),
    ("web", "web", None),
    ("hall-display", "display", None),
    # The honest kiosk has its own login: the broker ties client ids to logins, so two
    # connections with kiosk-1's login would throw each other off.
    ("kiosk-9", "kiosk", None),
]
ODD_VALUES = [
    None,
    True,
    1,
    1.0,
    -1,
    10**40,
    "",
    "cert",
    "passport",
    "3",
    "1",
    "1001",
    "x" * 300,
    "\ud800",
    "issue\nINFO forged",
    [],
    {},
    [[[]]],
    {"a": {"b": 1}},
    "제증명",
    "💥",
    "web",
    "kiosk",
    "staff",
]
FIELDS = [
    "v",
    "id",
    "op",
    "service",
    "priority",
    "language",
    "channel",
    "counter",
    "ticket",
    "token",
    "to_service",
    "to_counter",
    "extra",
]


def hostile(rng: random.Random) -> bytes:
    """One hostile payload: the known killers, random bytes, or a command with odd fields."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice([DEEP, DEEP_FIELD, HUGE_INT, SURROGATE_ID, b"[" * rng.randrange(1, 9000), b"\xff" * 9])
    if kind == 1:
        return rng.randbytes(rng.randrange(0, 300))
    raw = {"v": 1, "id": f"h{rng.randrange(10**9)}", "op": rng.choice([*p.OPS, "drop_tables", "issue"])}
    for _ in range(rng.randrange(0, 5)):
        raw[rng.choice(FIELDS)] = rng.choice(ODD_VALUES)
    return json.dumps(raw, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


@pytest.fixture
def secured_hall(tmp_path):
    path = tmp_path / "hall.toml"
    head = hall_text(database=str(tmp_path / "hub.db")).replace('id = "test"', 'id = "fuzz"', 1).split("[[devices]]")[0]
    path.write_text(head, encoding="utf-8")
    passwd, acl = tmp_path / "sunbeon.passwd", tmp_path / "sunbeon.acl"
    made = {
        d: deploy.add(path, d, role, counter=c, password_file=passwd, acl_file=acl).password for d, role, c in DEVICES
    }
    for login, password in made.items():
        (tmp_path / f"{login}.password").write_text(password)
    conf = (ROOT / "systemd" / "mosquitto" / "sunbeon.conf").read_text()
    # The hub box's listener on a free port too: a fixed 1884 fails when another test run holds it.
    conf = conf.replace("listener 1884 127.0.0.1", f"listener {free_port()} 127.0.0.1")
    conf = (
        conf.replace("listener 1883", "listener {port} 127.0.0.1")
        .replace("/etc/mosquitto/sunbeon.passwd", str(passwd))
        .replace("/etc/mosquitto/sunbeon.acl", str(acl))
    )
    with Broker(conf=conf, folder=tmp_path) as broker:
        text = path.read_text().replace(
            "port = 1883", f'port = {broker.port}\npassword_file = "{tmp_path}/{{login}}.password"'
        )
        path.write_text(text)
        yield path, broker, made


def test_hub_process_survives_hostile_devices(secured_hall, tmp_path):
    path, broker, made = secured_hall
    hall = config.load(path)
    topics = p.Topics(hall.site.id)
    log = tmp_path / "hub.log"
    with open(log, "ab") as hub_log:  # the child keeps its own copy of the descriptor
        hub = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=hub_log,
        )
    kiosk = HubClient(hall.site.id, "kiosk-9", hall.mqtt, role="kiosk").start()
    attackers = {d: raw_client(broker.port, d, made[d]) for d in ("kiosk-1", "counter-3", "web", "hall-display")}
    try:
        assert kiosk.wait_for(lambda c: c.online, 20), "the hub did not come online"
        rng = random.Random(20261123)
        sent = 0
        for i in range(HOSTILE):
            device = rng.choice(list(attackers))
            retain = i % 15 == 0  # some retained: the hub must ignore them now and at every restart
            attackers[device].publish(
                topics.command(device),
                hostile(rng),
                qos=1,
                retain=retain,
                properties=properties(response_topic=topics.reply(device), correlation=f"h{i}".encode()),
            )
            sent += 1
        attackers["kiosk-1"].publish(topics.command("kiosk-1"), ONE_MB, qos=1)
        attackers["kiosk-1"].publish(
            topics.device_status("kiosk-1"),
            json.dumps({"v": 1, "state": "degraded", "detail": "x" * 4_000_000}).encode(),
            qos=1,
            retain=True,
        )
        last = attackers["counter-3"].publish(topics.device_status("counter-3"), DEEP, qos=1, retain=True)
        last.wait_for_publish(30)
        sent += 3
        print(f"\nfuzz through the broker: {sent} hostile messages to a hub process")

        reply = kiosk.ask(p.ISSUE, service="cert", timeout=30)
        assert reply.status == "ok", reply
        assert hub.poll() is None, "the hub process exited"
        # Restarted, it meets the retained poison again and still serves.
        hub.send_signal(signal.SIGTERM)
        hub.wait(20)
        with open(log, "ab") as hub_log:  # the child keeps its own copy of the descriptor
            hub = subprocess.Popen(
                [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)],
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=hub_log,
            )
        assert wait_until(lambda: kiosk.online, 30)
        again = kiosk.ask(p.ISSUE, service="cert", timeout=30)
        assert again.status == "ok" and again.result().number != reply.result().number, again
        assert wait_until(lambda: "input guard:" in log.read_text(errors="replace"), 15)
        assert hub.poll() is None
        snapshot = kiosk.wait_for_snapshot(lambda s: s.service("cert").waiting >= 1, 10)
        assert snapshot is not None and len(p.encode(snapshot)) < 100_000
        text = log.read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]
    finally:
        # The broker drops a client that publishes past its size limit: the kiosk and the attackers
        # stop first; then a fresh connection per login clears what they retained.
        kiosk.close()
        for client in attackers.values():
            client.loop_stop()
            client.disconnect()
        for device in attackers:
            cleaner = raw_client(broker.port, device, made[device])
            for retained in (topics.command(device), topics.device_status(device)):
                cleaner.publish(retained, b"", qos=1, retain=True).wait_for_publish(5)
            cleaner.loop_stop()
            cleaner.disconnect()
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(20)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
    db = sqlite3.connect(hall.hub.database)
    duplicates = db.execute(
        "SELECT business_date, label, COUNT(*) FROM tickets WHERE state IN ('waiting','called')"
        " GROUP BY business_date, label HAVING COUNT(*) > 1"
    ).fetchall()
    assert duplicates == [], f"live numbers issued twice: {duplicates}"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
