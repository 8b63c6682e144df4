"""What the displays draw, for reading across a room: the counter monitor and the hall board.

Both keep their last picture when the hall system drops, with a visible "reconnecting" mark.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from display.words import board_lines, board_pair
from hardware.screen import Painter
from wire import calendar_text
from wire.hall import DAYS, Hall
from wire.protocol import Alert, Snapshot

BACKGROUND = (8, 18, 38)
PANEL = (22, 40, 72)
TEXT = (255, 255, 255)
MUTED = (160, 178, 206)
NUMBER = (255, 214, 0)
FLASH = (255, 120, 0)
ALERT = (255, 120, 120)  # red text (마감, 알림): 5.5:1 on a panel; the darker (230, 60, 60) was 3.5:1
PAUSED = (150, 158, 170)  # grey, yet 5.5:1 on a panel ((120, 128, 140) was 3.7:1)

# (Korean, English) by key, from the display catalog's "board." lines (display.po).
LINES = board_lines("board.")
HELP_BAND = (168, 24, 24)  # 도움 요청 on the counter monitor: white on it is 7:1 (a lighter red is under 4.5:1)
CALL_SHOWN_SECONDS = 30 * 60  # after this long without a call, the call box shows the hours instead

# What a device reports (DeviceStatus.reason) as a visitor reads it on the board: short, Korean
# first, English beside it. The device's own words (`detail`) go to the log and the clerk console.
ALERT_REASONS = {code: pair for code, pair in board_lines("alert.").items() if code != "unknown"}
ALERT_UNKNOWN = board_pair("alert.unknown")
# Devices that report no reason (an older release): their free text, matched by its start.
LEGACY_DETAILS = (
    ("printer: paper out", "paper_out"),
    ("printer: paper low", "paper_low"),
    ("printer: cover open", "cover_open"),
    ("printer: offline", "printer_offline"),
    ("sound:", "no_sound"),
)


def _u(p: Painter) -> int:
    w, h = p.surface.get_size()
    return max(10, min(w, h) // 36)


def reconnecting(p: Painter, online: bool, right: int | None = None) -> None:
    """The mark that says the screen may be out of date, its right edge at `right` (default: near
    the screen's edge; the board passes the left of its clock, which the mark once covered)."""
    if online:
        return
    w, _ = p.surface.get_size()
    u = _u(p)
    end = w - u if right is None else right
    rect = (end - u * 15, u // 2, u * 15, u * 3)
    p.box(rect, HELP_BAND, radius=u)  # white on it is 7:1
    p.text(
        f"{LINES['reconnecting'][0]} {LINES['reconnecting'][1]}",
        "ko",
        int(u * 1.3),
        (rect[0] + rect[2] // 2, rect[1] + rect[3] // 2),
        TEXT,
        max_width=rect[2] - u,
    )


def counter(
    p: Painter, snapshot: Snapshot | None, counter_id: str, *, online: bool, flash: bool, notice: str | None = None
) -> None:
    """The monitor above a counter: its name, the number it serves, how many wait for it."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()
    u = _u(p)
    view = snapshot.counter(counter_id) if snapshot else None
    label = view.label if view else {"ko": f"{counter_id}번 창구", "en": f"Counter {counter_id}"}
    p.box((0, 0, w, int(h * 0.2)), PANEL)
    p.text(label["ko"], "ko", int(h * 0.11), (w // 2, int(h * 0.1)), TEXT, max_width=w - 2 * u)
    status = view.status if view else "closed"
    if view and view.serving:
        color = FLASH if flash else NUMBER
        head = LINES["booked" if view.serving.booked else "serving"]
        p.text(head[0] + " · " + head[1], "ko", int(u * 1.6), (w // 2, int(h * 0.27)), MUTED, max_width=w - 2 * u)
        p.text(view.serving.number, "en", int(h * 0.36), (w // 2, int(h * 0.53)), color, max_width=w - 2 * u)
    else:
        # One source of truth: "nobody waiting" comes from the same snapshot as the waiting count
        # below, never from an earlier NEXT press (a ticket may have been issued since).
        waiting_now = view.waiting if view else 0
        services = snapshot.services if snapshot else []
        # After hours every task is closed: "업무 준비 중 · Not open yet" at 18:30 said the wrong thing.
        hall_closed = bool(services) and all(s.status == "closed" for s in services)
        key = (
            "paused"
            if status == "paused"
            else "hall_closed"
            if status == "closed" and hall_closed
            else "closed"
            if status == "closed"
            else "nobody"
            if waiting_now == 0
            else "idle"
        )
        if key == "idle":
            p.text(LINES[key][0], "ko", int(h * 0.3), (w // 2, int(h * 0.5)), MUTED, max_width=w - 2 * u)
        else:
            p.text(LINES[key][0], "ko", int(h * 0.12), (w // 2, int(h * 0.46)), MUTED, max_width=w - 2 * u)
            p.text(LINES[key][1], "en", int(h * 0.07), (w // 2, int(h * 0.6)), MUTED, max_width=w - 2 * u)
    if status == "paused" and view and view.serving:
        p.text(
            LINES["paused"][0] + " · " + LINES["paused"][1],
            "ko",
            int(u * 1.8),
            (w // 2, int(h * 0.76)),
            PAUSED,
            max_width=w - 2 * u,
        )
    waiting = view.waiting if view else 0
    p.box((0, int(h * 0.84), w, h - int(h * 0.84)), PANEL)
    p.text(
        f"{LINES['waiting'][0]} {LINES['people'][0].format(n=waiting)}  ·  {waiting} {LINES['waiting'][1]}",
        "ko",
        int(h * 0.07),
        (w // 2, int(h * 0.92)),
        TEXT,
        max_width=w - 2 * u,
    )
    asking = help_alerts(snapshot)
    if asking:
        # 도움 요청 outranks a button's notice: a visitor is waiting for a clerk (H clears it).
        ko, _ = alert_text(asking[0])
        more = f" {LINES['more_alerts'][0].format(n=len(asking) - 1)}" if len(asking) > 1 else ""
        band = (u, int(h * 0.75), w - 2 * u, int(h * 0.085))
        p.box(band, HELP_BAND, radius=u // 2)
        p.text(ko + more, "ko", int(u * 1.5), (w // 2, band[1] + band[3] // 2), TEXT, max_width=band[2] - u)
    elif notice:
        p.text(notice, "ko", int(u * 1.5), (w // 2, int(h * 0.8)), MUTED, max_width=w - 2 * u)
    reconnecting(p, online)


def device_name(device: str) -> tuple[str, str]:
    """A device as the hall calls it: "kiosk-1" → ("1번 키오스크", "Kiosk 1")."""
    if match := re.fullmatch(r"kiosk-?(\d+)", device):
        return f"{match[1]}번 키오스크", f"Kiosk {match[1]}"
    if match := re.fullmatch(r"counter-?(\d+)", device):
        return f"{match[1]}번 창구", f"Counter {match[1]}"
    if device.startswith("kiosk"):
        return "키오스크", "Kiosk"
    if device == "hub":
        return "발급 서버", "Ticket server"
    if device.startswith("hall") or device.endswith("display"):
        return "안내 화면", "Hall display"
    # Never the raw id on the public board ("staff-1 · 연결 끊김" was shown): the clerk console
    # and the log name the device exactly.
    if device.startswith("staff"):
        return "직원 단말", "Staff terminal"
    if device.startswith("web"):
        return "모바일 안내", "Web relay"
    return "기타 장비", "Other device"


def alert_text(alert: Alert) -> tuple[str, str]:
    """One alert as the board shows it: ("1번 키오스크 · 용지 없음", "Kiosk 1 · Out of paper")."""
    reason = alert.reason
    if reason is None and alert.state == "offline":
        reason = "offline"
    if reason is None and alert.detail:
        reason = next((code for start, code in LEGACY_DETAILS if alert.detail.startswith(start)), None)
    ko, en = ALERT_REASONS.get(reason or "", ALERT_UNKNOWN)
    name_ko, name_en = device_name(alert.device)
    if reason == "help":  # what is asked first, then where: "도움 요청 · 1번 키오스크"
        return f"{ko} · {name_ko}", f"{en} · {name_en}"
    return f"{name_ko} · {ko}", f"{name_en} · {en}"


def help_alerts(snapshot: Snapshot | None) -> list[Alert]:
    """Kiosks asking for a clerk, as alerts (first on every screen, until a clerk clears them)."""
    if snapshot is None:
        return []
    return [Alert(device=h.device, state="help", reason="help") for h in snapshot.help]


def next_opening(hall: Hall, now: float) -> datetime | None:
    """When the hall next opens for visitors after `now` (the earliest service), within a fortnight."""
    tz = hall.site.tz
    today = datetime.fromtimestamp(now, tz)
    for ahead in range(15):
        day = (today + timedelta(days=ahead)).date()
        opens = [datetime.combine(day, s.hours.open, tz) for s in hall.services if DAYS[day.weekday()] in s.hours.days]
        later = [t for t in opens if t.timestamp() > now]
        if later:
            return min(later)
    return None


def _when(moment: datetime, today: datetime) -> tuple[str, str]:
    # As the kiosk and the status page write it (wire/calendar_text.py): the board alone said
    # "다음 업무 시작 11. 24.(화) 09:00" where they say "다음 접수: 11월 24일(화) 09:00".
    return calendar_text.when(moment, "ko", today), calendar_text.when(moment, "en", today)


def _hours_box(
    p: Painter, box: tuple[int, int, int, int], snapshot: Snapshot | None, now: float, tz: str, opening: datetime | None
) -> None:
    """The call box while no call is fresh: the hours, and when closed, the next opening."""
    x, y, w, h = box
    cx = x + w // 2
    services = snapshot.services if snapshot else []
    closed = bool(services) and all(s.status == "closed" for s in services)
    pad = w // 12
    if closed:
        head = LINES["hall_closed"]
        if opening is not None:
            when = _when(opening, datetime.fromtimestamp(now, ZoneInfo(tz)))
            sub = (LINES["opens"][0].format(when=when[0]), LINES["opens"][1].format(when=when[1]))
        else:
            sub = None
    else:
        head = LINES["no_call_yet"]
        sub = None
        if services:
            first, last = min(s.opens for s in services), max(s.closes for s in services)
            sub = (LINES["hours"][0].format(open=first, close=last), LINES["hours"][1].format(open=first, close=last))
    p.text(head[0], "ko", int(h * 0.17), (cx, y + int(h * 0.22)), TEXT, max_width=w - pad)
    p.text(head[1], "en", int(h * 0.1), (cx, y + int(h * 0.4)), MUTED, max_width=w - pad)
    if sub:
        p.text(sub[0], "ko", int(h * 0.15), (cx, y + int(h * 0.63)), NUMBER, max_width=w - pad)
        p.text(sub[1], "en", int(h * 0.1), (cx, y + int(h * 0.81)), MUTED, max_width=w - pad)


def hall(
    p: Painter,
    snapshot: Snapshot | None,
    *,
    online: bool,
    flash_call: int | None,
    now: float,
    tz: str,
    opening: datetime | None = None,
) -> None:
    """The hall TV: the newest call large, every counter's number, waiting per task, alerts.

    With no call in the last half hour the call box shows the hours instead (closed: the next
    opening, `opening`, which the display works out from the hall's config)."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()
    u = _u(p)
    top = int(u * 4)
    p.box((0, 0, w, top), PANEL)
    name = snapshot.site["name"]["ko"] if snapshot else "순번 Sunbeon"
    p.text(name, "ko", int(u * 1.8), (u, top // 2), TEXT, align="left", max_width=int(w * 0.6))
    clock = p.text(
        datetime.fromtimestamp(now, ZoneInfo(tz)).strftime("%H:%M"),
        "en",
        int(u * 2),
        (w - u, top // 2),
        TEXT,
        align="right",
    )
    left_w = int(w * 0.62)
    calls = snapshot.recent_calls if snapshot else []
    # The newest call, large.
    hero = (u, top + u, left_w - 2 * u, int(h * 0.36))
    latest = calls[0] if calls else None
    if latest is not None and latest.ticket != flash_call and now - latest.at > CALL_SHOWN_SECONDS:
        latest = None
    flashed = latest is not None and latest.ticket == flash_call
    p.box(hero, FLASH if flashed else PANEL, radius=u)
    if latest is None:
        _hours_box(p, hero, snapshot, now, tz, opening)
    if latest and snapshot:
        at = snapshot.counter(latest.counter)
        label = at.label if at else {"ko": latest.counter}
        cx, cy = hero[0] + hero[2] // 2, hero[1] + hero[3] // 2
        p.text(
            latest.number,
            "en",
            int(hero[3] * 0.55),
            (cx - hero[2] // 5, cy),
            # Dark on the orange flash: white on it was 2.6:1.
            BACKGROUND if flashed else NUMBER,
        )
        p.text(
            "→ " + label["ko"],
            "ko",
            int(hero[3] * 0.22),
            (cx + hero[2] // 4, cy),
            BACKGROUND if flashed else TEXT,
            max_width=hero[2] // 2 - u,
        )
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
        p.text(
            c.label["ko"],
            "ko",
            int(cell_h * 0.42),
            (x + u, y + cell_h // 2),
            MUTED,
            align="left",
            max_width=cell_w // 2,
        )
        shown = (
            c.serving.number
            if c.serving
            else ("" if c.status == "open" else LINES["paused"][0] if c.status == "paused" else "")
        )
        if shown:
            big = c.serving is not None
            p.text(
                shown,
                "en" if big else "ko",
                int(cell_h * (0.6 if big else 0.32)),
                (x + cell_w - u, y + cell_h // 2),
                NUMBER if big else PAUSED,
                align="right",
                max_width=cell_w // 2,
            )
    # Waiting per task, and alerts.
    right = left_w + u
    rw = w - right - u
    p.text(
        f"{LINES['tasks'][0]} · {LINES['tasks'][1]}", "ko", int(u * 1.5), (right + rw // 2, top + int(u * 1.6)), MUTED
    )
    y = top + int(u * 3.2)
    services = snapshot.services if snapshot else []
    alerts = help_alerts(snapshot) + (snapshot.alerts if snapshot else [])
    alert_h = int(u * 3.4)  # a Korean line and an English one

    def reserved(n: int) -> int:
        return int(u * 2.6) + n * alert_h + (int(u * 1.8) if len(alerts) > n else 0) if alerts else u

    # Up to three alerts, fewer when the tasks' rows would get too small to read ("외 N건" says the rest).
    count = min(3, len(alerts))
    while count > 1 and (h - y - reserved(count)) // max(1, len(services)) < int(u * 2.8):
        count -= 1
    shown_alerts = alerts[:count]
    row_h = min(int(u * 5), (h - y - reserved(count)) // max(1, len(services)))
    for s in services:
        p.box((right, y, rw, row_h - u // 2), PANEL, radius=u // 2)
        p.text(
            s.name["ko"],
            "ko",
            int(row_h * 0.3),
            (right + u, y + int(row_h * 0.3)),
            TEXT,
            align="left",
            max_width=int(rw * 0.6),
        )
        p.text(
            s.name["en"],
            "en",
            int(row_h * 0.2),
            (right + u, y + int(row_h * 0.68)),
            MUTED,
            align="left",
            max_width=int(rw * 0.6),
        )
        if s.status == "closed" and s.waiting:
            # Closed for new tickets, but people still wait in the hall (인허가 at 18:00 in the
            # demo): they see how many, with 마감 under it, not just 마감.
            p.text(
                LINES["people"][0].format(n=s.waiting),
                "ko",
                int(row_h * 0.4),
                (right + rw - u, y + int(row_h * 0.34)),
                NUMBER,
                align="right",
            )
            p.text(
                LINES["closed_task"][0],
                "ko",
                int(row_h * 0.2),
                (right + rw - u, y + int(row_h * 0.72)),
                ALERT,
                align="right",
            )
        elif s.status == "closed":
            p.text(
                LINES["closed_task"][0], "ko", int(row_h * 0.35), (right + rw - u, y + row_h // 2), ALERT, align="right"
            )
        else:
            p.text(
                LINES["people"][0].format(n=s.waiting),
                "ko",
                int(row_h * 0.4),
                (right + rw - u, y + int(row_h * 0.34)),
                NUMBER,
                align="right",
            )
            low, high = s.estimate_minutes
            # 마감 임박: the last tickets are being issued; a visitor still in the doorway needs the time
            # more than the estimate (a closing row looked exactly like an open one).
            closing = s.status == "closing"
            p.text(
                LINES["closing_task"][0].format(cutoff=s.cutoff)
                if closing
                else LINES["minutes"][0].format(low=low, high=high),
                "ko",
                int(row_h * 0.2),
                (right + rw - u, y + int(row_h * 0.72)),
                FLASH if closing else MUTED,
                align="right",
            )
        y += row_h
    if alerts:
        y += u // 2
        p.text(
            f"{LINES['alerts'][0]} · {LINES['alerts'][1]}",
            "ko",
            int(u * 1.4),
            (right + u, y + u),
            ALERT,
            align="left",
            max_width=rw - 2 * u,
        )
        y += int(u * 2.1)
        for a in shown_alerts:
            ko, en = alert_text(a)
            p.box((right, y, rw, alert_h - u // 3), PANEL, radius=u // 2)
            p.text(
                ko, "ko", int(u * 1.35), (right + u, y + int(alert_h * 0.33)), TEXT, align="left", max_width=rw - 2 * u
            )
            p.text(
                en, "en", int(u * 1.0), (right + u, y + int(alert_h * 0.7)), MUTED, align="left", max_width=rw - 2 * u
            )
            y += alert_h
        if len(alerts) > len(shown_alerts):
            more = len(alerts) - len(shown_alerts)
            p.text(
                f"{LINES['more_alerts'][0].format(n=more)} · {LINES['more_alerts'][1].format(n=more)}",
                "ko",
                int(u * 1.1),
                (right + u, y + int(u * 0.8)),
                MUTED,
                align="left",
                max_width=rw - 2 * u,
            )
    reconnecting(p, online, right=clock[0] - u)
