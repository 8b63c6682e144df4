"""The kiosk's "문자로 알림 받기" step (docs/notify.md): after a ticket, a phone number typed on an
on-screen digit pad or the physical keypad, registered with the notifier on a worker thread.

Kept out of kiosk/app.py: the kiosk only opens the step, hands it digits and draws it. The number
never reaches a log (only the reply's code does) and is forgotten as soon as the step closes.
"""

from __future__ import annotations

import logging
import queue as queues
import threading
import uuid
from typing import TYPE_CHECKING, Any

from kiosk.screens import Line, Look, Target, _prepare, _size, button, help_bar, row_height, stack
from kiosk.text import t
from wire import protocol as p
from wire.notify_protocol import NOTIFY_REGISTER

if TYPE_CHECKING:
    from hardware.screen import Painter

log = logging.getLogger("sunbeon.kiosk.phone")
MAX_DIGITS = 11  # 010-1234-5678; the notifier decides what is valid
# The notifier's answers, as the line the visitor reads. Anything else: the notifier is away.
OUTCOMES = {
    "registered": "phone_registered",
    "invalid_phone": "phone_invalid",
    "rate_limited": "phone_rate_limited",
    "channel_off": "phone_channel_off",
    "timeout": "phone_timeout",
}


def masked(digits: str, last4: str | None) -> str:
    """010-****-5678: all the screen may show of a registered number."""
    return f"{digits[:3]}-****-{last4 or digits[-4:]}"


def shown(digits: str) -> str:
    """The number as typed, grouped as a Korean mobile number is written (010-1234-5678)."""
    if len(digits) <= 3:
        return digits
    if len(digits) <= 7:
        return f"{digits[:3]}-{digits[3:]}"
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


def spoken(digits: str) -> str:
    """Digit by digit, for the voice guide (a number read as one figure cannot be checked)."""
    return " ".join(digits)


class PhoneStep:
    """The state of the step: the typed digits, a registration on its way, its outcome."""

    def __init__(self, client: Any, device: str) -> None:
        self.client, self.device = client, device
        self.digits = ""
        self.outcome: str | None = None  # a key of OUTCOMES once the notifier answered
        self.last4: str | None = None
        self.sending = False
        self.results: queues.Queue[tuple[int, str, str | None]] = queues.Queue()
        self.faults = 0
        self.visit = 0  # bumped by clear(): an answer for an earlier visitor is dropped, not shown

    def clear(self) -> None:
        """Forget the number (the step closed, or the kiosk went back to the start)."""
        self.digits, self.outcome, self.last4 = "", None, None
        self.sending = False
        self.visit += 1

    def type(self, digit: int) -> None:
        if self.sending or self.outcome not in (None, "invalid_phone"):
            return
        if self.outcome == "invalid_phone":  # typing again starts a fresh number
            self.digits, self.outcome = "", None
        if len(self.digits) < MAX_DIGITS:
            self.digits += str(digit)

    def delete(self) -> None:
        if not self.sending and self.outcome in (None, "invalid_phone"):
            self.digits, self.outcome = self.digits[:-1], None

    @property
    def finished(self) -> bool:
        """The notifier answered with something other than "ask again"."""
        return self.outcome is not None and self.outcome != "invalid_phone"

    def submit(self, token: str, language: str) -> bool:
        """Send the number to the notifier on a worker thread; False when there is nothing to send."""
        if self.sending or not self.digits or self.finished:
            return False
        self.sending, self.outcome = True, None
        threading.Thread(
            target=self._register, args=(self.visit, self.digits, token, language), daemon=True, name="kiosk-notify"
        ).start()
        return True

    def _register(self, visit: int, phone: str, token: str, language: str) -> None:
        outcome, last4 = "timeout", None
        try:
            reply = self.client.ask(
                NOTIFY_REGISTER,
                to="notify",
                command_id=f"{self.device}-notify-{uuid.uuid4().hex[:12]}",
                timeout=5.0,
                token=token,
                phone=phone,
                language=language,
                consent=True,
            )
            if reply.status == "ok":
                channels = reply.result()
                if channels.sms.on:
                    outcome, last4 = "registered", channels.sms.last4
                else:
                    outcome = "channel_off"
            else:
                code = reply.error.code if reply.error else "timeout"
                outcome = code if code in OUTCOMES else "timeout"
                # The code only: the number never goes to a log.
                log.info("notify_register refused: %s", code)
        except Exception as err:  # noqa: BLE001 - a thread that died would leave the screen "sending"
            self.faults += 1
            log.error("notify_register failed (%s: %s)", type(err).__name__, p.brief(str(err)))
        self.results.put((visit, outcome, last4))

    def poll(self) -> bool:
        """Take in the notifier's answer (the screen loop); True when one arrived."""
        try:
            visit, outcome, last4 = self.results.get_nowait()
        except queues.Empty:
            return False
        if visit != self.visit:  # the step was closed meanwhile (cancel, reset): not this visitor's
            return False
        self.sending, self.outcome, self.last4 = False, outcome, last4
        if outcome == "registered":
            self.digits = self.digits[:3] + self.digits[-4:]  # keep only what the screen may show
        return True

    def message(self, language: str) -> str | None:
        """The outcome as the sentence the visitor reads and hears."""
        if self.outcome is None:
            return t("phone_sending", language) if self.sending else None
        return t(OUTCOMES[self.outcome], language, masked=masked(self.digits, self.last4))

    def speech(self, language: str) -> list[tuple[str, str]]:
        """What the voice guide says for the step as it stands."""
        lines: list[tuple[str, str]] = []
        said = self.message(language)
        if said:
            lines.append((said, language))
        if self.finished:
            lines.append((t("touch_return", language), language))
            return lines
        if self.outcome is None and not self.sending:
            lines.append((t("phone_title", language), language))
            lines.append((t("phone_consent", language), language))
        if self.digits:  # also while sending: the visitor hears what was sent
            lines.append((t("say_phone_number", language, digits=spoken(self.digits)), language))
        elif not self.sending:
            lines.append((t("say_phone_empty", language), language))
        return lines


def draw(
    p: Painter,
    step: PhoneStep,
    look: Look,
    *,
    staff_called: bool = False,
) -> list[Target]:
    """The phone-number screen: the purpose and consent line, the number, a large digit pad with
    지우기, 취소 and 확인 (all within reach in low-position mode); or the notifier's answer."""
    language, large, low, focus = look.language, look.large, look.low, look.focus
    th, u, m = _prepare(p, look)
    w, h = p.surface.get_size()
    bottom, targets = help_bar(p, look, u, staff_called=staff_called)
    bh = row_height(p, u, th)
    message = step.message(language)
    if step.finished:  # the answer, and 처음으로
        home_rect = (w // 4, bottom - bh - u, w // 2, bh)
        home = t("home", language)
        button(p, home_rect, home, language, _size(p, u, 1.6, th), th, on=True, focus=focus == ("home",))
        answer: list[Line] = [(message or "", language, _size(p, u, 2.2, th), th.card_text)]
        stack(p, (0, h // 6, w, home_rect[1] - h // 6 - u), answer, pad=2 * u)
        return [(home_rect, ("home",)), *targets]
    gap = u // 2
    # The pad: 4 rows of digits and one of 취소/확인, as tall as the space allows up to a generous key.
    # Portrait: under the text; landscape: beside it, on the right (the text keeps the left half).
    wide = w >= h * 1.2
    region_x, region_w = (w // 2, w - w // 2) if wide else (0, w)
    pad_rows = 5
    key_h = max(bh, int(u * 5 * th.scale))
    pad_top_limit = m.reach_top if low else 0
    text_bottom_min = u if wide else int(h * 0.25)
    pad_h = min(pad_rows * (key_h + gap), bottom - gap - max(pad_top_limit, text_bottom_min))
    key_h = pad_h // pad_rows - gap
    pad_w = min(region_w - 2 * u, int(key_h * 3 * 1.8))
    pad_top = bottom - gap - pad_rows * (key_h + gap)
    x0 = region_x + (region_w - pad_w) // 2
    key_w = (pad_w - 2 * gap) // 3
    size = _size(p, u, 2.0, th)
    layout: list[list[tuple[str, tuple]]] = [
        [("1", ("phone_digit", 1)), ("2", ("phone_digit", 2)), ("3", ("phone_digit", 3))],
        [("4", ("phone_digit", 4)), ("5", ("phone_digit", 5)), ("6", ("phone_digit", 6))],
        [("7", ("phone_digit", 7)), ("8", ("phone_digit", 8)), ("9", ("phone_digit", 9))],
        [(t("phone_delete", language), ("phone_delete",)), ("0", ("phone_digit", 0)), ("", ())],
    ]
    pad: list[Target] = []
    for r, row in enumerate(layout):
        for c, (label, action) in enumerate(row):
            if not action:
                continue
            rect = (x0 + c * (key_w + gap), pad_top + r * (key_h + gap), key_w, key_h)
            lang = language if action == ("phone_delete",) else "en"
            text_size = size if lang == "en" else _size(p, u, 1.4, th)
            button(p, rect, label, lang, text_size, th, on=False, focus=focus == action)
            pad.append((rect, action))
    last_top = pad_top + 4 * (key_h + gap)
    half = (pad_w - gap) // 2
    cancel_rect = (x0, last_top, half, key_h)
    ok_rect = (x0 + half + gap, last_top, half, key_h)
    label_size = _size(p, u, 1.6, th)
    cancel = t("phone_cancel", language)
    button(p, cancel_rect, cancel, language, label_size, th, on=False, focus=focus == ("phone_cancel",))
    button(p, ok_rect, t("ok", language), language, label_size, th, on=True, focus=focus == ("phone_ok",))
    pad += [(ok_rect, ("phone_ok",)), (cancel_rect, ("phone_cancel",))]
    # Above the pad (beside it, landscape): what the step is for, the consent line, the number
    # (or the answer to fix it).
    text_x, text_w = (u, w // 2 - 2 * u) if wide else (0, w)
    area = (bottom - u) if wide else pad_top - u
    number_h = int(_size(p, u, 3.0, th) * 1.6)
    lines: list[Line] = [
        (t("phone_title", language), language, _size(p, u, 2.0, th), th.card_text),
        (t("phone_consent", language), language, _size(p, u, 1.3, th), th.muted),
    ]
    if message:
        lines.append((message, language, _size(p, u, 1.4, th), th.closed_text if not large else th.warning))
    stack(p, (text_x, u // 2, text_w, max(u, area - number_h - u)), lines, pad=u)
    box = (text_x + u // 2, area - number_h, text_w - u, number_h) if wide else (x0, area - number_h, pad_w, number_h)
    p.box(box, th.card, radius=u // 2)
    p.box(box, th.edge, radius=u // 2, width=2)
    if step.digits:
        stack(p, box, [(shown(step.digits), "en", _size(p, u, 3.0, th), th.card_text)], pad=u // 2)
    return pad + targets


__all__ = ["OUTCOMES", "PhoneStep", "draw", "masked", "shown", "spoken"]
