"""Nearest first from the halls' own descriptions: no hall in city.toml, each hall's position comes
from its hall config's `[site.location]` (the hub's `hall/info`), and the phone's stays in the browser."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from city.app import create_app
from city.config import CityConfig
from city.state import CityState
from city.synthetic import SyntheticHall
from tests.conftest import PHONE, serving
from tests.e2e.test_city_browser import NEAR
from tests.halls import hall_text
from wire import config
from wire import protocol as p

ROOT = "sunbeon/v1"
PLACES = {
    "far": ("서울특별시 은평구 통일로 684", 37.65, 126.90),
    "near": ("서울특별시 성동구 뚝섬로1길 43", 37.5447, 127.0557),
}


def described(site: str) -> bytes:
    """The `hall/info` the hub of `site` publishes, from a hall config with a location."""
    address, lat, lon = PLACES[site]
    location = f'[site.location]\naddress = "{address}"\nlat = {lat}\nlon = {lon}\n'
    text = hall_text().replace('id = "test"', f'id = "{site}"', 1).replace("\n[mqtt]\n", f"\n{location}\n[mqtt]\n", 1)
    return p.describe_info(config.parse(text, f"{site}.toml").hall)


@pytest.fixture
def served() -> Iterator[tuple[str, CityState]]:
    app, state = create_app(CityConfig(name="성동구", database=":memory:"), link=False)  # no [[halls]] at all
    for site, name, seed in (("far", "먼동 주민센터", 3), ("near", "가까운동 주민센터", 4)):
        state.apply(f"{ROOT}/{site}/hall/info", described(site), time.time())
        snapshot = SyntheticHall(site, name, seed=seed).snapshot()
        state.apply(f"{ROOT}/{site}/state/snapshot", json.dumps(snapshot).encode(), time.time())
    with serving(app) as url:
        yield url, state


def test_the_halls_own_descriptions_sort_them_by_distance_in_the_browser(browser, served) -> None:
    url, _state = served
    requests: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="ko-KR", geolocation=NEAR, permissions=["geolocation"])
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url + " " + (r.post_data or "")))
    page.goto(url + "/")
    assert page.locator(".hall").first.get_attribute("data-site") == "far"
    assert page.locator("#hall-near .address").inner_text() == PLACES["near"][0]
    page.click("#near")
    page.locator("#hall-near .distance", has_text="km").wait_for(timeout=10000)
    assert page.locator(".hall").first.get_attribute("data-site") == "near"
    sent = " ".join(requests)
    assert "37.54" not in sent and "127.05" not in sent and "latitude" not in sent
