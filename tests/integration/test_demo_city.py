"""`sunbeon demo --city`'s topology: simulated halls, each with its own broker bridged over TLS to a
central one; the city relay sees every hall and stores their summaries; a cut hall turns stale."""

import time

from city.relay import CityLink
from city.state import CityState
from city.store import SummaryStore
from tools.demo_city import CityDemo


def test_city_demo_halls_reach_the_relay_and_a_cut_one_turns_stale() -> None:
    demo = CityDemo(n=3).start()
    state = CityState(demo.config)
    store = SummaryStore(":memory:")
    link = CityLink(demo.config, state, store)
    link.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sum(1 for h in state.halls.values() if h.snapshot and h.link) < 3:
            time.sleep(0.1)
        assert sorted(s for s, h in state.halls.items() if h.snapshot and h.link) == sorted(h.site for h in demo.halls)
        assert {row["site"] for row in store.rows("")} == {h.site for h in demo.halls}  # the day's summaries kept
        # Names, addresses and positions come from each hall's own `hall/info`: the demo's city.toml has none.
        assert not demo.config.halls
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(h.info.get("lat") for h in state.halls.values()):
            time.sleep(0.1)
        for h in demo.halls:
            shown = state.public(state.halls[h.site], time.time())
            assert (shown["address"], shown["lat"], shown["lon"]) == (demo.addresses[h.site], h.lat, h.lon)
        victim = demo.halls[0].site
        demo.cut(victim)
        while time.monotonic() < deadline + 20 and state.halls[victim].link is not False:
            time.sleep(0.1)
        assert state.stale(state.halls[victim], time.time())
        assert not state.stale(state.halls[demo.halls[1].site], time.time())
    finally:
        link.close()
        demo.stop()
