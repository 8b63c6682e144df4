"""Hypothesis strategies for hostile wire input, and a count of the inputs tried (reported at the end)."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from wire import protocol as p

# The default run is short (make test); SUNBEON_FUZZ_EXAMPLES=20000 for a long one.
EXAMPLES = int(os.environ.get("SUNBEON_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
TRIED = {"decoder": 0, "handler": 0}

# Any Unicode, lone surrogates included (json.dumps writes them as \ud800 escapes).
text = st.text(st.characters(codec=None, categories=None), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
    st.sampled_from(
        [
            *("", "cert", "passport", "1", "3", "99", "1001", "P001", "ko", "web", "kiosk", "staff"),
            *("2026-11-23", "2026-11-24", "2026-02-30", "14:00", "24:00", "09:30"),  # the hall calendar
            *("12:15", "01012345678", "K7QPM2XA", "홍길동"),  # appointments
            *("x" * 9000, "가" * 2800, "1" * 5000),  # at and past the payload limit
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=12,
)
# Every field some declared op reads (derived: an op added later is fuzzed too), and one no op has.
FIELDS = sorted(
    {name for op in p.OPERATIONS for name in op.request.model_fields if name not in ("v", "id", "op")} | {"colour"}
)
ops = st.one_of(st.sampled_from(p.OPS), values)
commands = st.fixed_dictionaries(
    {"op": ops},
    optional={"v": st.one_of(st.just(1), values), "id": st.one_of(text, values), **{f: values for f in FIELDS}},
)


def _deep(n: int, where: str) -> bytes:
    nest = b"[" * n
    return nest if where == "raw" else b'{"v":1,"id":"d","op":"issue","service":' + nest + b"}"


def _dump(obj: object) -> bytes:
    try:
        return json.dumps(obj, ensure_ascii=bool(hash(repr(obj)) & 1)).encode("utf-8", "surrogatepass")
    except ValueError:  # an int over CPython's digit limit
        return b'{"v":1}'


payloads = st.one_of(
    st.binary(max_size=600),
    commands.map(_dump),
    values.map(_dump),
    st.builds(_deep, st.integers(1, 9000), st.sampled_from(["raw", "field"])),
    st.integers(4000, 9000).map(lambda n: b'{"v":' + b"9" * n + b"}"),
    st.integers(4000, 8200).map(lambda n: b'{"v":1,"id":"a","op":"issue","service":"cert","n":' + b"1" * n + b"}"),
    st.sampled_from(
        [
            b'{"v":1,"id":"\\ud800","op":"issue","service":"cert"}',
            b'{"v":1,"id":"a","op":"issue","service":"\\udfff\\ud800"}',
            b'{"v":1,"id":"a","op":"issue","service":NaN}',
            b'{"v":1e999}',
            b'{"v":1,"id":"a","op":"issue\\n2026 INFO forged","service":"cert"}',
        ]
    ),
    st.binary(min_size=p.MAX_PAYLOAD - 10, max_size=p.MAX_PAYLOAD + 10),
)


def _op_command(op: p.Op) -> st.SearchStrategy[dict]:
    """A command of `op` with a good header: its own fields well or badly typed, some missing, extras."""
    own = [name for name in op.request.model_fields if name not in ("v", "id", "op")]
    return st.fixed_dictionaries(
        {"v": st.just(1), "id": st.text(st.characters(codec="ascii"), min_size=1, max_size=12), "op": st.just(op.name)},
        optional={**{name: values for name in own}, "colour": values, "extra": values},
    )


# One strategy per declared op, so each request model meets wrong types, extra fields and huge strings.
op_commands = st.sampled_from(p.OPERATIONS).flatmap(_op_command)
