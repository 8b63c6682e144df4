"""What the displays draw, for reading across a room: the counter monitor and the hall board.

Both keep their last picture when the hall system drops, with a visible "reconnecting" mark.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hardware.screen import Painter
from hub.protocol import Snapshot

BACKGROUND = (8, 18, 38)
PANEL = (22, 40, 72)
TEXT = (255, 255, 255)
MUTED = (160, 178, 206)
NUMBER = (255, 214, 0)
FLASH = (255, 120, 0)
ALERT = (230, 60, 60)
PAUSED = (120, 128, 140)

LINES = {
    "reconnecting": ("연결 중…", "Reconnecting…"),
    "waiting": ("대기", "waiting"),
    "people": ("명", ""),
    "paused": ("잠시 자리를 비웠습니다", "Counter paused"),
    "closed": ("업무 준비 중", "Not open yet"),
    "serving": ("현재 번호", "Now serving"),
    "recent": ("최근 호출", "Recent calls"),
    "tasks": ("업무별 대기", "Waiting by task"),
    "alerts": ("알림", "Alerts"),
    "idle": ("—", "—"),
    "nobody": ("대기자가 없습니다", "Nobody waiting"),
    "minutes": ("약 {low}–{high}분", "about {low}–{high} min"),
    "closed_task": ("마감", "closed"),
}
ALERT_TEXT = {"paper out": "용지 없음", "paper low": "용지 부족", "cover open": "덮개 열림",
              "offline": "연결 끊김", "printer: offline": "프린터 연결 끊김",
              # The hub's own alerts (device "hub"): what the hall staff should know, in Korean.
              "storage_unavailable": "저장 장치 오류 · 번호표 발급 중지", "second_hub": "허브 중복 실행 · 발급 중지",
              "clock_jump": "시계 변경 감지", "rewound": "데이터 복구됨 · 확인 필요"}


def _u(p: Painter) -> int:
    w, h = p.surface.get_size()  # type: ignore[attr-defined]
    return max(10, min(w, h) // 36)


def reconnecting(p: Painter, online: bool) -> None:
    """The mark that says the screen may be out of date."""
    if online:
        return
    w, _ = p.surface.get_size()  # type: ignore[attr-defined]
    u = _u(p)
    rect = (w - u * 16, u // 2, u * 15, u * 3)
    p.box(rect, ALERT, radius=u)
    p.text(f"{LINES['reconnecting'][0]} {LINES['reconnecting'][1]}", "ko", int(u * 1.3),
           (rect[0] + rect[2] // 2, rect[1] + rect[3] // 2), TEXT, max_width=rect[2] - u)


def counter(p: Painter, snapshot: Snapshot | None, counter_id: str, *, online: bool, flash: bool,
            notice: str | None = None) -> None:
    """The monitor above a counter: its name, the number it serves, how many wait for it."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()  # type: ignore[attr-defined]
    u = _u(p)
    view = snapshot.counter(counter_id) if snapshot else None
    label = view.label if view else {"ko": f"{counter_id}번 창구", "en": f"Counter {counter_id}"}
    p.box((0, 0, w, int(h * 0.2)), PANEL)
    p.text(label["ko"], "ko", int(h * 0.11), (w // 2, int(h * 0.1)), TEXT, max_width=w - 2 * u)
    status = view.status if view else "closed"
    if view and view.serving:
        color = FLASH if flash else NUMBER
        p.text(LINES["serving"][0] + " · " + LINES["serving"][1], "ko", int(u * 1.6), (w // 2, int(h * 0.27)), MUTED)
        p.text(view.serving.number, "en", int(h * 0.36), (w // 2, int(h * 0.53)), color, max_width=w - 2 * u)
    else:
        key = "paused" if status == "paused" else "closed" if status == "closed" else "idle"
        p.text(LINES[key][0], "ko", int(h * 0.12 if key != "idle" else h * 0.3), (w // 2, int(h * 0.5)), MUTED,
               max_width=w - 2 * u)
    if status == "paused" and view and view.serving:
        p.text(LINES["paused"][0], "ko", int(u * 1.8), (w // 2, int(h * 0.76)), PAUSED)
    waiting = view.waiting if view else 0
    p.box((0, int(h * 0.84), w, h - int(h * 0.84)), PANEL)
    p.text(f"{LINES['waiting'][0]} {waiting}{LINES['people'][0]}  ·  {waiting} {LINES['waiting'][1]}", "ko",
           int(h * 0.07), (w // 2, int(h * 0.92)), TEXT, max_width=w - 2 * u)
    if notice:
        p.text(notice, "ko", int(u * 1.5), (w // 2, int(h * 0.8)), MUTED, max_width=w - 2 * u)
    reconnecting(p, online)


def _alert_line(device: str, detail: str | None, state: str) -> str:
    what = (detail or state).removeprefix("printer: ")
    return f"{'발급 서버' if device == 'hub' else device}: {ALERT_TEXT.get(what, what)}"


def hall(p: Painter, snapshot: Snapshot | None, *, online: bool, flash_call: int | None, now: float,
         tz: str) -> None:
    """The hall TV: the newest call large, every counter's number, waiting per task, alerts."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()  # type: ignore[attr-defined]
    u = _u(p)
    top = int(u * 4)
    p.box((0, 0, w, top), PANEL)
    name = snapshot.site["name"]["ko"] if snapshot else "순번 Sunbeon"
    p.text(name, "ko", int(u * 1.8), (u, top // 2), TEXT, align="left", max_width=int(w * 0.6))
    p.text(datetime.fromtimestamp(now, ZoneInfo(tz)).strftime("%H:%M"), "en", int(u * 2), (w - u, top // 2), TEXT,
           align="right")
    left_w = int(w * 0.62)
    calls = snapshot.recent_calls if snapshot else []
    # The newest call, large.
    hero = (u, top + u, left_w - 2 * u, int(h * 0.36))
    latest = calls[0] if calls else None
    p.box(hero, FLASH if latest and latest.ticket == flash_call else PANEL, radius=u)
    if latest and snapshot:
        label = snapshot.counter(latest.counter).label if snapshot.counter(latest.counter) else {"ko": latest.counter}
        cx, cy = hero[0] + hero[2] // 2, hero[1] + hero[3] // 2
        p.text(latest.number, "en", int(hero[3] * 0.55), (cx - hero[2] // 5, cy), NUMBER if latest.ticket != flash_call else TEXT)
        p.text("→ " + label["ko"], "ko", int(hero[3] * 0.22), (cx + hero[2] // 4, cy), TEXT, max_width=hero[2] // 2 - u)
    # Every counter and the number it serves.
    counters = snapshot.counters if snapshot else []
    columns = 2 if len(counters) > 5 else 1
    grid_top = hero[1] + hero[3] + u
    rows = max(1, (len(counters) + columns - 1) // columns)
    cell_h = min(int(u * 4.5), (h - grid_top - u) // rows)
    cell_w = (left_w - u * (columns + 1)) // columns
    for i, c in enumerate(counters):
        x = u + (i // rows) * (cell_w + u)
        y = grid_top + (i % rows) * cell_h
        p.box((x, y + 2, cell_w, cell_h - 4), PANEL, radius=u // 2)
        p.text(c.label["ko"], "ko", int(cell_h * 0.42), (x + u, y + cell_h // 2), MUTED, align="left",
               max_width=cell_w // 2)
        shown = c.serving.number if c.serving else ("" if c.status == "open" else LINES["paused"][0] if c.status == "paused" else "")
        if shown:
            big = c.serving is not None
            p.text(shown, "en" if big else "ko", int(cell_h * (0.6 if big else 0.32)), (x + cell_w - u, y + cell_h // 2),
                   NUMBER if big else PAUSED, align="right", max_width=cell_w // 2)
    # Waiting per task, and alerts.
    right = left_w + u
    rw = w - right - u
    p.text(f"{LINES['tasks'][0]} · {LINES['tasks'][1]}", "ko", int(u * 1.5), (right + rw // 2, top + int(u * 1.6)), MUTED)
    y = top + int(u * 3.2)
    services = snapshot.services if snapshot else []
    row_h = min(int(u * 5), (h - y - u * 8) // max(1, len(services)))
    for s in services:
        p.box((right, y, rw, row_h - u // 2), PANEL, radius=u // 2)
        p.text(s.name["ko"], "ko", int(row_h * 0.3), (right + u, y + int(row_h * 0.3)), TEXT, align="left",
               max_width=int(rw * 0.6))
        p.text(s.name["en"], "en", int(row_h * 0.2), (right + u, y + int(row_h * 0.68)), MUTED, align="left",
               max_width=int(rw * 0.6))
        if s.status == "closed":
            p.text(LINES["closed_task"][0], "ko", int(row_h * 0.35), (right + rw - u, y + row_h // 2), ALERT, align="right")
        else:
            p.text(f"{s.waiting}{LINES['people'][0]}", "ko", int(row_h * 0.4), (right + rw - u, y + int(row_h * 0.34)),
                   NUMBER, align="right")
            low, high = s.estimate_minutes
            p.text(LINES["minutes"][0].format(low=low, high=high), "ko", int(row_h * 0.2),
                   (right + rw - u, y + int(row_h * 0.72)), MUTED, align="right")
        y += row_h
    alerts = snapshot.alerts if snapshot else []
    if alerts:
        y += u // 2
        p.text(LINES["alerts"][0], "ko", int(u * 1.4), (right + u, y + u), ALERT, align="left")
        for a in alerts[:4]:
            y += int(u * 2.2)
            p.text(_alert_line(a.device, a.detail, a.state), "ko", int(u * 1.3), (right + u, y + u), TEXT,
                   align="left", max_width=rw - u)
    reconnecting(p, online)
