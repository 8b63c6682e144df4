"""Numbers on the wire are as a person would write them (no 3.6000000000000005)."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hub import handler
from hub.domain import queue, view
from wire import config
from wire import protocol as p

EXAMPLE = Path(__file__).parents[2] / "examples" / "hall.toml"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()


def test_estimate_model_capacity_is_rounded_on_the_wire():
    hall = config.load(EXAMPLE)
    state = queue.new_day(hall, NOW)
    # Counters 1–3 serve 제증명 first, 4, 5 and 10 as a second task: 3 + 3 × 0.2 counters.
    for c in ["1", "2", "3", "4", "5", "10"]:
        state = handler.handle(state, f"counter-{c}", f'{{"v":1,"id":"r{c}","op":"resume"}}'.encode(), NOW, "x").state
    payload = p.encode(view.snapshot(state, NOW))
    cert = next(s for s in json.loads(payload)["services"] if s["id"] == "cert")
    assert cert["estimate_model"]["capacity"] == 3.6
    assert b"0000000" not in payload
