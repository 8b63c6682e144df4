"""The demo's view of the hall in a terminal: redrawn in place (rich Live) on a terminal, one
plain line per hall half hour when the output is a file or a pipe.

Korean labels like the hall's own screens; columns are laid out by display width (rich counts
a Hangul syllable as two cells), so Korean rows line up.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wire import protocol as p

if TYPE_CHECKING:
    from rich.live import Live

    from wire.client import HubClient
    from wire.clock import HallClock
    from wire.config import HallConfig

STATUS = {"open": "접수 중", "closing": "마감 임박", "closed": "마감"}
COUNTER_STATUS = {"open": "운영", "paused": "휴식", "closed": "닫힘"}
WEEKDAYS = "월화수목금토일"
ALERT_TEXT = {"paper out": "용지 없음", "paper low": "용지 부족", "cover open": "덮개 열림", "offline": "연결 끊김"}


def hall_time(at: float, timezone: str) -> str:
    """A time as Korean screens write it: 2026. 11. 23.(월) 10:35."""
    moment = datetime.fromtimestamp(at, ZoneInfo(timezone))
    return f"{moment.year}. {moment.month}. {moment.day}.({WEEKDAYS[moment.weekday()]}) {moment:%H:%M}"


def estimate(service: p.ServiceView) -> str:
    """예상 대기 시간, as the kiosk shows it."""
    if service.status == "closed":
        return "—"
    low, high = service.estimate_minutes
    return f"약 {low}~{high}분"


def alert(a: p.Alert) -> str:
    """One device alert in Korean ("kiosk-1 · 용지 없음"); never raw English on the board."""
    what = (a.detail or a.state).removeprefix("printer: ")
    return f"{a.device} · {ALERT_TEXT.get(what, '점검 필요')}"


def view(
    snapshot: p.Snapshot | None, *, now: float, timezone: str, speed: float, counts: dict[str, int]
) -> Group | Text:
    """The hall as a rich renderable."""
    if snapshot is None:
        return Text("허브 연결을 기다리는 중입니다 …")
    title = f"{snapshot.site['name']['ko']} · {hall_time(now, timezone)} · {speed:g}배속"
    # The title is a line of its own: as the table's title, rich wrapped it to the table's width
    # ("… 18:30 ·" / "300배속") once every task showed 마감 and the table narrowed.
    services = Table(expand=False)
    for name, justify in (
        ("업무", "left"),
        ("대기", "right"),
        ("현재 번호", "right"),
        ("예상 대기", "right"),
        ("상태", "left"),
    ):
        services.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in snapshot.services:
        services.add_row(
            s.name["ko"], f"{s.waiting}명", s.last_called or "—", estimate(s), STATUS.get(s.status, s.status)
        )
    counters = Table(show_header=True, expand=False)
    for c in snapshot.counters:
        counters.add_column(c.label["ko"].replace(" 창구", ""), justify="center")
    counters.add_row(
        *[
            (c.serving.number if c.serving else "—") if c.status == "open" else COUNTER_STATUS.get(c.status, c.status)
            for c in snapshot.counters
        ]
    )
    lines: list[RenderableType] = [
        Text(title, style="italic"),
        services,
        Text("창구별 호출 번호"),
        counters,
        Text(
            f"발권 {counts.get('issued', 0)} · 인쇄 {counts.get('printed', 0)} · 호출 {counts.get('called', 0)}"
            "   (Ctrl-C: 종료)"
        ),
    ]
    lines += [Text(f"! {alert(a)}", style="bold red") for a in snapshot.alerts]
    return Group(*lines)


def line(snapshot: p.Snapshot | None, *, now: float, timezone: str, counts: dict[str, int]) -> str:
    """One plain line for a log: the time, the waiting per task, the day's counts."""
    if snapshot is None:
        return f"{hall_time(now, timezone)}  허브 연결을 기다리는 중"
    waiting = " · ".join(f"{s.name['ko']} {s.waiting}명" for s in snapshot.services)
    return (
        f"{hall_time(now, timezone)}  대기: {waiting}  |  발권 {counts.get('issued', 0)} · "
        f"인쇄 {counts.get('printed', 0)} · 호출 {counts.get('called', 0)}"
    )


class Board:
    """The terminal view of the running demo: live in place on a terminal, plain lines otherwise."""

    LIVE_EVERY = 0.5  # real seconds between redraws
    LINE_EVERY = 30 * 60  # hall seconds between plain lines

    def __init__(
        self,
        watcher: HubClient,
        hall: HallConfig,
        clock: HallClock,
        folder: Path,
        *,
        mode: str = "auto",
        stream: TextIO | None = None,
    ) -> None:
        import sys

        from rich.console import Console

        self.watcher, self.hall, self.clock, self.folder = watcher, hall, clock, folder
        self.stream = stream or sys.stdout
        self.live_mode = mode == "live" or (mode == "auto" and self.stream.isatty())
        self.console = Console(file=self.stream)
        self.live: Live | None = None
        self.next_draw = 0.0
        self.next_line: float | None = None
        self.counts: dict[str, int] = {}

    def __enter__(self) -> Board:
        if self.live_mode:
            from rich.live import Live

            self.live = Live(Text(""), console=self.console, auto_refresh=False, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.update(force=True)
            self.live.__exit__(None, None, None)

    def _count(self) -> None:
        from tools.demo_summary import counts

        self.counts = counts(self.hall, self.folder, self.clock.now())

    def update(self, force: bool = False) -> None:
        """Redraw (live) or print a line (plain) when it is time."""
        import time

        now = self.clock.now()
        snapshot = self.watcher.snapshot
        if self.live is not None:
            if force or time.monotonic() >= self.next_draw:
                self.next_draw = time.monotonic() + self.LIVE_EVERY
                self._count()
                self.live.update(
                    view(
                        snapshot, now=now, timezone=self.hall.site.timezone, speed=self.clock.speed, counts=self.counts
                    ),
                    refresh=True,
                )
            return
        if self.next_line is None:
            self.next_line = now - now % self.LINE_EVERY + self.LINE_EVERY
        if force or now >= self.next_line:
            self.next_line = now - now % self.LINE_EVERY + self.LINE_EVERY
            self._count()
            print(
                line(snapshot, now=now, timezone=self.hall.site.timezone, counts=self.counts),
                file=self.stream,
                flush=True,
            )
