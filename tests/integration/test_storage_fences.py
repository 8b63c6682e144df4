"""The hub's storage fences: one hub per database, damaged files, a full or read-only disk,
a database that went back in time, and a clock that jumps."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from hub.service import HubService, Incoming
from hub.store import Store, StoreError
from tests.halls import at, hall_text
from wire import config
from wire import protocol as p

ROOT = Path(__file__).resolve().parents[2]


def issue(
    service: HubService, device: str = "staff", command_id: str | None = None, svc: str = "cert"
) -> p.Reply[p.IssueReply]:
    payload = json.dumps(
        {"v": 1, "id": command_id or uuid.uuid4().hex, "op": "issue", "service": svc, "channel": "staff"}
    ).encode()
    out = service.handle_batch([Incoming(device, payload)])
    return p.Reply.model_validate_json(out.replies[0][1]).typed(p.ISSUE)


def live_numbers_unique(store: Store, business_date: str) -> None:
    rows = store.conn.execute(
        "SELECT label FROM tickets WHERE business_date=? AND state IN ('waiting','called')", [business_date]
    ).fetchall()
    labels = [r[0] for r in rows]
    assert len(labels) == len(set(labels)), f"a number is held twice: {sorted(labels)}"


@pytest.fixture
def hall():
    return config.parse(hall_text(), "hall.toml")


# --- one hub per database; damaged files -------------------------------------------------------


def test_a_second_store_on_the_same_database_is_refused(tmp_path):
    first = Store(tmp_path / "hub.db")
    with pytest.raises(StoreError, match=r"another hub already uses .*hub\.db"):
        Store(tmp_path / "hub.db")
    first.close()
    Store(tmp_path / "hub.db").close()  # the lock goes with the hub that held it


def _hub_cli(tmp_path: Path, *extra: str, timeout: float = 30) -> subprocess.CompletedProcess:
    path = tmp_path / "hall.toml"
    if not path.exists():
        path.write_text(hall_text(port=1, database=str(tmp_path / "hub.db")), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tools.cli", "hub", "--config", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_the_real_hub_refuses_a_locked_database_in_one_line(tmp_path):
    holder = Store(tmp_path / "hub.db")
    try:
        out = _hub_cli(tmp_path)
    finally:
        holder.close()
    assert out.returncode == 4
    assert "another hub already uses" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_damaged_database_is_a_one_line_error(tmp_path):
    (tmp_path / "hub.db").write_bytes(b"SQLite format 3\0" + os.urandom(8000))
    out = _hub_cli(tmp_path)
    assert out.returncode == 4 and "Traceback" not in out.stderr, out.stderr
    assert "damaged" in out.stderr and "hub.db" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_corrupt_pages_inside_a_valid_database_are_found_at_start(tmp_path, hall):
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: at("2026-11-23 10:00"))
    for _ in range(300):
        assert issue(service).status == "ok"
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray((tmp_path / "hub.db").read_bytes())
    page = 4096
    assert len(data) > 8 * page
    for start in range(2 * page, len(data) - page, page):  # torn pages: garbage in b-tree page headers
        data[start + 1 : start + 8] = b"\xa5" * 7
    (tmp_path / "hub.db").write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        Store(tmp_path / "hub.db")
    out = _hub_cli(tmp_path)
    assert out.returncode == 4 and "damaged" in out.stderr and "Traceback" not in out.stderr


# --- a full or read-only disk ------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs (needs root: mount)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root to mount")
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the disk to the last byte; the filler file to delete to free it."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        for chunk in (65536, 512, 1):
            try:
                while f.write(b"\0" * chunk):
                    pass
            except OSError:
                pass
    return filler


def test_a_full_disk_refuses_commands_reports_degraded_and_recovers(small_disk, hall):
    store = Store(small_disk / "hub.db")
    now = at("2026-11-23 10:00")
    service = HubService(hall, store, clock=lambda: now)
    acked = []
    for _ in range(5):
        reply = issue(service)
        assert reply.status == "ok"
        acked.append(reply.result().number)
    filler = fill(small_disk)
    refused = None
    for n in range(3000):  # the WAL may still have room for a few: write until the disk says no
        reply = issue(service, command_id=f"full-{n}")
        if reply.status != "ok":
            refused = (reply, f"full-{n}")
            break
        acked.append(reply.result().number)
    assert refused is not None, "the disk never filled"
    reply, command_id = refused
    assert reply.error.code == "storage_unavailable"
    assert "full" in (service.storage_error or ""), service.storage_error  # the cause, not a failed ROLLBACK
    seq_then = service.state.seq
    assert service.health[0] == "degraded"
    assert any(a["detail"] == "storage_unavailable" for a in service.snapshot["alerts"])
    # Reads go on: the snapshot still shows what is stored; the state did not move.
    assert service.state.seq == seq_then and issue(service).error.code == "storage_unavailable"
    assert service.state.seq == seq_then
    os.remove(filler)
    service.tick()  # the probe write finds the space again
    assert service.health[0] == "online" and not service.snapshot["alerts"]
    again = issue(service, command_id=command_id)  # the refused tap, retried: now stored
    assert again.status == "ok"
    expected_next = int(acked[-1]) + 1
    assert again.result().number == str(expected_next), "a refused ticket's number was burned or reused"
    acked.append(again.result().number)
    store.close()
    reopened = Store(small_disk / "hub.db")
    stored = {r["label"] for r in reopened.tickets("2026-11-23")}
    assert set(acked) <= stored, f"acknowledged but lost: {sorted(set(acked) - stored)[:5]}"
    live_numbers_unique(reopened, "2026-11-23")
    reopened.close()


# --- a database that went back in time ---------------------------------------------------------


def test_a_rewound_database_skips_past_the_broker_witness(tmp_path, hall):
    now = at("2026-11-23 10:00")
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: now)
    for _ in range(2):
        issue(service)
    store.close()
    shutil.copy(tmp_path / "hub.db", tmp_path / "backup.db")
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: now)
    held = [issue(service).result() for _ in range(3)]  # visitors hold 1003..1005
    witness = json.loads(p.encode(service.snapshot))  # what the broker keeps retained
    epoch = store.epoch
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp_path / 'hub.db'}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.db", tmp_path / "hub.db")  # the restored backup
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: now)
    assert service.state.seq < witness["seq"]
    assert service.skip_past(witness)
    assert store.epoch != epoch and service.snapshot["epoch"] == store.epoch
    assert service.state.seq > witness["seq"]
    assert any(a["detail"] == "rewound" for a in service.snapshot["alerts"])
    reply = issue(service).result()
    assert reply.number == "1006", "a number a visitor holds was handed out again"
    assert reply.id > max(h.id for h in held), "a ticket id a visitor holds was handed out again"
    assert not service.skip_past(json.loads(p.encode(service.snapshot)))  # current: nothing to skip
    store.close()
    # The skip is stored: a restart does not go back again.
    store = Store(tmp_path / "hub.db")
    assert HubService(hall, store, clock=lambda: now).state.seq > witness["seq"]
    store.close()


# --- the clock ---------------------------------------------------------------------------------


def test_the_business_date_follows_the_clock_both_ways(tmp_path, hall):
    clock = [at("2026-11-23 10:00")]
    store = Store(tmp_path / "hub.db")
    service = HubService(hall, store, clock=lambda: clock[0])
    assert [issue(service).result().number for _ in range(2)] == ["1001", "1002"]
    clock[0] += 365 * 86400  # an NTP server gone wrong: a year ahead
    service.tick()
    assert service.state.business_date == "2027-11-23"
    assert any(a["detail"] == "clock_jump" for a in service.snapshot["alerts"])
    assert issue(service).result().number == "1001"
    clock[0] -= 365 * 86400 - 60  # corrected, a minute later on the real day
    service.tick()
    assert service.state.business_date == "2026-11-23", "the hub kept the future date"
    assert not service.state.tickets, "live tickets of the other day must end"
    assert issue(service).result().number == "1001"
    live_numbers_unique(store, "2026-11-23")  # the first 1001 and 1002 ended with day_end
    ended = store.conn.execute(
        "SELECT count(*) FROM events WHERE kind='cancelled' AND detail LIKE '%day_end%'"
    ).fetchone()[0]
    assert ended == 3
    store.close()


def test_small_clock_corrections_raise_no_alert(tmp_path, hall):
    clock = [at("2026-11-23 10:00")]
    service = HubService(hall, Store(tmp_path / "hub.db"), clock=lambda: clock[0])
    clock[0] -= 30  # NTP slewing a Pi that ran fast
    service.tick()
    clock[0] += 3600
    service.tick()
    assert not service.snapshot["alerts"] and service.health == ("online", None)


def test_a_hub_restarted_on_a_full_disk_starts_degraded_instead_of_crash_looping(small_disk, hall):
    now = at("2026-11-23 10:00")
    crashed = Store(small_disk / "hub.db")
    service = HubService(hall, crashed, clock=lambda: now)
    assert issue(service).result().number == "1001"
    crashed._unlock()  # as if the process died: its WAL and shared memory stay on the disk
    filler = fill(small_disk)
    store = Store(small_disk / "hub.db")  # opens: reading needs no space
    service = HubService(hall, store, clock=lambda: now)
    refused = [issue(service, command_id=f"r{n}") for n in range(200)]
    assert refused[-1].error.code == "storage_unavailable"
    assert service.snapshot["services"][0]["waiting"] >= 1  # reads still served
    os.remove(filler)
    service.tick()
    assert issue(service).status == "ok" and service.health[0] == "online"
    store.close()
    crashed.conn.close()


def test_a_database_that_cannot_be_opened_on_a_full_disk_is_not_called_damaged(small_disk, hall):
    store = Store(small_disk / "hub.db")
    HubService(hall, store, clock=lambda: at("2026-11-23 10:00"))
    store.close()  # a clean close removes the WAL: opening again must create it
    fill(small_disk)
    with pytest.raises(StoreError) as raised:
        Store(small_disk / "hub.db")
    assert "damaged" not in str(raised.value) and "the disk is full" in str(raised.value)
