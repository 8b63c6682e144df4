"""The login brake at its boundaries: tries at one moment are admitted as tries in a row would be,
and the real clerk is never locked out, whatever came before."""

from hypothesis import given
from hypothesis import strategies as st

from web.auth import FREE_FAILURES, FREE_FAILURES_PER_ADDRESS, LONGEST_WAIT, LoginBrake


@given(st.integers(1, 300), st.integers(1, 40))
def test_tries_at_one_moment_are_admitted_at_most_the_free_ones(tries, counters):
    brake = LoginBrake(clock=lambda: 1000.0)
    admitted = sum(brake.admit(str(i % counters), "203.0.113.9") == 0 for i in range(tries))
    assert admitted <= min(tries, FREE_FAILURES * counters, FREE_FAILURES_PER_ADDRESS)


@given(st.lists(st.tuples(st.sampled_from(["3", "1", "x"]), st.sampled_from(["a", "b"]), st.floats(0, 100))))
def test_the_clerk_always_gets_in_after_the_longest_wait(history):
    now = [0.0]
    brake = LoginBrake(clock=lambda: now[0])
    for counter, address, later in history:  # guesses, spaced as they came
        now[0] += later
        brake.admit(counter, address)
    now[0] += LONGEST_WAIT + 0.001
    assert brake.admit("3", "a") == 0  # the right password is then checked, never a lockout
    brake.succeeded("3", "a")
    assert brake.wait_for("3", "a") <= LONGEST_WAIT
