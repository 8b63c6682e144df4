"""예약·원격 번호표 확인 at the kiosk (issue 15). A booked visitor scans the booking's QR code or
types its code (eight symbols) and gets an ordinary ticket marked 예약; the holder of a remote
ticket (원격 번호표, taken on the web) scans the QR on its page or types its arrival code (six
symbols, wire/protocol.py `confirm_code`) and is told the number and how many wait before it.
This module holds what is particular to it: reading a scanned or typed code, the start screen's
bar, the code-entry screen, the refusal screen that offers a walk-in ticket instead (too early,
too late), and the confirmed screen.

The kiosk (kiosk/app.py) keeps the flow: the hub call and the printer run on its worker thread
exactly as for a walk-in ticket.
"""

from __future__ import annotations

from hardware.screen import Painter
from kiosk.screens import Look, Target, _prepare, _size, button, help_bar, row_height, stack
from kiosk.text import t
from wire import protocol as wire
from wire.hall import Hall

# The booking code's symbols (hub/domain/booking.py CODE_ALPHABET; no 0/O, 1/I): the on-screen keys.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # a booking code; the longest the screen takes
CONFIRM_LENGTH = wire.CONFIRM_LENGTH  # a remote ticket's arrival code (6): never a booking code's length
# The hub's refusals of a check-in, as the line the visitor reads (and hears).
REFUSALS = {
    "too_early": "checkin_too_early",
    "too_late": "checkin_too_late",
    "unknown_booking": "checkin_unknown",
    "already_checked_in": "checkin_already",
    "rate_limited": "code_braked",  # too many unknown codes from this kiosk (hub/code_brake.py)
}
# The hub's refusals of a remote ticket's arrival code (op `confirm`). A cancelled or finished
# ticket is no longer live at the hub: it is "unknown", and the sentence says it may be that.
CONFIRM_REFUSALS = {
    "unknown_ticket": "confirm_unknown",
    "already_confirmed": "confirm_already",
    "rate_limited": "code_braked",
}
# Refusals after which the visitor may well want a walk-in ticket for the same task now.
OFFER_WALK_IN = ("too_early", "too_late")
KEY_COLUMNS = 8
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")  # a page token


def code_of(scanned: str) -> str | None:
    """The booking code or arrival code in what a scanner typed or a visitor keyed in, or None.

    A booking's QR code holds the code itself (web/routers/booking.py), a remote ticket page's QR
    its arrival code (web/routers/tickets.py); a link ending in /booking/<code> is read too, and a
    ticket page's link /t/<token> gives that ticket's arrival code. Case, spaces and dashes do not
    matter (hub's `normal_code`). Never raises, whatever the scanner sends."""
    text = scanned.strip()
    if "/" in text:
        path = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
        head, _, last = path.rpartition("/")
        if head.endswith("/t") and TOKEN_CHARS.issuperset(last) and 8 <= len(last) <= 64:
            return wire.confirm_code(wire.token_hash(last))
        text = last
    code = "".join(ch for ch in text.upper() if ch not in " -")
    if len(code) not in (CODE_LENGTH, CONFIRM_LENGTH) or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def is_arrival_code(code: str) -> bool:
    """A remote ticket's arrival code (op `confirm`), not a booking code (op `check_in`)."""
    return len(code) == CONFIRM_LENGTH


def remote_offered(hall: Hall | None) -> bool:
    """Whether any task of the hall gives remote tickets (whose holders confirm here)."""
    return hall is not None and any(s.remote is not None for s in hall.services)


def bookable(hall: Hall | None) -> list[str]:
    """The tasks that take bookings (the walk-in offer's candidates), in the hall's order."""
    return [s.id for s in hall.services if s.booking is not None] if hall is not None else []


def refusal_line(code: str, language: str, hall: Hall | None, *, arrival: bool = False) -> str:
    """The sentence for a refused check-in or arrival code (any other error: the kiosk's plain 'failed')."""
    key = (CONFIRM_REFUSALS if arrival else REFUSALS).get(code, "failed")
    early = hall.site.bookings.check_in_early_minutes if hall is not None else 15
    return t(key, language, n=early) if key == "checkin_too_early" else t(key, language)


def confirmed_lines(number: str, ahead: int, state: str, language: str) -> list[str]:
    """What the kiosk shows and says once a remote ticket is confirmed: its number, then how many
    wait before it (or that it is being called now)."""
    if state == "called":
        after = t("confirm_called", language)
    elif ahead == 0:
        after = t("confirm_next", language)
    else:
        after = t("confirm_ahead", language, n=ahead)
    return [t("confirm_done", language, number=number), after]


def spaced(code: str) -> str:
    """The code as its page prints it: a booking's K7QP-M2XA, an arrival code's K7Q-M2X (while
    typing, the dash follows the length typed so far)."""
    if len(code) <= CONFIRM_LENGTH:
        return code if len(code) <= 3 else f"{code[:3]}-{code[3:]}"
    return f"{code[:4]}-{code[4:]}"


# --- the start screen's bar ------------------------------------------------------------------


def bar_fits(look: Look, cards: int) -> bool:
    """Whether the start screen has room for the bar: not in large text with six cards or more
    (the cards have no height to give; screens.start then draws it as one more card)."""
    return not (look.large and cards >= 6)


def start_bar(p: Painter, look: Look, u: int, bottom: int) -> tuple[int, list[Target]]:
    """0. 예약·원격 번호표 확인 (keypad 0) as one full-width bar just above the footer: within reach
    in low-position mode, and it takes one button's height from the task cards, not a card's row.
    Returns the new bottom of the cards' area and the bar's target."""
    th, language = look.th, look.language
    w, _ = p.surface.get_size()
    size = _size(p, u, 1.2, th)
    label = f"0.\u00a0{t('booking_card', language)}"
    if not look.large:
        label += f" · {t('booking_card_note', language)}"
    # Slimmer than a footer row (still ≥ 3 units, about 3 cm on a 32-inch screen).
    height = max(3 * u, int(size * 1.5))
    gap = u // 2
    rect = (gap, bottom - height - gap // 2, w - 2 * gap, height)
    button(p, rect, label, language, size, th, on=False, focus=look.focus == ("booking",))
    return rect[1] - gap // 2, [(rect, ("booking",))]


# --- the code-entry screen --------------------------------------------------------------------


def code_entry(
    p: Painter,
    code: str,
    look: Look,
    *,
    staff_called: bool = False,
) -> list[Target]:
    """예약 번호를 입력해 주십시오: the code so far, a key per symbol, 지우기 / 확인 / 처음으로.
    In low-position mode every key lies in the reachable band (the prompt stays above it)."""
    language, low, focus = look.language, look.low, look.focus
    th, u, m = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    rows = (len(CODE_ALPHABET) + KEY_COLUMNS - 1) // KEY_COLUMNS
    gap = u // 2
    key_h = min(int(bh * 1.3), (h // 2 - gap * (rows + 2)) // (rows + 1))
    action_top = bottom - gap - bh
    keys_top = action_top - gap - rows * (key_h + gap)
    if low:  # every control below 120 cm: the keys shrink into the band rather than rise out of it
        room = action_top - gap - max(keys_top, m.reach_top)
        key_h = min(key_h, room // rows - gap)
        keys_top = action_top - gap - rows * (key_h + gap)
    key_w = (w - gap * (KEY_COLUMNS + 1)) // KEY_COLUMNS
    key_size = _size(p, u, 2.0, th)
    for i, ch in enumerate(CODE_ALPHABET):
        rect = (gap + (i % KEY_COLUMNS) * (key_w + gap), keys_top + (i // KEY_COLUMNS) * (key_h + gap), key_w, key_h)
        button(p, rect, ch, "en", key_size, th, on=False, focus=focus == ("code_char", ch))
        targets.append((rect, ("code_char", ch)))
    third = (w - 4 * gap) // 3
    size = _size(p, u, 1.5, th)
    for i, (key, action, on) in enumerate(
        (("home", ("home",), False), ("code_erase", ("code_erase",), False), ("code_check", ("code_check",), True))
    ):
        rect = (gap + i * (third + gap), action_top, third, bh)
        button(p, rect, t(key, language), language, size, th, on=on, focus=focus == action)
        targets.append((rect, action))
    # Above the keys: the prompt, the code typed so far (in its own box), the scanner hint.
    shown = spaced(code) if code else "_" * 4 + "-" + "_" * 4
    field_h = int(_size(p, u, 3.0, th) * 1.8)
    field = (w // 6, keys_top - gap - field_h, 2 * w // 3, field_h)
    p.box(field, th.card, radius=u)
    p.box(field, th.edge, radius=u, width=2)
    stack(p, field, [(shown, "en", _size(p, u, 3.0, th), th.card_text)], pad=u // 2)
    stack(
        p,
        (0, u, w, max(u, field[1] - 2 * u)),
        [
            (t("code_title", language), language, _size(p, u, 2.2, th), th.card_text),
            (t("code_scan_hint", language), language, _size(p, u, 1.3, th), th.muted),
        ],
        pad=u,
    )
    return targets


# --- a refused check-in -----------------------------------------------------------------------


def refused(
    p: Painter,
    line: str,
    offers: list[tuple[str, str]],
    look: Look,
    *,
    staff_called: bool = False,
) -> list[Target]:
    """Why there is no 예약 ticket, and one touch to a walk-in ticket for the task (`offers`:
    (service id, its name)), or 처음으로."""
    language, low, focus = look.language, look.low, look.focus
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    top = bottom - bh - u
    home = (w // 4, top, w // 2, bh)
    button(p, home, t("home", language), language, _size(p, u, 1.6, th), th, on=False, focus=focus == ("home",))
    targets.append((home, ("home",)))
    size = _size(p, u, 1.8, th)
    for service, name in reversed(offers):
        top -= int(bh * 1.4) + u
        rect = (u, top, w - 2 * u, int(bh * 1.4))
        label = t("walk_in_offer", language, service=name)
        button(p, rect, label, language, size, th, on=True, focus=focus == ("walk_in", service))
        targets.append((rect, ("walk_in", service)))
    text_top = u if not low else min(h // 8, max(u, top - h // 3))
    lines = [(line, language, _size(p, u, 2.4, th), th.card_text)]
    stack(p, (0, text_top, w, max(u, top - text_top - u)), lines, pad=u)
    return targets


# --- a remote ticket confirmed ----------------------------------------------------------------


def confirmed(
    p: Painter,
    number: str,
    lines: list[str],
    look: Look,
    *,
    staff_called: bool = False,
) -> list[Target]:
    """도착이 확인되었습니다: the remote ticket's number, large (the visitor keeps it on the phone,
    nothing is printed), how many wait before it, and 처음으로. `lines`: `confirmed_lines`."""
    language, low, focus = look.language, look.low, look.focus
    th, u, _ = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    home = (w // 4, bottom - bh - u, w // 2, bh)
    button(p, home, t("home", language), language, _size(p, u, 1.6, th), th, on=True, focus=focus == ("home",))
    targets.append((home, ("home",)))
    top = u if not low else max(u, home[1] - int(h * 0.6))  # low position: the news nearer the eyes of a seated visitor
    space = home[1] - u - top
    stack(
        p, (0, top, w, space // 5), [(t("your_number", language), language, _size(p, u, 2.0, th), th.muted)], pad=u // 2
    )
    number_size = int(min(w, h) * (0.2 if low else 0.24))
    stack(p, (0, top + space // 5, w, 2 * space // 5), [(number, "en", number_size, th.accent)], pad=0)
    said = [(lines[0], language, _size(p, u, 2.2, th), th.card_text)]
    said += [(line, language, _size(p, u, 1.8, th), th.card_text) for line in lines[1:]]
    stack(p, (0, top + 3 * space // 5, w, 2 * space // 5), said, pad=u)
    return targets
