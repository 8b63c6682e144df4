"""The demo's view of the hall in a terminal: redrawn in place (rich Live) on a terminal, one
plain line per hall half hour when the output is a file or a pipe.

Korean labels like the hall's own screens; columns are laid out by display width (rich counts
a Hangul syllable as two cells), so Korean rows line up.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.table import Table
from rich.text import Text

from hub import protocol as p

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


def view(snapshot: p.Snapshot | None, *, now: float, timezone: str, speed: float, counts: dict[str, int]) -> Group | Text:
    """The hall as a rich renderable."""
    if snapshot is None:
        return Text("허브 연결을 기다리는 중입니다 …")
    title = f"{snapshot.site['name']['ko']} · {hall_time(now, timezone)} · {speed:g}배속"
    services = Table(title=title, title_justify="left", expand=False)
    for name, justify in (("업무", "left"), ("대기", "right"), ("현재 번호", "right"), ("예상 대기", "right"),
                          ("상태", "left")):
        services.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in snapshot.services:
        services.add_row(s.name["ko"], f"{s.waiting}명", s.last_called or "—", estimate(s), STATUS.get(s.status, s.status))
    counters = Table(show_header=True, expand=False)
    for c in snapshot.counters:
        counters.add_column(c.label["ko"].replace(" 창구", ""), justify="center")
    counters.add_row(*[(c.serving.number if c.serving else "—") if c.status == "open" else COUNTER_STATUS.get(c.status, c.status)
                       for c in snapshot.counters])
    lines = [services, Text("창구별 호출 번호"), counters,
             Text(f"발권 {counts.get('issued', 0)} · 인쇄 {counts.get('printed', 0)} · 호출 {counts.get('called', 0)}"
                  "   (Ctrl-C: 종료)")]
    lines += [Text(f"! {alert(a)}", style="bold red") for a in snapshot.alerts]
    return Group(*lines)


def line(snapshot: p.Snapshot | None, *, now: float, timezone: str, counts: dict[str, int]) -> str:
    """One plain line for a log: the time, the waiting per task, the day's counts."""
    if snapshot is None:
        return f"{hall_time(now, timezone)}  허브 연결을 기다리는 중"
    waiting = " · ".join(f"{s.name['ko']} {s.waiting}명" for s in snapshot.services)
    return (f"{hall_time(now, timezone)}  대기: {waiting}  |  발권 {counts.get('issued', 0)} · "
            f"인쇄 {counts.get('printed', 0)} · 호출 {counts.get('called', 0)}")
