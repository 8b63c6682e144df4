"""The store writes what changed, never the whole hub state (issue 17), and keeps what it wrote."""

import dataclasses
import json
import sqlite3

from hub.domain import queue
from hub.store import Store, _migration_1
from tests.halls import at, hall

NOON = at("2026-11-23 12:00")
HALL = hall(per_minute=600, block=(1, 99999))


def _issue(state, now):
    return queue.issue(state, "cert", now, token_hash=f"h{state.next_id}", device="staff", channel="staff")


def _commit(store, state, events):
    store.commit(state, [("staff", f"c{state.seq}", e, "{}") for e in events])


def test_a_commit_writes_a_few_rows_however_many_wait(tmp_path):
    store = Store(tmp_path / "hub.db")
    state = store.load(HALL, NOON)
    pending = []
    for n in range(3000):
        state, events = _issue(state, NOON + n * 0.01)
        state, pending = dataclasses.replace(state, seq=state.seq + 1), pending + events
        if n % 500 == 0 or n == 2999:
            _commit(store, state, pending)
            pending = []
    for counter in ("1", "3"):
        state, events = queue.call_next(state, counter, NOON + 60)
        _commit(store, state, events)
    pending = []
    for n in range(500):  # a busy kiosk: its last minute of issue times is not written per commit
        state, events = queue.issue(state, "cert", NOON + 61 + n * 0.01, token_hash=f"k{n}", device="kiosk-1")
        pending += events
    _commit(store, state, pending)
    written: list[str] = []
    store.conn.set_trace_callback(written.append)
    before = store.conn.total_changes
    state, events = _issue(state, NOON + 70)
    _commit(store, state, events)
    store.conn.set_trace_callback(None)
    # One event, one ticket, one reply, and the hub-state rows that changed (day and cursor).
    assert store.conn.total_changes - before <= 5
    state_writes = [sql for sql in written if "hub_state" in sql]
    assert sum(map(len, state_writes)) < 400, state_writes
    rows = dict(store.conn.execute("SELECT key, value FROM hub_state"))
    assert "state" not in rows and json.loads(rows["cursor/cert"]) == state.cursors["cert"]
    store.close()

    again = Store(tmp_path / "hub.db").load(HALL, NOON + 62)
    assert (again.seq, again.next_id, again.business_date) == (state.seq, state.next_id, state.business_date)
    assert dict(again.cursors) == dict(state.cursors) and dict(again.counters) == dict(state.counters)
    assert again.recent_calls == state.recent_calls
    assert dict(again.tickets) == dict(state.tickets) and dict(again.labels) == dict(state.labels)
    assert {k: list(v) for k, v in again.queues.items()} == {k: list(v) for k, v in state.queues.items()}


def test_a_new_day_removes_the_old_days_counter_rows(tmp_path):
    store = Store(tmp_path / "hub.db")
    state = store.load(HALL, NOON)
    state, events = _issue(state, NOON)
    _commit(store, state, events)
    state, events = queue.call_next(state, "3", NOON + 1)
    _commit(store, state, events)
    assert store.conn.execute("SELECT count(*) FROM hub_state WHERE key='counter/3'").fetchone()[0] == 1
    state, events = queue.tick(state, NOON + 86400)
    _commit(store, state, events)
    assert store.conn.execute("SELECT count(*) FROM hub_state WHERE key LIKE 'counter/%'").fetchone()[0] == 0
    store.close()
    assert Store(tmp_path / "hub.db").load(HALL, NOON + 86401).counters == {}


def test_migration_splits_the_old_state_document(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    _migration_1(sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version=1")
    old = {
        "business_date": "2026-11-23",
        "seq": 41,
        "next_id": 18,
        "counters": {"3": {"status": "paused", "serving": None, "priority_streak": 1}},
        "cursors": {"cert": 17},
        "service_times": {"cert": {"mean": 200.0, "deviation": 50.0, "samples": 4}},
        "recent_calls": [
            {
                "ticket": 16,
                "label": "00016",
                "service": "cert",
                "counter": "3",
                "at": NOON - 5,
                "recall": False,
                "language": "ko",
            }
        ],
        "kiosk_issues": {"kiosk-1": [NOON - 3, NOON - 2]},
    }
    conn.execute("INSERT INTO hub_state VALUES ('state', ?)", [json.dumps(old)])
    conn.close()
    store = Store(path)
    state = store.load(HALL, NOON)
    assert (state.seq, state.next_id, state.cursors["cert"]) == (41, 18, 17)
    assert state.counter("3").status.value == "paused" and state.counter("3").priority_streak == 1
    assert state.service_times["cert"].samples == 4 and state.recent_calls[0].label == "00016"
    assert store.conn.execute("SELECT count(*) FROM hub_state WHERE key='state'").fetchone()[0] == 0
    state, _ = _issue(state, NOON)
    assert state.tickets[18].number == 18  # numbering goes on after the migrated cursor


def test_the_epoch_survives_the_first_commit_and_a_restart(tmp_path):
    # The database's epoch lives beside the state rows: the first commit of a new store (which
    # writes every state row afresh) must not clear it, and loading must not read it as state.
    store = Store(tmp_path / "hub.db")
    epoch = store.epoch
    state = store.load(HALL, NOON)
    state, events = _issue(state, NOON)
    _commit(store, dataclasses.replace(state, seq=state.seq + 1), events)
    store.probe()
    store.close()
    again = Store(tmp_path / "hub.db")
    assert again.epoch == epoch
    loaded = again.load(HALL, NOON + 1)
    assert loaded.seq == 1 and len(loaded.tickets) == 1
    again.close()
