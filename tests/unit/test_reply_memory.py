"""Idempotency replies: memory holds only the latest; the rest answer from the database.

A counter login sending pause/resume at the hub's rate limit (every one changes the hall, so
every reply is stored) grew the hub by 240 MB an hour when all were kept in memory.
"""

from __future__ import annotations

import json

import hub.service as service_module
from hub.service import HubService, Incoming
from hub.store import Store
from tests.halls import hall
from tests.unit.test_hostile_input import NOON


def counter_op(op: str, command_id: str) -> Incoming:
    return Incoming("counter-3", json.dumps({"v": 1, "id": command_id, "op": op}).encode())


def test_reply_memory_is_bounded_and_old_repeats_answer_from_the_database(tmp_path, monkeypatch):
    monkeypatch.setattr(service_module, "REPLIES_CACHED", 300)  # the real cap is 10,000; same code path
    path = tmp_path / "hub.db"
    store = Store(path)
    svc = HubService(hall(), store, clock=lambda: NOON, new_token=lambda: "tok")
    first = None
    for n in range(0, 2000, 200):
        out = svc.handle_batch([counter_op("pause" if i % 2 == 0 else "resume", f"b{i}") for i in range(n, n + 200)])
        first = first or out.replies[0][1]
        assert len(svc.replies) <= 300
    seq = svc.state.seq
    # The very first command, repeated long after memory dropped it: its first reply, nothing changes.
    again = svc.handle_batch([counter_op("pause", "b0")])
    assert again.replies[0][1] == first and svc.state.seq == seq
    # A restart loads none of them, and still answers a repeat the same.
    store.close()
    store = Store(path)
    restarted = HubService(hall(), store, clock=lambda: NOON, new_token=lambda: "tok")
    assert len(restarted.replies) == 0
    assert restarted.handle_batch([counter_op("pause", "b0")]).replies[0][1] == first
    assert restarted.handle_batch([counter_op("resume", "b1999")]).replies[0][1] is not None
    assert restarted.state.seq == seq
    store.close()


def test_a_batch_that_fails_to_commit_is_forgotten_even_when_memory_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(service_module, "REPLIES_CACHED", 50)
    store = Store(tmp_path / "hub.db")
    svc = HubService(hall(), store, clock=lambda: NOON, new_token=lambda: "tok")
    svc.handle_batch([counter_op("pause" if i % 2 == 0 else "resume", f"a{i}") for i in range(120)])
    monkeypatch.setattr(svc, "_commit", lambda state, rows: False)  # the disk refuses this batch
    refused = svc.handle_batch([counter_op("pause", "late")])
    assert b"storage_unavailable" in refused.replies[0][1]
    monkeypatch.undo()
    assert svc._first_reply(("counter-3", "late")) is None  # tried again, not answered from memory
    assert len(svc.replies) <= 50
    store.close()
