"""A waiting line: ticket ids in issue order, as a persistent (never changed) balanced tree.

A hall with 8,000 waiting must answer a command as fast as one with 8: adding or removing a
ticket builds a new line that shares all but one path of the old one (O(log n) new nodes), the
oldest ticket is at hand, and a ticket's place in the line (its rank) is O(log n) too. The tree
is a treap whose node priorities are a fixed hash of the id, so a set of ids always makes the
same tree and nothing here needs randomness.
"""

from __future__ import annotations

from collections.abc import Iterator

_MASK = (1 << 64) - 1


def _weight(key: int) -> int:
    # splitmix64's finaliser: ids arrive in order, so their heap priorities must look random.
    x = (key * 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class _Node:
    __slots__ = ("key", "left", "right", "size", "weight")
    key: int
    weight: int
    left: _Node | None
    right: _Node | None
    size: int

    def __init__(self, key: int, weight: int, left: _Node | None, right: _Node | None) -> None:
        self.key, self.weight, self.left, self.right = key, weight, left, right
        self.size = 1 + (left.size if left else 0) + (right.size if right else 0)


def _split(node: _Node | None, key: int) -> tuple[_Node | None, _Node | None]:
    """(ids < key, ids ≥ key)."""
    if node is None:
        return None, None
    if node.key < key:
        low, high = _split(node.right, key)
        return _Node(node.key, node.weight, node.left, low), high
    low, high = _split(node.left, key)
    return low, _Node(node.key, node.weight, high, node.right)


def _merge(low: _Node | None, high: _Node | None) -> _Node | None:
    """Join two trees where every id of `low` is below every id of `high`."""
    if low is None:
        return high
    if high is None:
        return low
    if low.weight > high.weight:
        return _Node(low.key, low.weight, low.left, _merge(low.right, high))
    return _Node(high.key, high.weight, _merge(low, high.left), high.right)


def _insert(node: _Node | None, key: int, weight: int) -> _Node:
    if node is None:
        return _Node(key, weight, None, None)
    if weight > node.weight:
        low, high = _split(node, key)
        return _Node(key, weight, low, high)
    if key < node.key:
        return _Node(node.key, node.weight, _insert(node.left, key, weight), node.right)
    return _Node(node.key, node.weight, node.left, _insert(node.right, key, weight))


def _remove(node: _Node | None, key: int) -> _Node | None:
    if node is None:
        return None
    if key == node.key:
        return _merge(node.left, node.right)
    if key < node.key:
        return _Node(node.key, node.weight, _remove(node.left, key), node.right)
    return _Node(node.key, node.weight, node.left, _remove(node.right, key))


class Line:
    """Ticket ids in ascending order (issue order), immutable; `add`/`remove` return a new line."""

    __slots__ = ("_root",)

    def __init__(self, ids: tuple[int, ...] | list[int] = (), *, _root: _Node | None = None) -> None:
        root = _root
        for key in ids:
            root = _insert(root, key, _weight(key)) if not _contains(root, key) else root
        self._root = root

    def __len__(self) -> int:
        return self._root.size if self._root else 0

    def __bool__(self) -> bool:
        return self._root is not None

    def __iter__(self) -> Iterator[int]:
        stack: list[_Node] = []
        node = self._root
        while stack or node is not None:
            while node is not None:
                stack.append(node)
                node = node.left
            node = stack.pop()
            yield node.key
            node = node.right

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and _contains(self._root, key)

    def __getitem__(self, index: int) -> int:
        """The id at a place in the line (0 = the oldest), O(log n)."""
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("line index out of range")
        node = self._root
        while node is not None:
            left = node.left.size if node.left else 0
            if index < left:
                node = node.left
            elif index == left:
                return node.key
            else:
                index -= left + 1
                node = node.right
        raise IndexError("line index out of range")  # pragma: no cover - sizes are kept exact

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Line):
            return len(self) == len(other) and list(self) == list(other)
        if isinstance(other, (tuple, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Line({list(self)!r})"

    def add(self, key: int) -> Line:
        """This line with `key` in its place by id (a transferred ticket keeps its age)."""
        if _contains(self._root, key):
            return self
        return Line(_root=_insert(self._root, key, _weight(key)))

    def remove(self, key: int) -> Line:
        """This line without `key` (unchanged when it is not there)."""
        if not _contains(self._root, key):
            return self
        return Line(_root=_remove(self._root, key))

    def rank(self, key: int) -> int:
        """How many ids are ahead of `key` (which need not be in the line), O(log n)."""
        ahead, node = 0, self._root
        while node is not None:
            if key <= node.key:
                node = node.left
            else:
                ahead += 1 + (node.left.size if node.left else 0)
                node = node.right
        return ahead


def _contains(node: _Node | None, key: int) -> bool:
    while node is not None:
        if key == node.key:
            return True
        node = node.left if key < node.key else node.right
    return False


EMPTY = Line()
