"""A short simulated day through the real hub: deterministic, and every ticket accounted for."""

from pathlib import Path

import pytest

from tools.simulate import per_window, read_arrivals, run_day
from wire import config

ROOT = Path(__file__).resolve().parents[2]
SHORT_DAY = [(10, "cert", 12), (10, "family", 5), (10, "passport_apply", 4), (11, "cert", 6), (11, "permit", 2)]


@pytest.fixture(scope="module")
def hall():
    return config.load(ROOT / "examples" / "hall.toml")


def test_same_seed_same_day(hall):
    first = run_day(hall, counters=3, seed=7, table=SHORT_DAY)
    second = run_day(hall, counters=3, seed=7, table=SHORT_DAY)
    assert [(v.number, v.called, v.counter, v.outcome) for v in first.visits] == [
        (v.number, v.called, v.counter, v.outcome) for v in second.visits
    ]
    assert first.summary() == second.summary()
    other = run_day(hall, counters=3, seed=8, table=SHORT_DAY)
    assert [v.arrive for v in other.visits] != [v.arrive for v in first.visits]


def test_every_ticket_is_accounted_for_by_the_hub(hall):
    result = run_day(hall, counters=5, seed=3, table=SHORT_DAY)
    issued = len(result.visits)
    assert issued == sum(count for _, _, count in SHORT_DAY) - result.refused
    # The hub's own store: issued = done + no-show + cancelled + waiting, and at the day's end nobody waits.
    assert sum(result.states.values()) == issued
    assert result.states.get("waiting", 0) == 0 and result.states.get("called", 0) <= 5
    assert result.states.get("no_show", 0) == sum(1 for v in result.visits if v.outcome == "no_show")
    assert all(v.wait_minutes is not None and v.wait_minutes >= 0 for v in result.visits)
    # Numbers are the hub's, in each task's block.
    assert {v.number[0] for v in result.visits if v.service == "cert"} == {"1"}


def test_opening_n_counters_covers_every_task_first(hall):
    from tools.simulate import choose_counters

    chosen = choose_counters(hall, 5)
    assert {c.services[0][0] for c in chosen} == {s.id for s in hall.services}


def test_per_window_layout_keeps_only_primary_tiers(hall):
    single = per_window(hall)
    assert all(len(c.services) == 1 for c in single.counters)
    assert [c.services[0] for c in single.counters] == [c.services[0] for c in hall.counters]


def test_arrivals_csv(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text("hour,service,count\n9,cert,3\n10,family,2\n")
    assert read_arrivals(path) == [(9, "cert", 3), (10, "family", 2)]
    path.write_text("hour,service,count\n9,cert,three\n")
    with pytest.raises(config.ConfigError, match="line 2"):
        read_arrivals(path)
    assert len(read_arrivals(ROOT / "examples" / "monday.csv")) == 45
