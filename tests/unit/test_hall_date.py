"""Every request that names a day takes it through one type, wire.protocol.HallDate: the pattern
(which the JSON schema keeps, for clients) and a real calendar date (2026-02-30 fits the pattern)."""

from __future__ import annotations

import datetime
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from wire import protocol as p

BASE = {"v": 1, "id": "c-1"}
# Each request with a date, and its other required fields.
DATED: dict[type[p.Request], dict[str, Any]] = {
    p.ChangeDay: {},
    p.Book: {"service": "passport", "slot": "09:30"},
    p.ChangeBooking: {"code": "K7Q2-9XZ", "slot": "09:30"},
    p.ListBookings: {},
    p.BookingSlots: {"service": "passport"},
}


def test_every_request_with_a_date_uses_the_one_type() -> None:
    for model in DATED:
        declared = typing.get_type_hints(model, vars(p), include_extras=True)["date"]
        assert declared in (p.HallDate, p.HallDate | None), model.__name__
    dated = {op.request for op in p.OPERATIONS if "date" in op.request.model_fields}
    assert dated == set(DATED), "a new request with a date: give it HallDate and list it here"


@pytest.mark.parametrize("model", list(DATED), ids=lambda m: m.__name__)
@given(day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_a_real_day_is_taken(model: type[p.Request], day: datetime.date) -> None:
    assert model(**BASE, date=day.isoformat(), **DATED[model]).date == day.isoformat()


@pytest.mark.parametrize("model", list(DATED), ids=lambda m: m.__name__)
@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "2026-11-24\n", "20261124", "2026-1-24", "٢٠٢٦-١١-٢٤"])
def test_a_day_that_is_not_one_is_refused(model: type[p.Request], day: str) -> None:
    with pytest.raises(ValidationError):
        model(**BASE, date=day, **DATED[model])


def test_the_pattern_stays_in_the_json_schema() -> None:
    for model in DATED:
        field = model.model_json_schema()["properties"]["date"]
        shapes = field.get("anyOf", [field])
        assert {"type": "string", "pattern": p._DATE} in [
            {k: v for k, v in s.items() if k in ("type", "pattern")} for s in shapes
        ], model.__name__
