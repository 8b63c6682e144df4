"""What the kiosk draws: the start screen, printing, the ticket on screen, and errors.

Each function draws one screen and returns its tap targets as (rect, action). Normal and large
(high-contrast) themes; the layout follows the screen's shape (portrait or landscape).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hardware.screen import Painter
from kiosk.text import CATALOG, LANGUAGE_NAMES, LANGUAGES, t
from wire import calendar_text
from wire.protocol import IssueReply, ServiceView, Snapshot

if TYPE_CHECKING:
    import pygame

Rect = tuple[int, int, int, int]
Target = tuple[Rect, tuple]


@dataclass(frozen=True)
class Theme:
    """Colours and type scale of a look."""

    background: tuple[int, int, int]
    header: tuple[int, int, int]
    header_text: tuple[int, int, int]
    card: tuple[int, int, int]
    card_text: tuple[int, int, int]
    muted: tuple[int, int, int]
    accent: tuple[int, int, int]
    warning: tuple[int, int, int]
    closed: tuple[int, int, int]
    scale: float


NORMAL = Theme(
    (242, 245, 250),
    (24, 58, 110),
    (255, 255, 255),
    (255, 255, 255),
    (20, 32, 56),
    (96, 108, 128),
    (0, 112, 201),
    (214, 110, 0),
    (205, 210, 218),
    1.0,
)
LARGE = Theme(
    (0, 0, 0),
    (0, 0, 0),
    (255, 221, 0),
    (28, 28, 28),
    (255, 255, 255),
    (255, 221, 0),
    (255, 221, 0),
    (255, 160, 60),
    (70, 70, 70),
    1.45,
)


def theme(large: bool) -> Theme:
    """The large, high-contrast look or the normal one."""
    return LARGE if large else NORMAL


def _unit(p: Painter) -> int:
    w, h = p.surface.get_size()
    return max(12, min(w, h) // 40)


def header(p: Painter, snapshot: Snapshot | None, language: str, th: Theme, now: float, tz: str) -> int:
    """The top bar: the hall's name and the time. Returns its height."""
    w, _ = p.surface.get_size()
    u = _unit(p)
    height = int(u * 4.2)
    p.box((0, 0, w, height), th.header)
    name = snapshot.site["name"].get(language) or snapshot.site["name"]["ko"] if snapshot else "Sunbeon 순번"
    p.text(name, language, int(u * 1.6), (u, height // 2), th.header_text, align="left", max_width=int(w * 0.7))
    clock = datetime.fromtimestamp(now, ZoneInfo(tz)).strftime("%H:%M")
    p.text(clock, "en", int(u * 1.8), (w - u, height // 2), th.header_text, align="right")
    return height


def footer(
    p: Painter, language: str, large: bool, priority: bool, offer_priority: bool, th: Theme
) -> tuple[int, list[Target]]:
    """The bottom bar: languages, large text, priority. Returns its top edge and targets."""
    w, h = p.surface.get_size()
    u = _unit(p)
    height = int(u * 5.5 * (1.15 if large else 1))
    top = h - height
    p.box((0, top, w, height), th.header)
    buttons: list[tuple[str, tuple, bool, str]] = [
        (LANGUAGE_NAMES[lang], ("language", lang), lang == language, lang) for lang in LANGUAGES
    ]
    buttons.append((t("large", language), ("large",), large, language))
    if offer_priority:
        buttons.append((t("priority", language), ("priority",), priority, language))
    gap = u // 2
    width = (w - gap * (len(buttons) + 1)) // len(buttons)
    targets: list[Target] = []
    for i, (label, action, on, lang) in enumerate(buttons):
        rect = (gap + i * (width + gap), top + gap, width, height - 2 * gap)
        p.box(rect, th.accent if on else th.card, radius=u // 2)
        color = (0, 0, 0) if on and th is LARGE else (255, 255, 255) if on else th.card_text
        p.text(
            label,
            lang,
            int(u * 1.5 * th.scale),
            (rect[0] + width // 2, rect[1] + rect[3] // 2),
            color,
            max_width=width - u,
        )
        targets.append((rect, action))
    return top, targets


def _service_card(p: Painter, rect: Rect, service: ServiceView, language: str, th: Theme, online: bool) -> None:
    x, y, w, h = rect
    u = _unit(p)
    closed = service.status == "closed"
    p.box(rect, th.closed if closed or not online else th.card, radius=u)
    name = service.name.get(language) or service.name["ko"]
    big = int(u * 2.6 * th.scale)
    # The Korean name under a translated one helps at the counter; not when there is no translation.
    lines = 2 if name != service.name["ko"] and th is not LARGE else 1
    p.text(
        name, language, big, (x + w // 2, y + int(h * (0.3 if lines == 2 else 0.36))), th.card_text, max_width=w - 2 * u
    )
    if lines == 2:
        p.text(service.name["ko"], "ko", int(u * 1.4), (x + w // 2, y + int(h * 0.53)), th.muted, max_width=w - 2 * u)
    info_y = y + int(h * 0.78)
    small = int(u * 1.45 * th.scale)
    if closed:
        p.text(
            t("closed", language), language, int(big * 0.8), (x + w // 2, info_y), (200, 30, 30), max_width=w - 2 * u
        )
        return
    low, high = service.estimate_minutes
    info = t("waiting", language, n=service.waiting) + " · " + t("about", language, low=low, high=high)
    p.text(info, language, small, (x + w // 2, info_y), th.muted, max_width=w - 2 * u)
    if service.status == "closing":
        p.text(
            t("closing", language),
            language,
            int(small * 0.85),
            (x + w // 2, y + h - u),
            th.warning,
            max_width=w - 2 * u,
        )


def start(
    p: Painter,
    snapshot: Snapshot | None,
    *,
    language: str,
    large: bool,
    priority: bool,
    online: bool,
    now: float,
    tz: str,
) -> list[Target]:
    """The start screen: a large button per task, with how many wait and roughly how long."""
    th = theme(large)
    p.clear(th.background)
    w, h = p.surface.get_size()
    u = _unit(p)
    top = header(p, snapshot, language, th, now, tz)
    services = snapshot.services if snapshot else []
    offer_priority = any(s.priority_offered for s in services)
    bottom, targets = footer(p, language, large, priority, offer_priority, th)
    # The hall calendar: while every task is closed, the heading says when tickets are next taken.
    closed_line = (
        calendar_text.next_opening_line(
            snapshot.next_opening, language, datetime.fromtimestamp(now, ZoneInfo(tz)), catalog=CATALOG
        )
        if snapshot is not None and online and services and all(s.status == "closed" for s in services)
        else None
    )
    p.text(
        closed_line or t("choose", language),
        language,
        int(u * 2.0 * th.scale),
        (w // 2, top + int(u * 2.2)),
        th.card_text,
        max_width=w - 2 * u,
    )
    area_top = top + int(u * 4.4)
    if not online or snapshot is None:
        p.box((u, area_top, w - 2 * u, bottom - area_top - u), th.closed, radius=u)
        for i, line in enumerate(p.wrap(t("offline", language), language, int(u * 2 * th.scale), w - 6 * u)):
            p.text(
                line,
                language,
                int(u * 2 * th.scale),
                (w // 2, area_top + int(u * 4) + i * int(u * 3 * th.scale)),
                th.card_text,
            )
        return targets
    columns = 1 if (large and w < h * 1.2) or (w < h and not large and len(services) <= 4) else 2
    rows = (len(services) + columns - 1) // columns
    gap = u
    cell_w = (w - gap * (columns + 1)) // columns
    cell_h = min(int(u * 11 * th.scale), (bottom - area_top - gap * (rows + 1)) // max(1, rows))
    for i, service in enumerate(services):
        col, row = i % columns, i // columns
        rect = (gap + col * (cell_w + gap), area_top + gap + row * (cell_h + gap), cell_w, cell_h)
        _service_card(p, rect, service, language, th, online)
        if service.status != "closed":
            targets.append((rect, ("service", service.id)))
    if priority:
        p.text(
            t("priority_who", language),
            language,
            int(u * 1.3 * th.scale),
            (w // 2, bottom - u),
            th.warning,
            max_width=w - 2 * u,
        )
    return targets


def printing(p: Painter, *, language: str, large: bool, frame: int) -> list[Target]:
    """While the hub issues and the printer prints."""
    th = theme(large)
    p.clear(th.background)
    w, h = p.surface.get_size()
    u = _unit(p)
    p.text(
        t("printing", language) + "." * (1 + frame % 3),
        language,
        int(u * 2.6 * th.scale),
        (w // 2, h // 2),
        th.card_text,
        max_width=w - 2 * u,
    )
    return []


def done(
    p: Painter, ticket: IssueReply, qr: pygame.Surface, *, language: str, large: bool, printed: bool
) -> list[Target]:
    """The issued number, large, with the QR code; says whether the printer failed."""
    th = theme(large)
    p.clear(th.background)
    w, h = p.surface.get_size()
    u = _unit(p)
    p.text(t("your_number", language), language, int(u * 2.2 * th.scale), (w // 2, int(h * 0.08)), th.muted)
    service = ticket.service_name.get(language) or ticket.service_name["ko"]
    p.text(service, language, int(u * 2.4 * th.scale), (w // 2, int(h * 0.15)), th.card_text, max_width=w - 2 * u)
    p.text(ticket.number, "en", int(min(w, h) * 0.26), (w // 2, int(h * 0.31)), th.accent)
    low, high = ticket.estimate_minutes
    p.text(
        t("ahead", language, n=ticket.ahead) + " · " + t("estimate", language, low=low, high=high),
        language,
        int(u * 1.8 * th.scale),
        (w // 2, int(h * 0.47)),
        th.card_text,
        max_width=w - 2 * u,
    )
    qr_size = qr.get_width()
    p.surface.blit(qr, ((w - qr_size) // 2, int(h * 0.52)))
    y = int(h * 0.52) + qr_size + u
    p.text(t("scan", language), language, int(u * 1.4 * th.scale), (w // 2, y), th.muted, max_width=w - 2 * u)
    message, color = (
        (t("take_ticket", language), th.card_text) if printed else (t("printer_failed", language), (210, 40, 40))
    )
    size = int(u * (2.2 if printed else 1.6) * th.scale)
    for i, line in enumerate(p.wrap(message, language, size, w - 4 * u)):
        p.text(line, language, size, (w // 2, y + int(u * 2.6) + i * int(size * 1.3)), color)
    p.text(t("touch_return", language), language, int(u * 1.2 * th.scale), (w // 2, h - u * 2), th.muted)
    return [((0, 0, w, h), ("back",))]


def problem(p: Painter, key: str, *, language: str, large: bool) -> list[Target]:
    """A plain message (no ticket issued), touch to go back."""
    th = theme(large)
    p.clear(th.background)
    w, h = p.surface.get_size()
    u = _unit(p)
    size = int(u * 2.4 * th.scale)
    for i, line in enumerate(p.wrap(t(key, language), language, size, w - 4 * u)):
        p.text(line, language, size, (w // 2, h // 3 + i * int(size * 1.4)), th.card_text)
    p.text(t("touch_return", language), language, int(u * 1.4 * th.scale), (w // 2, h - u * 3), th.muted)
    return [((0, 0, w, h), ("back",))]
