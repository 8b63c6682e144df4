"""Every id, token, code, date or number a route or form takes is matched to its very end: with `$`,
"passport\\n" passed the console's counter-id check (a `$` also matches before a final newline) and
reached the hub, which refused it. Each pattern here must refuse a trailing newline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import HTTPException
from hypothesis import given
from hypothesis import strategies as st

from web import deps
from web.routers import booking, booking_console, console, report
from wire import hall

ROOT = Path(__file__).resolve().parents[2]

GOOD = {  # a pattern, and a value it must accept
    "deps.TOKEN": (deps.TOKEN, "AbCd_1234-xyz"),
    "deps.NUMBER": (deps.NUMBER, "A1023"),
    "deps.ID": (deps.ID, "passport"),
    "booking.CODE": (booking.CODE, "K7Q2-9XZ"),
    "booking.DAY": (booking.DAY, "2026-11-24"),
    "booking.SLOT": (booking.SLOT, "09:30"),
    "booking.PHONE": (booking.PHONE, "01012345678"),
    "booking_console.DAY": (booking_console.DAY, "2026-11-24"),
    "booking_console.SLOT": (booking_console.SLOT, "13:10"),
    "booking_console.PHONE": (booking_console.PHONE, "01012345678"),
    "report.DATE": (report.DATE, "2026-11-23"),
    "hall._ID": (hall._ID, "passport_apply"),
}


@pytest.mark.parametrize("name", sorted(GOOD))
@given(tail=st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_a_value_with_a_line_break_after_it_is_refused(name: str, tail: str) -> None:
    pattern, value = GOOD[name]
    assert pattern.match(value), name
    assert not pattern.match(value + tail), f"{name} takes {value + tail!r}"


def test_the_console_refuses_a_transfer_to_a_counter_id_with_a_newline() -> None:
    assert console.command_fields("transfer", to_counter="passport")[1] == {"to_counter": "passport"}
    with pytest.raises(HTTPException) as caught:
        console.command_fields("transfer", to_counter="passport\n")
    assert caught.value.status_code == 400
    assert console.command_fields("help_done", device="kiosk-1\n") == ("help_done", {})


def test_no_pattern_ends_with_a_dollar() -> None:
    # A new pattern written the old way would bring the bug back.
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for top in ("web", "city", "wire", "hub", "notify", "tools", "kiosk", "display", "hardware")
        for path in (ROOT / top).rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"""re\.compile\(r?["'].*\$["']""", line)
    ]
    assert not found, found
