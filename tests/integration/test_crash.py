"""SIGKILL the hub again and again while a kiosk issues tickets: nothing acknowledged is lost."""

import os
import signal
import subprocess
import sys
import threading
import time

from hub.store import Store
from tests.halls import hall_text
from wire import config
from wire import protocol as p
from wire.client import HubClient

KILLS = 6


def test_acknowledged_tickets_survive_sigkill(tmp_path, broker):
    path = tmp_path / "hall.toml"
    database = tmp_path / "hub.db"
    path.write_text(
        hall_text(port=broker.port, database=str(database), per_minute=600, block=(1, 99999)).replace(
            'id = "test"', 'id = "crash"', 1
        ),
        encoding="utf-8",
    )
    hall = config.load(path)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def start_hub() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "hub.log", "ab"),
        )

    acked: dict[str, str] = {}  # ticket number -> command id
    stop = threading.Event()
    kiosk = HubClient(hall.site.id, "kiosk-1", hall.mqtt, role="kiosk").start()

    def issue_forever() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            reply = kiosk.ask(p.ISSUE, service="cert", timeout=0.5, command_id=f"tap-{n}")
            if reply.status == "ok":
                assert reply.result().number not in acked, f"number {reply.result().number} issued twice"
                acked[reply.result().number] = reply.id
            else:
                time.sleep(0.02)

    hub = start_hub()
    worker = threading.Thread(target=issue_forever, daemon=True)
    worker.start()
    try:
        for _ in range(KILLS):
            deadline = time.monotonic() + 20
            count = len(acked)
            while len(acked) < count + 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(acked) >= count + 20, "the hub did not come back and issue"
            hub.send_signal(signal.SIGKILL)
            hub.wait()
            hub = start_hub()
        time.sleep(1)
    finally:
        stop.set()
        worker.join(10)
        hub.send_signal(signal.SIGKILL)
        hub.wait()
        kiosk.close()

    store = Store(database)
    state = store.load(hall, time.time())
    rows = store.tickets(state.business_date)
    stored = {r["label"] for r in rows}
    missing = set(acked) - stored
    assert not missing, f"acknowledged but lost: {sorted(missing)[:10]}"
    labels = [r["label"] for r in rows]
    assert len(labels) == len(set(labels)), "a number was issued twice"
    assert len(acked) >= KILLS * 20
    # A repeat of an acknowledged command after all those crashes still gets its first answer.
    assert set(store.replies(state.business_date)) >= {("kiosk-1", cid) for cid in acked.values()}
    store.close()
