"""Personal data at rest: sealed while the ticket lives, gone from the file, its WAL and its free
pages once the ticket ends, and all of it at the business-day boundary."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.notify.helpers import Harness, snapshot

PHONE = "01073829164"
FORMS = [PHONE, "010-7382-9164", "010 7382 9164", "+821073829164", "73829164", "7382-9164", "1073829164"]


def _raw(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("notify.db*")))


def _forms() -> list[bytes]:
    out = []
    for form in FORMS:
        out += [form.encode(), form.encode("utf-16-le")]
    return out


def _subscription() -> dict:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = base64.urlsafe_b64encode
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/d1Q2e3R4t5Y6",
        "keys": {"p256dh": b64(point).rstrip(b"=").decode(), "auth": b64(os.urandom(16)).rstrip(b"=").decode()},
    }


def _traces(harness: Harness) -> list[bytes]:
    """Everything that would identify the visitor, including the ciphertext itself."""
    sealed = [c.sealed for h in harness.tracker.tickets for c in harness.store.contacts_of(h)]
    keys = [c.phone_key.encode() for h in harness.tracker.tickets for c in harness.store.contacts_of(h) if c.phone_key]
    return sealed + keys


def test_a_number_is_sealed_then_wiped_from_file_wal_and_free_pages(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    tokens = [f"tok{i}" for i in range(8)]
    harness.tracker.see(snapshot(tokens), None)
    subscription = _subscription()
    assert harness.send(op="notify_register", token="tok7", phone="010-7382-9164", consent=True).status == "ok"
    assert (
        harness.send("web", op="notify_register", token="tok7", subscription=subscription, consent=True).status == "ok"
    )
    # Many other visitors' rows around it, so freed pages and WAL frames really exist.
    for i in range(5):
        assert harness.send(op="notify_register", token=f"tok{i}", phone=f"0105555000{i}", consent=True).status == "ok"
    traces = _traces(harness)
    raw = _raw(tmp_path)
    assert all(t in raw for t in traces), "the sealed rows are on disk while the ticket lives"
    assert not any(form in raw for form in _forms()), "the number is never on disk in clear"
    assert subscription["endpoint"].encode() not in raw and subscription["keys"]["p256dh"].encode() not in raw

    # The ticket is called, then served: its contacts go once nothing is left to send.
    harness.tracker.see(snapshot(tokens[:7], serving={"3": "tok7"}), None)
    for key in harness.store.keys_in("due"):
        harness.store.mark(key, "sent")
    harness.tracker.see(snapshot(tokens[:7]), None)
    harness.now += 10
    harness.tracker.tick()
    assert "tok7" not in [c.token_hash for c in harness.store.contacts_of("x")]
    assert harness.store.count_contacts() == 5
    raw = _raw(tmp_path)
    assert not any(t in raw for t in traces[:2]), "the sealed rows of the ended ticket are gone from every file"
    assert not any(form in raw for form in _forms())

    # The business day ends: every other contact goes too.
    rest = _traces(harness)
    harness.tracker.see(snapshot([], date="2026-11-24"), None)
    for key in harness.store.keys_in("due"):
        harness.store.mark(key, "sent")  # the "closed" messages went out
    harness.now += 10
    harness.tracker.tick()
    assert harness.store.count_contacts() == 0
    raw = _raw(tmp_path)
    assert rest and not any(t in raw for t in rest)
    harness.store.close()
    raw = _raw(tmp_path)
    assert not any(t in raw for t in traces + rest) and not any(form in raw for form in _forms())


def test_day_boundary_sends_closed_then_deletes(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    harness.tracker.see(snapshot(["a", "b", "c", "d", "e", "f", "g", "h"]), None)
    assert harness.send(op="notify_register", token="h", phone="01012345678", consent=True).status == "ok"
    harness.tracker.see(snapshot([], date="2026-11-24"), None)
    rows = [harness.store.outgoing(k) for k in harness.store.keys_in("due")]
    assert [r.kind for r in rows if r] == ["closed"]
    harness.store.mark(rows[0].key, "sent")  # type: ignore[union-attr]
    harness.tracker.tick()
    assert harness.store.count_contacts() == 0


def test_a_restart_on_a_later_day_deletes_without_a_late_message(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    harness.tracker.see(snapshot(["a", "b", "c", "d", "e", "f", "g", "h"]), None)
    assert harness.send(op="notify_register", token="h", phone="01012345678", consent=True).status == "ok"
    harness.store.close()
    again = Harness.__new__(Harness)
    again.__dict__.update(harness.__dict__)
    from notify.store import NotifyStore
    from notify.tracker import Tracker

    again.store = NotifyStore(tmp_path / "notify.db")
    again.tracker = Tracker(harness.tracker.hall, again.store, harness.sealer, submit=again.submitted.append,
                            reply=lambda *a: None, clock=lambda: again.now)  # fmt: skip
    again.tracker.see(snapshot([], date="2026-11-25"), None)
    assert again.store.count_contacts() == 0 and not again.store.keys_in("due")
