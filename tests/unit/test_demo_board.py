"""The demo's terminal board: Korean labels, columns aligned by display width (a Hangul syllable
is two cells), no English labels or sequence counters; plain lines when not on a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console

from hub import handler
from hub.domain import queue
from hub.domain import view as views
from tests.halls import at
from tools.demo_board import hall_time, line, view
from wire import config
from wire import protocol as p

ROOT = Path(__file__).resolve().parents[2]
NOW = at("2026-11-23 10:35")


def snapshot() -> p.Snapshot:
    hall = config.load(ROOT / "examples" / "hall.toml")
    state = queue.new_day(hall, NOW - 3600)
    for i, task in enumerate(["cert", "passport_apply", "family", "permit", "cert", "passport_pickup"] * 3):
        state = handler.handle(
            state,
            "kiosk-1",
            f'{{"v":1,"id":"i{i}","op":"issue","service":"{task}"}}'.encode(),
            NOW - 3000 + i * 60,
            f"token{i:04d}",
        ).state
    for c in ["1", "4", "6", "10"]:
        state = handler.handle(state, f"counter-{c}", b'{"v":1,"id":"n","op":"call_next"}', NOW - 300, "x").state
    state = handler.handle(state, "counter-5", b'{"v":1,"id":"p","op":"pause"}', NOW - 60, "x").state
    alerts = [{"device": "kiosk-2", "state": "degraded", "detail": "printer: paper out"}]
    return p.Snapshot.model_validate_json(p.encode(views.snapshot(state, NOW, alerts)))


def test_the_live_board_lines_up_korean_rows_by_display_width():
    out = io.StringIO()
    console = Console(file=out, width=120, color_system=None, legacy_windows=False)
    console.print(view(snapshot(), now=NOW, timezone="Asia/Seoul", speed=60, counts={"issued": 18, "called": 4}))
    text = out.getvalue()
    assert "2026. 11. 23.(월) 10:35" in text and "60배속" in text
    for word in (
        "업무",
        "대기",
        "현재 번호",
        "예상 대기",
        "제증명",
        "가족관계등록",
        "여권 접수",
        "접수 중",
        "휴식",
        "kiosk-2 · 용지 없음",
        "발권 18",
    ):
        assert word in text, word
    assert not re.search(r"\b(waiting|seq|now|min)\b", text), text
    table = [ln for ln in text.splitlines() if ln.startswith(("┏", "┃", "┡", "│", "└"))]
    first_table = table[: next(i for i, ln in enumerate(table) if ln.startswith("└")) + 1]
    assert len(first_table) >= 8
    assert len({cell_len(ln) for ln in first_table}) == 1, "\n".join(first_table)


def test_the_plain_line_for_logs():
    text = line(snapshot(), now=NOW, timezone="Asia/Seoul", counts={"issued": 18, "printed": 3, "called": 4})
    assert text.startswith("2026. 11. 23.(월) 10:35") and "제증명 " in text and "발권 18 · 인쇄 3 · 호출 4" in text
    assert "\n" not in text


def test_times_as_korean_screens_write_them():
    assert hall_time(at("2026-11-28 17:05"), "Asia/Seoul") == "2026. 11. 28.(토) 17:05"


def test_the_title_stays_on_one_line_when_the_table_narrows():
    """At closing every task shows 마감 and "—", the table narrows, and the title (once the table's
    own title) wrapped: "강서구청 종합민원실 · 2026. 11. 23.(월) 18:30 ·" / "300배속"."""
    closed = snapshot().model_copy(
        update={"services": [s.model_copy(update={"status": "closed"}) for s in snapshot().services]}
    )
    out = io.StringIO()
    console = Console(file=out, width=160, color_system=None, legacy_windows=False)
    console.print(view(closed, now=at("2026-11-23 18:30"), timezone="Asia/Seoul", speed=300, counts={}))
    assert "강서구청 종합민원실 · 2026. 11. 23.(월) 18:30 · 300배속" in out.getvalue().splitlines(), out.getvalue()
