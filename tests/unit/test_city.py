"""The city relay's core: one hall's bad data never spoils the page; staleness; the page, API and widget."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from city import decode
from city.app import create_app
from city.config import CityConfig, HallInfo
from city.state import CityState
from city.store import SummaryStore
from city.synthetic import SyntheticHall
from hub.summary import summarize
from tests.integration.test_report import small_day  # noqa: F401 - the fixture

ROOT = "sunbeon/v1"
TOPICS = ["state/snapshot", "hub/status", "summary/2026-11-23", "city/link", "hall/info", "state/other"]


def config(**kw: object) -> CityConfig:
    return CityConfig(database=":memory:", halls=[HallInfo(site="a", address="서울 중구", lat=37.56, lon=126.97)], **kw)


def good_state(now: float) -> tuple[CityState, SyntheticHall]:
    state = CityState(config())
    hall = SyntheticHall("a", "가상동", seed=1)
    assert state.apply(f"{ROOT}/a/state/snapshot", json.dumps(hall.step(now)).encode(), now)
    return state, hall


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    topic=st.sampled_from(TOPICS),
    site=st.sampled_from(["a", "b"]),
    payload=st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.just(b"[" * 5000),
        st.just(b'{"v":1,"seq":' + b"9" * 5000 + b"}"),
        st.just(b'{"v": 1, "site": "\\ud800"}'),
    ),
)
def test_no_input_breaks_the_city_or_another_hall(topic: str, site: str, payload: bytes) -> None:
    now = time.time()
    state, _ = good_state(now)
    before = state.public(state.halls["a"], now)["services"]
    state.apply(f"{ROOT}/{site}/{topic}", payload, now)  # never raises
    halls = state.halls_list(now)  # and the page still renders
    assert any(h["site"] == "a" for h in halls)
    # Hall a keeps its last good services whatever arrived (a valid new snapshot is not generated here).
    assert state.public(state.halls["a"], now)["services"] == before
    assert json.dumps(halls)


def test_malformed_oversized_and_mismatched_snapshots_are_flagged_the_rest_unaffected() -> None:
    now = time.time()
    state, _ = good_state(now)
    b = SyntheticHall("b", "나동", seed=2)
    state.apply(f"{ROOT}/b/state/snapshot", json.dumps(b.step(now)).encode(), now)
    state.apply(f"{ROOT}/a/state/snapshot", b"{not json", now)
    assert state.public(state.halls["a"], now)["flags"] == ["malformed"]
    state.apply(f"{ROOT}/a/state/snapshot", b" " * (decode.MAX_SNAPSHOT + 1), now)
    assert "oversized" in state.public(state.halls["a"], now)["flags"]
    state.apply(f"{ROOT}/a/state/snapshot", json.dumps(b.step(now)).encode(), now)  # b's data under a
    assert "mismatch" in state.public(state.halls["a"], now)["flags"]
    hall_b = state.public(state.halls["b"], now)
    assert hall_b["flags"] == [] and hall_b["services"] and not hall_b["stale"]


def test_a_hall_with_a_wrong_clock_is_flagged() -> None:
    now = time.time()
    state = CityState(config())
    hall = SyntheticHall("a", "가상동", seed=1)
    state.apply(f"{ROOT}/a/state/snapshot", json.dumps(hall.step(now - 3 * 3600)).encode(), now)
    assert state.public(state.halls["a"], now)["flags"] == ["clock"]
    state.apply(f"{ROOT}/a/state/snapshot", json.dumps(hall.step(now)).encode(), now + 1)
    assert state.public(state.halls["a"], now + 1)["flags"] == []


def test_stale_when_the_link_drops_or_the_hall_is_silent_and_fresh_again() -> None:
    now = time.time()
    state, _ = good_state(now)
    assert not state.public(state.halls["a"], now)["stale"]
    state.apply(f"{ROOT}/a/city/link", b"0", now + 1)
    assert state.public(state.halls["a"], now + 1)["stale"]
    state.apply(f"{ROOT}/a/city/link", b"1", now + 2)
    assert not state.public(state.halls["a"], now + 2)["stale"]
    assert state.public(state.halls["a"], now + 2 + state.config.stale_after + 1)["stale"]  # silence


def test_summaries_are_kept_final_wins(small_day) -> None:  # noqa: F811
    small_rows = small_day[1]
    store = SummaryStore(":memory:")
    first = summarize(small_rows, "a", "2026-11-23", {}, at=10.0, final=False)
    final = summarize(small_rows, "a", "2026-11-23", {}, at=20.0, final=True)
    later_partial = summarize(small_rows, "a", "2026-11-23", {}, at=30.0, final=False)
    assert store.put(first, 1) and store.put(final, 2) and not store.put(later_partial, 3)
    (row,) = store.rows("2026-11")
    assert row["final"] and row["tasks"]["all"]["tickets"] == 4


def test_a_summary_far_from_today_or_under_another_days_topic_is_flagged_not_kept(small_day) -> None:  # noqa: F811
    """A hall publishing a summary for every date there is grew the city's store without end (attack
    pass): a summary is kept only under its own day's topic and for a day near the city's today."""
    now = time.mktime((2026, 11, 23, 12, 0, 0, 0, 0, -1))
    kept: list[str] = []
    state = CityState(config())
    state.on_summary = lambda s, _now: kept.append(s.date)
    for day, topic_day, flag in [
        ("2026-11-23", "2026-11-23", None),
        ("2026-01-15", "2026-01-15", None),  # a past day the report compares: kept
        ("1999-01-01", "1999-01-01", "summary_date"),
        ("2030-01-01", "2030-01-01", "summary_date"),
        ("2026-11-22", "2026-11-23", "summary_mismatch"),
    ]:
        s = summarize(small_day[1], "a", day, {}, at=now, final=True)
        state.apply(f"sunbeon/v1/a/summary/{topic_day}", s.model_dump_json().encode(), now)
        assert (flag in state.halls["a"].flags) if flag else (day in kept), (day, topic_day)
    assert kept == ["2026-11-23", "2026-01-15"]


def test_page_api_widget_and_report() -> None:
    now = time.time()
    app, state = create_app(config(cors_origins=["https://www.gu.go.kr"]), link=False)
    hall = SyntheticHall("a", "가상동", seed=1)
    state.apply(f"{ROOT}/a/state/snapshot", json.dumps(hall.step(now)).encode(), now)
    with TestClient(app) as client:
        page = client.get("/?lang=ko")
        assert page.status_code == 200 and "민원실 대기 현황" in page.text and "가상동" in page.text
        assert "서울 중구" in page.text and 'data-lat="37.560000"' in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        api = client.get("/api/halls", headers={"Origin": "https://www.gu.go.kr"})
        assert api.json()["halls"][0]["site"] == "a" and api.headers["cache-control"] == "public, max-age=5"
        assert api.headers["access-control-allow-origin"] == "https://www.gu.go.kr"
        assert client.get("/api/halls", headers={"If-None-Match": api.headers["etag"]}).status_code == 304
        other = client.get("/api/halls", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        widget = client.get("/widget?lang=vi")
        assert (
            "https://www.gu.go.kr" in widget.headers["content-security-policy"]
            and "x-frame-options" not in widget.headers
        )
        assert "người đang chờ" in widget.text
        for lang in ("en", "zh", "vi", "ru"):
            assert client.get(f"/?lang={lang}").status_code == 200
        state.apply(f"{ROOT}/a/city/link", b"0", time.time())
        assert client.get("/api/halls", headers={"If-None-Match": api.headers["etag"]}).status_code == 200
        assert "이후 정보가 갱신되지 않았습니다" in client.get("/").text
        # The report is for staff: without a session, the login page (tests/e2e/test_city_report_login.py).
        assert client.get("/report?month=2026-11", follow_redirects=False).headers["location"] == "/report/login"


def test_frames_share_changes_and_catch_up() -> None:
    import asyncio

    from city import pages
    from city.relay import Frames

    async def go() -> None:
        now = time.time()
        state, hall = good_state(now)
        frames = Frames(state, pages.hall_card)
        assert frames.tick(now)
        number, everything = frames.everything("ko", now)
        assert b"event: hall" in everything
        state.apply(f"{ROOT}/a/state/snapshot", json.dumps(hall.step(now)).encode(), now)
        assert frames.tick(now)
        after, chunk = frames.after(number, "ko", now)
        assert after == number + 1 and chunk.count(b"event: hall") == 1
        assert frames.after(after, "ko", now) == (after, b"")
        assert frames.after(-100, "ko", now)[1].count(b"event: hall") == 1  # fell behind: the whole city
        assert frames.after(after + 50, "ko", now)[1].count(b"event: hall") == 1  # a page of a restarted relay

    asyncio.run(go())
