"""Fences on the broker: a second hub, a rewound database, screens after a restart from another history."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tests.conftest import RunningHub
from wire import protocol as p
from wire.client import HubClient

ROOT = Path(__file__).resolve().parents[2]


def raw_client(port: int) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def test_a_second_hub_with_its_own_database_refuses_to_start(hub, clients, tmp_path):
    kiosk = clients["kiosk-1"]
    assert kiosk.ask(p.ISSUE, service="cert").result().number == "1001"
    started = time.monotonic()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.cli",
            "hub",
            "--config",
            str(hub.config_path),
            "--database",
            str(tmp_path / "other-box.db"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 5, out.stderr
    refusal = [line for line in out.stderr.splitlines() if line.startswith("sunbeon hub:")]
    assert refusal and "another hub is running" in refusal[0] and "Traceback" not in out.stderr
    assert time.monotonic() - started < 45
    # The first hub never noticed: it still issues, and the hall still sees it online.
    assert kiosk.ask(p.ISSUE, service="cert").result().number == "1002"
    assert kiosk.wait_for(lambda c: c.hub_online, 5)
    assert hub.service.fenced is None


def test_a_running_hub_that_sees_another_live_hub_stops_issuing(hub, clients):
    kiosk = clients["kiosk-1"]
    assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
    other = raw_client(hub.hall.mqtt.port)
    status = p.HubStatus(
        state="online",
        at=time.time(),
        seq=1,
        instance="intruder",
        epoch="e",
        host="box-2",
        database="/var/lib/sunbeon/hub.db",
    )
    other.publish(f"sunbeon/v1/{hub.hall.site.id}/hub/status", p.encode(status), qos=1).wait_for_publish(5)
    snap = kiosk.wait_for_snapshot(lambda s: any(a.detail == "second_hub" for a in s.alerts), 10)
    assert snap is not None, "the hall was not told"
    reply = kiosk.ask(p.ISSUE, service="cert")
    assert reply.status == "error" and "another hub" in reply.error.message
    assert hub.service.health[0] == "degraded"
    # Reads go on.
    assert kiosk.snapshot.service("cert").waiting == 1
    # hub/status (retained) says degraded, and why.
    seen = []
    watcher = raw_client(hub.hall.mqtt.port)
    watcher.on_message = lambda c, u, m: seen.append(p.HubStatus.model_validate_json(m.payload))
    watcher.subscribe(f"sunbeon/v1/{hub.hall.site.id}/hub/status", qos=1)
    deadline = time.monotonic() + 10
    while not any(s.instance == hub.service.instance for s in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    mine = [s for s in seen if s.instance == hub.service.instance]
    assert mine and mine[-1].state == "degraded" and mine[-1].detail == "second_hub"
    watcher.disconnect()
    watcher.loop_stop()
    other.disconnect()
    other.loop_stop()


def test_screens_take_a_lower_seq_from_a_new_epoch(broker, hall_file):
    from wire import config

    hall = config.load(hall_file)
    display = HubClient(hall.site.id, "hall-display", hall.mqtt, role="display").start()
    assert display.wait_for(lambda c: c.connected.is_set(), 10)
    hub_side = raw_client(broker.port)
    topic = f"sunbeon/v1/{hall.site.id}/state/snapshot"
    base = {
        "v": 1,
        "site": {},
        "business_date": "2026-11-23",
        "at": 0.0,
        "services": [],
        "counters": [],
        "recent_calls": [],
        "alerts": [],
    }

    def send(seq: int, epoch: str) -> None:
        hub_side.publish(topic, json.dumps({**base, "seq": seq, "epoch": epoch}), qos=1).wait_for_publish(5)

    send(40, "old")
    assert display.wait_for_snapshot(lambda s: s.seq == 40)
    send(39, "old")  # a late message of the same history: ignored
    send(41, "old")
    assert display.wait_for_snapshot(lambda s: s.seq == 41)
    time.sleep(0.2)
    send(3, "new")  # the hub restarted from another history: taken
    assert display.wait_for_snapshot(lambda s: s.epoch == "new" and s.seq == 3, 5), "the screen froze"
    send(2, "new")
    send(4, "new")
    assert display.wait_for_snapshot(lambda s: s.seq == 4)
    hub_side.disconnect()
    hub_side.loop_stop()
    display.close()


def test_a_restored_backup_is_skipped_past_using_the_brokers_snapshot(hall_file, tmp_path):
    database = tmp_path / "hub.db"
    running = RunningHub(hall_file, database).start()
    kiosk = running.client("kiosk-1")
    try:
        assert [kiosk.ask(p.ISSUE, service="cert").result().number for _ in range(2)] == ["1001", "1002"]
        running.stop()
        shutil.copy(database, tmp_path / "backup.db")
        running.start()
        held = [kiosk.ask(p.ISSUE, service="cert").result() for _ in range(3)]
        assert [h.number for h in held] == ["1003", "1004", "1005"]
        epoch = running.store.epoch
        running.stop()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "backup.db", database)
        running.start()
        assert running.store.epoch != epoch
        assert kiosk.wait_for_snapshot(lambda s: s.epoch == running.store.epoch, 10)
        assert any(a.detail == "rewound" for a in kiosk.snapshot.alerts)
        assert kiosk.ask(p.ISSUE, service="cert").result().number == "1006"
    finally:
        kiosk.close()
        running.stop()


def test_a_hub_takes_over_its_own_stale_status_after_a_power_cut(hall_file, tmp_path, broker):
    """The broker kept "online" from the hub that died with the box: same host, same database."""
    import socket

    from wire import config

    hall = config.load(hall_file)
    database = tmp_path / "hub.db"
    stale = p.HubStatus(
        state="online",
        at=time.time() - 600,
        seq=7,
        instance="before-the-cut",
        epoch="e",
        host=socket.gethostname(),
        database=str(database.resolve()),
    )
    writer = raw_client(broker.port)
    writer.publish(f"sunbeon/v1/{hall.site.id}/hub/status", p.encode(stale), qos=1, retain=True).wait_for_publish(5)
    writer.disconnect()
    writer.loop_stop()
    started = time.monotonic()
    running = RunningHub(hall_file, database).start()
    try:
        assert time.monotonic() - started < 8, "the hub waited for itself"
        kiosk = running.client("kiosk-1")
        assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
        kiosk.close()
    finally:
        running.stop()
