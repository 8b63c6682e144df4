"""What the kiosk draws: the start screen, printing, the ticket on screen, errors, the continue prompt.

Each function draws one screen and returns its tap targets as (rect, action). Normal and large
(high-contrast) themes; the layout follows the screen's shape (portrait or landscape). Every
text is stacked inside its button or card (never placed by a fraction of the card's height, which
let large texts overlap), no smaller than the rules' minimum in millimetres at the configured
screen size; in low-position mode every control lies below 120 cm (kiosk/mounting.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hardware.screen import Painter
from kiosk.mounting import Mounting, mounting
from kiosk.text import CATALOG, LANGUAGE_NAMES, LANGUAGES, t
from wire import calendar_text
from wire.protocol import IssueReply, ServiceView, Snapshot

if TYPE_CHECKING:
    import pygame

Rect = tuple[int, int, int, int]
Target = tuple[Rect, tuple]
Color = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """Colours and type scale of a look. Every text colour meets 4.5:1 on the fill it is used on
    (tests/e2e/test_kiosk_layout.py computes each pair from what was drawn)."""

    background: Color
    header: Color
    header_text: Color
    card: Color
    card_text: Color
    muted: Color
    accent: Color
    accent_text: Color
    warning: Color
    closed: Color
    closed_text: Color
    focus: Color
    edge: Color  # a control's outline: at least 3:1 against the background (WCAG 1.4.11)
    scale: float


NORMAL = Theme(
    background=(242, 245, 250),
    header=(24, 58, 110),
    header_text=(255, 255, 255),
    card=(255, 255, 255),
    card_text=(20, 32, 56),
    muted=(84, 94, 112),
    accent=(0, 94, 170),
    accent_text=(255, 255, 255),
    warning=(156, 64, 0),
    closed=(222, 226, 232),
    closed_text=(150, 20, 20),
    focus=(214, 110, 0),
    edge=(112, 122, 140),
    scale=1.0,
)
LARGE = Theme(
    background=(0, 0, 0),
    header=(0, 0, 0),
    header_text=(255, 221, 0),
    card=(28, 28, 28),
    card_text=(255, 255, 255),
    muted=(255, 221, 0),
    accent=(255, 221, 0),
    accent_text=(0, 0, 0),
    warning=(255, 170, 90),
    closed=(60, 60, 60),
    closed_text=(255, 200, 200),
    focus=(0, 200, 255),
    edge=(150, 150, 150),
    scale=1.45,
)


def theme(large: bool) -> Theme:
    """The large, high-contrast look or the normal one."""
    return LARGE if large else NORMAL


@dataclass(frozen=True)
class Look:
    """How the visitor has set the kiosk up, and where its screen hangs."""

    language: str = "ko"
    large: bool = False
    low: bool = False
    voice: bool = False
    focus: tuple | None = None  # the action the keypad has reached
    mount: Mounting | None = None

    @property
    def th(self) -> Theme:
        return theme(self.large)


def _prepare(p: Painter, look: Look) -> tuple[Theme, int, Mounting]:
    """Clear the screen; the unit of the layout and the smallest text the rules allow."""
    th = look.th
    p.clear(th.background)
    w, h = p.surface.get_size()
    m = look.mount or mounting(None, (w, h))
    p.min_size = m.min_text_px(look.large)
    return th, max(12, min(w, h) // 40), m


def _size(p: Painter, u: int, factor: float, th: Theme) -> int:
    return max(p.min_size, int(u * factor * th.scale))


Line = tuple[str, str, int, Color]  # text, language, size, colour


SEPARATOR = " · "  # between the phrases of one line: "대기 11명 · 약 10~23분"


def wrap(p: Painter, text: str, language: str, size: int, width: int) -> list[str]:
    """Lines of `text` no wider than `width`: between phrases (" · ") first, so "약 10~23분" never
    splits while the line has a phrase break; then at spaces, and inside a word only when it alone
    is too wide (Chinese has no spaces; a long Korean compound may have none)."""
    if SEPARATOR in text and p.measure(text, language, size)[0] > width:
        lines: list[str] = []
        current = ""
        phrases = text.split(SEPARATOR)
        for i, phrase in enumerate(phrases):
            trial = f"{current}{SEPARATOR}{phrase}" if current else phrase
            # A line that a break follows carries the dot too: measured with it, so it never wraps alone.
            tail = SEPARATOR.rstrip() if i < len(phrases) - 1 else ""
            if current and p.measure(trial + tail, language, size)[0] > width:
                lines.append(current + SEPARATOR.rstrip())  # the dot ends the line: "대기 11명 ·"
                current = phrase
            else:
                current = trial
        lines.append(current)
        return [part for line in lines for part in _wrap_words(p, line, language, size, width)]
    return _wrap_words(p, text, language, size, width)


def _wrap_words(p: Painter, text: str, language: str, size: int, width: int) -> list[str]:
    """`wrap` at spaces (and inside a word only when it alone is too wide)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if p.measure(trial, language, size)[0] <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and p.measure(current + char, language, size)[0] > width:
                lines.append(current)
                current = ""
            current += char
    return [*lines, current] if current else lines


def _slot(p: Painter, text: str, language: str, size: int) -> int:
    """The height one line takes: its ink (centred in the slot, so two slots never share ink) or
    one em, whichever is taller, and a sixth of an em between lines. (The CJK font's own line
    height, 1.45 em, wasted a line in every three on a card.)"""
    return max(size, p.measure(text, language, size)[1]) + size // 6


def _layout(p: Painter, rect: Rect, lines: list[Line], pad: int, shrink: float) -> tuple[list[Line], int, float]:
    """Where `stack` puts the lines: each fitted (then wrapped) to the width, all made smaller
    together from `shrink` (down to the rules' minimum) until they fit the height. Returns the
    placed lines, their total height and the shrink used."""
    _, _, w, h = rect
    width, height = w - 2 * pad, h - pad  # half the padding above and below: text height is scarcer
    while True:
        placed: list[Line] = []
        for text, language, size, color in lines:
            size = max(p.min_size, int(size * shrink))
            # A line keeps its size and wraps at spaces; only a word wider than the box makes the
            # line smaller (one type size per card reads calmer than each line fitted on its own).
            if p.measure(text, language, size)[0] <= width:
                placed.append((text, language, size, color))
            else:
                # Wrapped at the size its widest word fits (a word is split only at the rules' minimum).
                widest = max(text.split(" "), key=lambda word: p.measure(word, language, size)[0])
                size = p._fit_cached(widest, language, size, width, True)
                placed += [(part, language, size, color) for part in wrap(p, text, language, size, width)]
        total = sum(_slot(p, text, language, size) for text, language, size, _ in placed)
        if total <= height or all(s <= p.min_size for _, _, s, _ in placed):
            return placed, total, shrink
        shrink *= 0.92


def fitting_shrink(p: Painter, rect: Rect, lines: list[Line], pad: int) -> float:
    """How much `stack` would shrink these lines to fit `rect` (1.0: not at all)."""
    return _layout(p, rect, lines, pad, 1.0)[2]


def stack(p: Painter, rect: Rect, lines: list[Line], pad: int, shrink: float = 1.0) -> None:
    """Lines one under another, centred in `rect` (see `_layout`); `shrink` starts them smaller,
    so cards side by side can share one type size."""
    x, y, w, h = rect
    placed, total, _ = _layout(p, rect, lines, pad, shrink)
    top = y + pad // 2 + max(0, (h - pad - total) // 2)
    for text, language, size, color in placed:
        step = _slot(p, text, language, size)
        p.text(text, language, size, (x + w // 2, top + step // 2), color)
        top += step


def button(p: Painter, rect: Rect, label: str, language: str, size: int, th: Theme, *, on: bool, focus: bool) -> None:
    """A button with one label; `on` fills it with the accent colour, the keypad focus rings it."""
    u = max(4, min(rect[2], rect[3]) // 8)
    p.box(rect, th.accent if on else th.card, radius=u)
    p.box(rect, th.edge, radius=u, width=2)
    stack(p, rect, [(label, language, size, th.accent_text if on else th.card_text)], pad=u // 2)
    if focus:
        ring(p, rect, th)


def ring(p: Painter, rect: Rect, th: Theme) -> None:
    """The keypad's focus: a thick outline around the reached control."""
    x, y, w, h = rect
    p.box((x - 4, y - 4, w + 8, h + 8), th.focus, radius=8, width=6)


def header(p: Painter, snapshot: Snapshot | None, language: str, th: Theme, now: float, tz: str) -> int:
    """The top bar: the hall's name and the time. Returns its height."""
    w, _ = p.surface.get_size()
    u = max(12, min(p.surface.get_size()) // 40)
    height = max(int(u * 4.2), int(p.min_size * 1.6))
    p.box((0, 0, w, height), th.header)
    name = snapshot.site["name"].get(language) or snapshot.site["name"]["ko"] if snapshot else "Sunbeon 순번"
    size = max(p.min_size, int(u * 1.6))
    p.text(name, language, size, (u, height // 2), th.header_text, align="left", max_width=int(w * 0.68))
    clock = datetime.fromtimestamp(now, ZoneInfo(tz)).strftime("%H:%M")
    p.text(clock, "en", max(p.min_size, int(u * 1.8)), (w - u, height // 2), th.header_text, align="right")
    return height


def _row(
    p: Painter,
    top: int,
    height: int,
    items: list[tuple[str, tuple, bool, str]],
    look: Look,
    u: int,
    size: int | None = None,
) -> list[Target]:
    """One row of equal buttons across the screen (labels at `size`, or the bar's usual size)."""
    w, _ = p.surface.get_size()
    th = look.th
    gap = u // 2
    width = (w - gap * (len(items) + 1)) // max(1, len(items))
    size = size or _size(p, u, 1.4, th)
    targets: list[Target] = []
    for i, (label, action, on, lang) in enumerate(items):
        rect = (gap + i * (width + gap), top + gap // 2, width, height - gap)
        button(p, rect, label, lang, size, th, on=on, focus=look.focus == action)
        targets.append((rect, action))
    return targets


def row_height(p: Painter, u: int, th: Theme) -> int:
    """A bottom-bar row: room for one line at the button size, and a finger (at least 5 units)."""
    return max(int(u * 4.6), int(_size(p, u, 1.4, th) * 1.9))


def help_bar(p: Painter, look: Look, u: int, *, staff_called: bool = False) -> tuple[int, list[Target]]:
    """The lowest row, on every screen: 음성 안내 (fixed in the low left corner), 낮은 화면, 직원 호출.
    Returns its top edge and targets."""
    w, h = p.surface.get_size()
    th = look.th
    height = row_height(p, u, th)
    top = h - height
    p.box((0, top, w, height), th.header)
    language = look.language
    items = [
        (t("voice_on" if look.voice else "voice", language), ("voice",), look.voice, language),
        (t("low", language), ("low",), look.low, language),
        (t("staff_call", language), ("staff",), staff_called, language),
    ]
    return top, _row(p, top, height, items, look, u)


def footer(
    p: Painter, look: Look, u: int, *, staff_called: bool = False, languages: bool = True
) -> tuple[int, list[Target]]:
    """The bottom bars: languages and large text above the help bar. Returns the top edge and targets."""
    w, _ = p.surface.get_size()
    th = look.th
    top, targets = help_bar(p, look, u, staff_called=staff_called)
    if not languages:
        return top, targets
    height = row_height(p, u, th)
    items: list[tuple[str, tuple, bool, str]] = [
        (LANGUAGE_NAMES.get(lang, lang), ("language", lang), lang == look.language, lang) for lang in LANGUAGES
    ]
    items.append((t("large", look.language), ("large",), look.large, look.language))
    # A visitor looks here for their language before reading anything else: every label at one size,
    # never under the large-text rule (12 mm); in large text on a portrait screen (which has the
    # height for it) at the bar's full large size, as the help bar below. Two rows when one row
    # cannot hold that. (A landscape screen's cards, and the short reachable band of low-position
    # mode, have no row to give: there one row, ≥ 12 mm.)
    rule = (look.mount or mounting(None, p.surface.get_size())).min_text_px(True)
    base = max(_size(p, u, 1.4, th), rule)
    floor = base if look.large and not look.low and p.surface.get_height() > w else rule
    rows = [items]
    size = _row_label_size(p, rows, height, base, u)
    if size < floor:
        half = (len(items) + 1) // 2
        rows = [items[:half], items[half:]]
        size = _row_label_size(p, rows, height, base, u)
    for row in reversed(rows):
        top -= height
        p.box((0, top, w, height), th.header)
        targets = _row(p, top, height, row, look, u, size) + targets
    return top, targets


def _row_label_size(p: Painter, rows: list[list[tuple[str, tuple, bool, str]]], height: int, size: int, u: int) -> int:
    """The one size at which every label of these rows fits its button (as `_row` lays them out)."""
    w, _ = p.surface.get_size()
    gap = u // 2
    fitted = size
    for row in rows:
        width = (w - gap * (len(row) + 1)) // max(1, len(row))
        rect = (0, 0, width, height - gap)
        pad = max(4, min(rect[2], rect[3]) // 8) // 2  # `button`'s padding
        for label, _, _, lang in row:
            placed, _, _ = _layout(p, rect, [(label, lang, size, (0, 0, 0))], pad, 1.0)
            fitted = min([fitted, *(s for _, _, s, _ in placed)])
    return fitted


def _service_lines(p: Painter, number: int, service: ServiceView, look: Look, online: bool, u: int) -> list[Line]:
    th, language = look.th, look.language
    closed = service.status == "closed"
    name = service.name.get(language) or service.name["ko"]
    text_color = th.closed_text if closed or not online else th.card_text
    lines: list[Line] = [(f"{number}.\u00a0{name}", language, _size(p, u, 2.6, th), text_color)]
    # The Korean name under a translated one helps at the counter; not when there is no translation.
    if name != service.name["ko"] and not look.large:
        lines.append((service.name["ko"], "ko", _size(p, u, 1.4, th), th.muted if not closed else th.closed_text))
    if closed:
        lines.append((t("closed", language), language, _size(p, u, 2.0, th), th.closed_text))
    else:
        low, high = service.estimate_minutes
        info = t("waiting", language, n=service.waiting) + " · " + t("about", language, low=low, high=high)
        lines.append((info, language, _size(p, u, 1.45, th), th.muted))
        if service.status == "closing":
            # Large text has room for the short warning only; the voice says the whole sentence.
            warning = t("closing_short" if look.large else "closing", language)
            lines.append((warning, language, _size(p, u, 1.3, th), th.warning))
    return lines


def _service_card(
    p: Painter, rect: Rect, lines: list[Line], service: ServiceView, look: Look, online: bool, u: int, shrink: float
) -> None:
    th = look.th
    closed = service.status == "closed"
    p.box(rect, th.closed if closed or not online else th.card, radius=u)
    if online and not closed:
        p.box(rect, th.edge, radius=u, width=2)  # a control: its edge shows (a closed card is not one)
    stack(p, rect, lines, pad=u // 2, shrink=shrink)
    if look.focus == ("service", service.id):
        ring(p, rect, th)


def _priority_lines(p: Painter, number: int, look: Look, on: bool, u: int) -> list[Line]:
    th, language = look.th, look.language
    color = th.accent_text if on else th.card_text
    title = t("priority_on" if on else "priority", language)
    return [
        (f"{number}.\u00a0{title}", language, _size(p, u, 2.4, th), color),
        (t("priority_who", language), language, _size(p, u, 1.3, th), color),
    ]


def _booking_lines(p: Painter, look: Look, u: int) -> list[Line]:
    """0. 예약·원격 번호표 확인 as a card (where the bar has no room): keypad 0, like the bar."""
    th, language = look.th, look.language
    return [(f"0.\u00a0{t('booking_card', language)}", language, _size(p, u, 2.4, th), th.card_text)]


def _priority_card(
    p: Painter, rect: Rect, lines: list[Line], look: Look, on: bool, u: int, shrink: float, focus: tuple = ("priority",)
) -> None:
    """우선 배려 as large as a task, saying who qualifies (and the 예약 확인 card, drawn alike)."""
    th = look.th
    p.box(rect, th.accent if on else th.card, radius=u)
    p.box(rect, th.edge, radius=u, width=2)
    stack(p, rect, lines, pad=u // 2, shrink=shrink)
    if look.focus == focus:
        ring(p, rect, th)


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
    low: bool = False,
    voice: bool = False,
    focus: tuple | None = None,
    mount: Mounting | None = None,
    staff_called: bool = False,
    booking: bool = False,
) -> list[Target]:
    """The start screen: a large button per task (numbered, for the keypad), with how many wait and
    roughly how long; 우선 배려 as one more card; languages, large text and the help bar below."""
    look = Look(language, large, low, voice, focus, mount)
    th, u, m = _prepare(p, look)
    w, h = p.surface.get_size()
    top = header(p, snapshot, language, th, now, tz)
    services = snapshot.services if snapshot else []
    offer_priority = any(s.priority_offered for s in services)
    bottom, targets = footer(p, look, u, staff_called=staff_called)
    # 예약·원격 번호표 확인 (issue 15): one bar above the footer, or, where the cards have no height
    # to give it (large text, six cards or more), one more card of the grid.
    booking_card = False
    if booking and online and snapshot is not None:
        from kiosk import check_in  # it draws with this module's parts

        if check_in.bar_fits(look, len(services) + offer_priority):
            bottom, bar = check_in.start_bar(p, look, u, bottom)
            targets += bar
        else:
            booking_card = True
    # The hall calendar: while every task is closed, the heading says when tickets are next taken.
    closed_line = (
        calendar_text.next_opening_line(
            snapshot.next_opening, language, datetime.fromtimestamp(now, ZoneInfo(tz)), catalog=CATALOG
        )
        if snapshot is not None and online and services and all(s.status == "closed" for s in services)
        else None
    )
    heading = closed_line or t("choose", language)
    prompt_h = int(_size(p, u, 2.0, th) * 1.7)
    stack(p, (0, top, w, prompt_h), [(heading, language, _size(p, u, 2.0, th), th.card_text)], pad=u // 2)
    area_top = top + prompt_h
    if low:
        area_top = max(area_top, m.reach_top)  # every control below 120 cm
    if not online or snapshot is None:
        rect = (u, area_top + u, w - 2 * u, max(u, bottom - area_top - 2 * u))
        p.box(rect, th.closed, radius=u)
        stack(p, rect, [(t("offline", language), language, _size(p, u, 2.0, th), th.closed_text)], pad=u)
        return targets
    cards: list[tuple[str, ServiceView | None]] = [("service", s) for s in services]
    if offer_priority:
        cards.append(("priority", None))
    if booking_card:
        cards.append(("booking", None))
    wide = w >= h * 1.2
    if wide:
        columns = 4 if len(cards) > 6 else 3 if len(cards) > 4 else 2
    else:
        columns = 2 if len(cards) > (4 if large else 5) or low else 1
    rows = (len(cards) + columns - 1) // columns
    gap = u // 2 if low else u  # the reachable band is short: every pixel of it for the tasks
    cell_w = (w - gap * (columns + 1)) // columns
    cell_h = min(int(u * 11 * th.scale), (bottom - area_top - gap * (rows + 1)) // max(1, rows))
    rects = [
        (gap + (i % columns) * (cell_w + gap), area_top + gap + (i // columns) * (cell_h + gap), cell_w, cell_h)
        for i in range(len(cards))
    ]
    if rects and len(cards) % columns:  # the last card of a short row takes the row's empty cells too
        x, y, _, h_ = rects[-1]
        rects[-1] = (x, y, w - gap - x, h_)
    elif booking_card and columns == 2 and len(rects) >= 2 and rects[-2][1] == rects[-1][1]:
        # The 예약 card's one short label beside a card with more to say (우선 배려's list of who
        # qualifies): two fifths of the row for it, three for its neighbour.
        (x, y, _, h_), (_, _, w2, _) = rects[-2], rects[-1]
        total = 2 * w2 + gap
        mine = total * 2 // 5
        rects[-2] = (x, y, total - mine - gap, h_)
        rects[-1] = (x + total - mine, y, mine, h_)
    contents = [
        _service_lines(p, i + 1, service, look, online, u)
        if service is not None
        else _priority_lines(p, i + 1, look, priority, u)
        if kind == "priority"
        else _booking_lines(p, look, u)
        for i, (kind, service) in enumerate(cards)
    ]
    # One type size for every card: the size the fullest card needs (a short name is not larger).
    shrink = min((fitting_shrink(p, r, lines, u // 2) for r, lines in zip(rects, contents, strict=True)), default=1.0)
    for rect, lines, (kind, service) in zip(rects, contents, cards, strict=True):
        if service is not None:
            _service_card(p, rect, lines, service, look, online, u, shrink)
            if service.status != "closed":
                targets.append((rect, ("service", service.id)))
        else:
            _priority_card(p, rect, lines, look, kind == "priority" and priority, u, shrink, focus=(kind,))
            targets.append((rect, (kind,)))
    return targets


def printing(
    p: Painter,
    *,
    language: str,
    large: bool,
    frame: int,
    low: bool = False,
    voice: bool = False,
    mount: Mounting | None = None,
) -> list[Target]:
    """While the hub issues and the printer prints."""
    look = Look(language, large, low, voice, None, mount)
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    size = _size(p, u, 2.6, th)
    text = t("printing", language) + "." * (1 + frame % 3)
    p.text(text, language, size, (w // 2, h // 2), th.card_text, max_width=w - 2 * u)
    return []


def done(
    p: Painter,
    ticket: IssueReply,
    qr: pygame.Surface,
    *,
    language: str,
    large: bool,
    printed: bool,
    low: bool = False,
    voice: bool = False,
    focus: tuple | None = None,
    mount: Mounting | None = None,
    staff_called: bool = False,
    offer: str | None = None,
) -> list[Target]:
    """The issued number, large, with the QR code; says whether the printer failed. A ticket that
    did not print needs 확인 (no touch anywhere dismisses it: the visitor must see the number).
    `offer`: the label of the 문자로 알림 받기 button (kiosk/phone_step.py), beside 처음으로."""
    look = Look(language, large, low, voice, focus, mount)
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    action = ("home",) if printed else ("ok",)
    half = w // 2 - 3 * u // 2  # 처음으로 and 문자로 알림 받기 side by side
    home_rect = (w // 4, bottom - bh - u, w // 2, bh) if offer is None else (u, bottom - bh - u, half, bh)
    if offer is not None:
        offer_rect = (w // 2 + u // 2, home_rect[1], half, bh)
        button(p, offer_rect, offer, language, _size(p, u, 1.6, th), th, on=False, focus=focus == ("phone",))
        targets.insert(0, (offer_rect, ("phone",)))
    button(
        p,
        home_rect,
        t("home" if printed else "ok", language),
        language,
        _size(p, u, 1.6, th),
        th,
        on=not printed,
        focus=focus == action,
    )
    targets.insert(0, (home_rect, action))
    service = ticket.service_name.get(language) or ticket.service_name["ko"]
    low_, high = ticket.estimate_minutes
    qr_size = qr.get_width()
    number_size = int(min(w, h) * 0.26)
    top_lines: list[Line] = [
        (t("your_number", language), language, _size(p, u, 2.0, th), th.muted),
        (service, language, _size(p, u, 2.2, th), th.card_text),
    ]
    space = home_rect[1] - u - qr_size
    block = (0, u, w, int(space * 0.3))
    stack(p, block, top_lines, pad=u // 2)
    stack(p, (0, block[1] + block[3], w, int(space * 0.3)), [(ticket.number, "en", number_size, th.accent)], pad=0)
    info = t("ahead", language, n=ticket.ahead) + " · " + t("estimate", language, low=low_, high=high)
    stack(
        p,
        (0, block[1] + 2 * block[3], w, int(space * 0.15)),
        [(info, language, _size(p, u, 1.6, th), th.card_text)],
        pad=u // 2,
    )
    qr_top = block[1] + int(space * 0.75)
    p.surface.blit(qr, ((w - qr_size) // 2, qr_top))
    message, color = (
        (t("take_ticket", language), th.card_text) if printed else (t("printer_failed", language), th.closed_text)
    )
    lines: list[Line] = [(t("scan", language), language, _size(p, u, 1.2, th), th.muted)]
    lines.append((message, language, _size(p, u, 2.0 if printed else 1.5, th), color))
    msg_rect = (0, qr_top + qr_size, w, home_rect[1] - (qr_top + qr_size))
    if not printed:
        p.box((u, msg_rect[1] + u // 2, w - 2 * u, msg_rect[3] - u), th.card, radius=u)
        lines = lines[1:]
        color = th.closed_text if not large else th.card_text
        lines = [(message, language, _size(p, u, 1.5, th), color)]
    stack(p, msg_rect, lines, pad=u)
    if printed and not low:
        targets.append(((0, 0, w, h), ("home",)))  # a touch anywhere also returns (never in low mode: out of reach)
    return targets


def problem(
    p: Painter,
    key: str,
    look: Look,
    *,
    staff_called: bool = False,
) -> list[Target]:
    """A plain message (no ticket issued), 처음으로 or a touch anywhere to go back."""
    language, low, focus = look.language, look.low, look.focus
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    home_rect = (w // 4, bottom - bh - u, w // 2, bh)
    button(p, home_rect, t("home", language), language, _size(p, u, 1.6, th), th, on=False, focus=focus == ("home",))
    stack(
        p,
        (0, h // 5, w, home_rect[1] - h // 5 - u),
        [
            (t(key, language), language, _size(p, u, 2.4, th), th.card_text),
            (t("touch_return", language), language, _size(p, u, 1.4, th), th.muted),
        ],
        pad=2 * u,
    )
    targets.insert(0, (home_rect, ("home",)))
    if not low:
        targets.append(((0, 0, w, h), ("home",)))
    return targets


def still_there(
    p: Painter,
    seconds: int,
    *,
    language: str,
    large: bool,
    low: bool = False,
    voice: bool = False,
    focus: tuple | None = None,
    mount: Mounting | None = None,
) -> list[Target]:
    """계속하시겠습니까?: shown (and spoken) before any screen resets; any key or touch extends."""
    look = Look(language, large, low, voice, focus, mount)
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u)
    bh = row_height(p, u, th)
    rect = (w // 6, bottom - 2 * bh - 2 * u, 2 * w // 3, int(bh * 1.6))
    button(p, rect, t("continue", language), language, _size(p, u, 2.2, th), th, on=True, focus=focus == ("continue",))
    stack(
        p,
        (0, h // 8, w, max(u, rect[1] - h // 8 - u)),
        [
            (t("still_there", language), language, _size(p, u, 3.0, th), th.card_text),
            (t("returning_in", language, n=seconds), language, _size(p, u, 1.6, th), th.muted),
            (t("any_key", language), language, _size(p, u, 1.4, th), th.muted),
        ],
        pad=u,
    )
    targets.insert(0, (rect, ("continue",)))
    if not low:
        targets.append(((0, 0, w, h), ("continue",)))
    return targets
