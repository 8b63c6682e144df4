"""A notifier's tracker without a broker: snapshots and places built by hand, replies collected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from notify.secrecy import Sealer
from notify.store import NotifyStore
from notify.tracker import Tracker
from tests.halls import hall_text
from wire import config
from wire import protocol as p

NOTIFY = """
[notify]
sms = "webhook"
push = true
stages = [5, 2, 0]
[notify.webhook]
url = "http://127.0.0.1:9/hook"
[notify.webpush]
public_key = "x"
hosts = ["fcm.googleapis.com", "*.push.apple.com"]
"""


def hall(extra: str = NOTIFY) -> config.HallConfig:
    return config.parse(hall_text() + extra, "hall.toml")


def snapshot(queue: list[str], serving: dict[str, str] | None = None, date: str = "2026-11-23") -> p.Snapshot:
    """A snapshot whose cert queue holds these tokens (in order) and counters serve these (counter → token)."""
    entries = [{"number": str(1001 + i), "priority": False, "token_hash": p.token_hash(t), "for_counter": None}
               for i, t in enumerate(queue)]  # fmt: skip
    counters = []
    for cid, token in (serving or {}).items():
        counters.append({
            "id": cid, "label": {"ko": f"{cid}번 창구", "en": f"Counter {cid}"}, "status": "open",
            "services": [["cert"]], "waiting": 0,
            "serving": {"id": 1, "number": "1000", "service": "cert", "priority": False, "channel": "kiosk",
                        "language": "ko", "state": "called", "issued": 0.0, "called": 1.0, "finished": None,
                        "counter": cid, "for_counter": None, "recalls": 0, "ahead_at_issue": 0,
                        "estimate_at_issue": [0, 1], "business_date": date, "token_hash": p.token_hash(token)},
        })  # fmt: skip
    return p.Snapshot.model_validate({
        "v": 1, "seq": 1, "site": {"id": "test"}, "business_date": date, "at": 0.0, "alerts": [], "recent_calls": [],
        "counters": counters,
        "services": [{"id": "cert", "name": {"ko": "제증명"}, "status": "open", "waiting": len(queue),
                      "waiting_priority": 0, "queue": entries, "last_called": None, "estimate_minutes": [0, 1],
                      "counters_open": 1, "mean_service_seconds": 240.0, "opens": "00:00", "cutoff": "23:59",
                      "closes": "23:59", "priority_offered": True}],
    })  # fmt: skip


class Harness:
    """A tracker on a real SQLite file, with its replies and submitted keys recorded."""

    def __init__(self, folder: Path, hall_config: config.HallConfig | None = None) -> None:
        self.folder = folder
        self.key = Fernet.generate_key()
        self.sealer = Sealer(self.key)
        self.store = NotifyStore(folder / "notify.db")
        self.replies: list[p.Reply] = []
        self.submitted: list[str] = []
        self.now = 1000.0
        self.tracker = Tracker(
            hall_config or hall(), self.store, self.sealer, submit=self.submitted.append,
            # Through JSON, as a device reads it off the wire (data becomes a plain object).
            reply=lambda device, corr, reply: self.replies.append(p.Reply.model_validate_json(p.encode(reply))),
            clock=lambda: self.now,
        )  # fmt: skip

    def send(self, device: str = "kiosk-1", **fields: Any) -> p.Reply:
        fields.setdefault("v", 1)
        fields.setdefault("id", f"c{len(self.replies)}-{id(fields)}")
        before = len(self.replies)
        self.tracker.command(device, json.dumps(fields).encode(), None)
        return self.replies[before] if len(self.replies) > before else p.Reply.fail(None, "timeout", "pending")
