"""The stage rules (notify/stages.py) and the stage list check, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notify.stages import CALL, check_stages, due, ending
from tests.halls import hall_text
from wire import config

stage_lists = st.lists(st.integers(0, 50), min_size=1, max_size=5, unique=True).map(
    lambda xs: tuple(sorted(xs, reverse=True))
)


def _run(stages: tuple[int, ...], looks: list[int | None], called_at_end: bool) -> list[int]:
    """Feed looks (people ahead, or None: not seen) then maybe the call; the stages sent, in order."""
    done: frozenset[int] = frozenset()
    sent = []
    for ahead in looks:
        step = due(stages, done, ahead, False)
        assert step.done >= done  # nothing is ever undone
        done = step.done
        if step.send is not None:
            sent.append(step.send)
    if called_at_end:
        for _ in range(2):  # the call seen twice (a republished snapshot) is sent once
            step = due(stages, done, None, True)
            done = step.done
            if step.send is not None:
                sent.append(step.send)
    return sent


@given(stage_lists, st.lists(st.one_of(st.none(), st.integers(0, 80)), max_size=40), st.booleans())
def test_each_stage_at_most_once_and_from_far_to_near(stages, looks, called) -> None:
    sent = _run(stages, sorted(looks, key=lambda a: -1 if a is None else -a), called)
    assert len(sent) == len(set(sent))
    assert sent == sorted(sent, reverse=True)
    assert set(sent) <= set(stages)
    if called and CALL in stages:
        assert sent[-1] == CALL


@given(stage_lists)
def test_a_queue_seen_at_every_step_gets_every_stage_in_order(stages) -> None:
    looks: list[int | None] = list(range(60, -1, -1))
    assert _run(stages, looks, True) == list(stages)


@given(stage_lists, st.lists(st.integers(0, 80), min_size=1, max_size=10))
def test_jumping_past_stages_sends_only_the_nearest_reached(stages, looks) -> None:
    looks = sorted(looks, reverse=True)
    done: frozenset[int] = frozenset()
    for ahead in looks:
        step = due(stages, done, ahead, False)
        if step.send is not None:
            assert step.send == min(s for s in stages if s != CALL and ahead <= s and s not in done)
            assert all(s in step.done for s in stages if s >= step.send)
        done = step.done


def test_ending() -> None:
    assert ending(True, True) == "served" and ending(True, False) == "served"
    assert ending(False, True) == "cancelled" and ending(False, False) == "closed"


@pytest.mark.parametrize(
    "bad", [[], [2, 5, 0], [5, 5, 0], [-1], [51], [5, 2, 1, 0, 3], [6, 5, 4, 3, 2, 1], ["5"], [2.5], [True], 5]
)
def test_a_nonsensical_stage_list_is_refused_at_config_load(bad) -> None:
    with pytest.raises(ValueError):
        check_stages(bad)
    text = hall_text() + f"\n[notify]\nstages = {bad!r}\n".replace("'", '"').replace("True", "true")
    with pytest.raises(config.ConfigError, match="stage"):
        config.parse(text, "hall.toml")


@given(st.lists(st.one_of(st.integers(-5, 60), st.floats(allow_nan=False), st.text(max_size=3)), max_size=7))
def test_check_stages_accepts_only_what_makes_sense(value) -> None:
    try:
        stages = check_stages(value)
    except ValueError:
        return
    assert 1 <= len(stages) <= 5 and all(type(s) is int and 0 <= s <= 50 for s in stages)
    assert list(stages) == sorted(set(stages), reverse=True)
