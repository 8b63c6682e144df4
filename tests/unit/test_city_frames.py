"""What a lagging city viewer is sent: never more than the whole city (each hall once)."""

from __future__ import annotations

import json
import time

from city import pages
from city.config import CityConfig
from city.relay import Frames
from city.state import CityState
from city.synthetic import SyntheticHall


def test_a_viewer_far_behind_gets_each_hall_once_not_every_frame_it_missed() -> None:
    state = CityState(CityConfig(database=":memory:"))
    halls = [SyntheticHall(f"h{i}", f"{i}동 주민센터", seed=i) for i in range(40)]
    frames = Frames(state, pages.hall_card)
    now = time.time()
    for h in halls:
        state.apply(f"sunbeon/v1/{h.site}/state/snapshot", json.dumps(h.step(now)).encode(), now)
    assert frames.tick(now)
    start, _ = frames.everything("ko", now)
    for _ in range(20):  # 100× peak: every hall changes between two ticks
        now += 0.2
        for h in halls:
            state.apply(f"sunbeon/v1/{h.site}/state/snapshot", json.dumps(h.step(now)).encode(), now)
        assert frames.tick(now)
    number, chunk = frames.after(start, "ko", now)
    assert number == frames.number
    assert chunk.count(b"event: hall") == len(halls)  # each hall once, at its newest
    assert len(chunk) <= len(frames.everything("ko", now)[1])
    # A viewer one frame behind still gets just that frame.
    one = frames.after(frames.number - 1, "ko", now)[1]
    assert one.count(b"event: hall") == len(halls) and one == frames.frame(frames.number, "ko")
