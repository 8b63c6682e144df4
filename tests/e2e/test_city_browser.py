"""The city page in headless Chromium at phone size: live updates, the task filter, nearest first —
and the phone's position never leaves the browser."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from city.app import create_app
from city.config import CityConfig, HallInfo
from city.state import CityState
from city.synthetic import SyntheticHall
from tests.conftest import PHONE
from tools.broker import free_port

ROOT = "sunbeon/v1"
NEAR = {"latitude": 37.5446, "longitude": 127.0559}  # 성수역


@pytest.fixture
def served() -> Iterator[tuple[str, CityState, dict[str, SyntheticHall]]]:
    import uvicorn

    from city.main import StreamsFirst, server_options

    halls = {
        "far": SyntheticHall("far", "먼동 주민센터", seed=3),
        "near": SyntheticHall("near", "가까운동 주민센터", seed=4),
    }
    config = CityConfig(
        name="성동구",
        database=":memory:",
        halls=[HallInfo(site="far", lat=37.65, lon=126.90), HallInfo(site="near", lat=37.5447, lon=127.0557)],
    )
    app, state = create_app(config, link=False)
    for hall in halls.values():
        state.apply(f"{ROOT}/{hall.site}/state/snapshot", json.dumps(hall.snapshot()).encode(), time.time())
    port = free_port()
    # As `sunbeon web --city` serves it: the ticker writes the stream's chunks to the socket itself.
    server = uvicorn.Server(uvicorn.Config(StreamsFirst(app, config.cors_origins), **server_options("127.0.0.1", port)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", state, halls
    server.should_exit = True
    thread.join(10)


def test_city_page_live_filter_and_nearest_first_without_sending_the_position(served, browser) -> None:
    url, state, halls = served
    requests: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="ko-KR", geolocation=NEAR, permissions=["geolocation"])
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url + " " + (r.post_data or "")))
        page.goto(url + "/")
        assert page.locator(".hall").first.get_attribute("data-site") == "far"  # by site id before sorting
        page.locator("#live", has_text="실시간 갱신 중").wait_for()

        page.click("#near")
        page.locator("#hall-near .distance", has_text="km").wait_for()
        assert page.locator(".hall").first.get_attribute("data-site") == "near"

        # A change at the hall reaches the open page without a reload.
        hall = halls["far"]
        hall.waiting["cert"] = 42
        state.apply(f"{ROOT}/far/state/snapshot", json.dumps(hall.snapshot()).encode(), time.time())
        page.locator('#hall-far [data-task="cert"] .waiting', has_text="대기 42명").wait_for()

        # The link of a hall drops: the page says since when its data is old.
        state.apply(f"{ROOT}/near/city/link", b"0", time.time())
        page.locator("#hall-near .when", has_text="이후 정보가 갱신되지 않았습니다").wait_for()

        # The filter: only halls with the task, and only that task's line.
        only = next(t for t in halls["near"].waiting if t not in halls["far"].waiting)
        page.select_option("#task", only)
        assert page.locator("#hall-far").is_hidden() and page.locator("#hall-near").is_visible()
    finally:
        context.close()
    sent = " ".join(requests)
    assert "37.54" not in sent and "127.05" not in sent and "latitude" not in sent
