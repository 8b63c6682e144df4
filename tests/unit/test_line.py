"""The persistent waiting line: behaves as a sorted set, never changes, and stays shallow."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain import line as line_module
from hub.domain.line import EMPTY, Line

ops = st.lists(st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 300)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_a_line_is_a_sorted_set_and_old_lines_never_change(steps):
    line, model, history = EMPTY, set(), []
    for op, key in steps:
        history.append((line, sorted(model)))
        line = line.add(key) if op == "add" else line.remove(key)
        model = model | {key} if op == "add" else model - {key}
        assert list(line) == sorted(model)
        assert len(line) == len(model) and bool(line) == bool(model)
    for old, expected in history:  # persistence: every earlier version still reads the same
        assert list(old) == expected
    ordered = sorted(model)
    for index, key in enumerate(ordered):
        assert line[index] == key and line.rank(key) == index and key in line
    if ordered:
        assert line[0] == ordered[0] and line[-1] == ordered[-1]
    assert line.rank(10**9) == len(ordered)


def _depth(node) -> int:
    return 0 if node is None else 1 + max(_depth(node.left), _depth(node.right))


def test_a_day_of_tickets_makes_a_shallow_tree_and_a_change_copies_one_path(monkeypatch):
    # Ids arrive in order all day; the tree must stay O(log n) deep for that, or an op is O(n).
    line = EMPTY
    for key in range(1, 20001):
        line = line.add(key)
    for key in range(1, 12001, 3):  # called and cancelled along the way
        line = line.remove(key)
    n = len(line)
    assert _depth(line._root) <= 4 * math.log2(n)
    made = []
    original = line_module._Node.__init__

    def counting(self, *args):
        made.append(1)
        original(self, *args)

    monkeypatch.setattr(line_module._Node, "__init__", counting)
    line.add(20001)
    line.remove(line[0])
    line.remove(15000)
    assert len(made) <= 3 * 4 * math.log2(n), f"{len(made)} nodes made for 3 changes to a line of {n}"


def test_lines_compare_by_their_ids():
    assert Line([3, 1, 2]) == Line([1, 2, 3]) == [1, 2, 3]
    assert Line([1]) != Line([2])
    assert EMPTY.remove(5) is EMPTY
