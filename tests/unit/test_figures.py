"""percentile: one definition for the day report, the simulation and the benchmarks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.domain.figures import percentile

MINUTES = st.lists(st.floats(min_value=0, max_value=600, allow_nan=False), min_size=1, max_size=200)


def test_nearest_rank_on_a_hand_worked_list():
    waits = [15, 20, 35, 40, 50]
    assert [percentile(waits, q) for q in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]
    assert percentile([7.0], 90) == 7.0


def test_no_values_is_an_error_not_a_figure():
    with pytest.raises(ValueError):
        percentile([], 50)


@given(MINUTES, st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_a_measured_value_that_grows_with_q(values, q1, q2):
    low, high = sorted((q1, q2))
    assert percentile(values, low) in values
    assert percentile(values, low) <= percentile(values, high)
    assert min(values) <= percentile(values, 50) <= max(values)


def test_every_user_shares_the_one_definition():
    from hub import report
    from tools import simulate

    assert report.percentile is simulate.percentile is percentile
