"""The kiosk's behaviour: taps and keypad keys become tickets, printed, with every failure shown
plainly and, in voice mode, spoken.

start → (language, large text, priority, low position) → printing → done → back to start.
The hub call and the printer run on a worker thread so the screen never freezes; a tap while
a ticket is on its way does nothing, and a retry reuses the command id, so a visitor gets one
ticket however often the screen is touched or the network hiccups.

No screen resets by itself without first showing and saying 계속하시겠습니까? (any key or touch
extends it); voice mode doubles every wait; a ticket that did not print stays until 확인.
"""

from __future__ import annotations

import logging
import queue as queues
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hardware import waiting
from hardware.printer import PrinterError, PrinterStatus
from hardware.screen import Screen
from kiosk import check_in, guide, phone_step, screens
from kiosk.keypad import Key, KeyReader, Scan
from kiosk.mounting import Mounting, mounting
from kiosk.text import LANGUAGES, t
from kiosk.ticket import TicketContent, qr_image, render
from wire import protocol as p
from wire.client import HubClient
from wire.config import HallConfig, ScreenMounting
from wire.hall import Hall

log = logging.getLogger("sunbeon.kiosk")
# The printer's state as the alert code the hall board and console translate (DeviceStatus.reason).
_REASONS = {
    PrinterStatus.PAPER_OUT: "paper_out",
    PrinterStatus.PAPER_LOW: "paper_low",
    PrinterStatus.COVER_OPEN: "cover_open",
    PrinterStatus.OFFLINE: "printer_offline",
}
DONE_SECONDS = 10.0  # the number stays on screen this long before 계속하시겠습니까?
IDLE_SECONDS = 45.0  # a start screen the visitor changed (language, large text …) asks after this
ASK_SECONDS = 20.0  # 계속하시겠습니까? waits this long for any key or touch
VOICE_FACTOR = 2.5  # in voice mode every wait is this much longer (listening takes time)
VOLUME_STEP = 25
# Keypad focus order: the tasks first (what most visitors came for), then the settings.
FOCUS_ORDER = (
    *("service", "priority", "booking", "code_char", "code_erase", "code_check", "walk_in"),  # 예약 확인: issue 15
    *("ok", "home", "continue", "language", "large", "voice", "low", "staff"),
)
TAP_GAP = 1.5  # seconds between two tickets from one kiosk (a stuck screen prints no stream)
HEALTH_SECONDS = 30.0  # how often an idle kiosk asks its printer how it is
RETRIES = 2  # extra tries of one issue (same id) when the hub does not answer in time


@dataclass
class Result:
    """What the worker brings back from one tap."""

    reply: p.Reply[Any]  # IssueReply (issue, check-in) or ConfirmReply (a remote ticket's arrival code)
    printed: bool
    printer_status: PrinterStatus | None


class Kiosk:
    """One kiosk: its screen, its connection to the hub, its printer."""

    def __init__(
        self,
        hall: Hall | HallConfig | None,
        device: str,
        client: HubClient,
        printer: Any,
        screen: Screen,
        *,
        width: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        voice: Any = None,
        mount: ScreenMounting | None = None,
        notify: bool | None = None,
    ) -> None:
        # 문자로 알림 받기 only where the hall runs a notifier that sends SMS/알림톡: said by the hall's
        # description (sms_notices), unless the caller decides; a channel_off answer stops it until restart.
        self._notify, self._notify_refused = notify, False
        self.phone = phone_step.PhoneStep(client, device)
        if isinstance(hall, HallConfig):  # the hall's whole file (demo, tests): its public hall, our printer
            entry = hall.device(device)
            width = width or (entry.printer.width if entry and entry.printer else None)
            mount = mount or (entry.screen if entry else None)
            hall = hall.hall.public()
        # None when run from the device's own file: the hub's description fills it (and follows changes).
        self.hall: Hall | None = hall or client.hall
        self.device, self.client, self.printer, self.screen = device, client, printer, screen
        self.clock, self.wall = clock, wall
        self.width = width or printer.width  # the printer model's dots a line (hardware/printer.py profiles)
        # The screen's mounting (its own hardware: the device entry), for the reach and text-size rules.
        self.mount: Mounting = mounting(mount, (screen.width, screen.height))
        self.guide = voice  # hardware.voice.Guide (or a fake); None: a kiosk without sound
        self.keys = KeyReader()
        self.mode = "start"
        self.language, self.large, self.priority = "ko", False, False
        self.low = False  # low-position mode: every control below 120 cm
        self.voice_on = False  # 음성 안내
        self.focus: tuple | None = None  # the control the keypad has reached
        self.asking_since: float | None = None  # 계속하시겠습니까? on screen since
        self.staff_asking = False  # a help request on its way to the hub
        self.ticket: p.IssueReply | None = None
        self.printed = False
        self.problem_key = ""
        self.targets: list[screens.Target] = []
        self.results: queues.Queue[Result] = queues.Queue()
        self.changed_at = clock()
        self.last_issue = -TAP_GAP
        self.last_health = clock()
        self.printer_problem: str | None = None
        self.dirty = True
        self.frame = 0
        self.frame_second = 0
        self.faults = 0  # input events that raised (logged; the kiosk goes on)
        self.simulator: Any = None  # kiosk.simulate.Visitors in the demo
        # 예약 확인 (issue 15, kiosk/check_in.py): the code typed so far, whether the job on the
        # worker is a check-in, and a refusal's line and walk-in offers.
        self.code = ""
        self.checking = False
        self.refusal = ""
        self.offers: list[str] = []
        # A remote ticket's arrival code on its way (op `confirm`), and what the hub said of it.
        self.confirming = False
        self.arrived: p.ConfirmReply | None = None
        client.on_snapshot(lambda _: self._touch())
        client.on_status(self._touch)
        client.on_hall(self._on_hall)

    @property
    def notify_offered(self) -> bool:
        """Whether the done screen offers 문자로 알림 받기 now."""
        if self._notify_refused:
            return False
        if self._notify is not None:
            return self._notify
        return self.hall is not None and self.hall.sms_notices

    def _touch(self) -> None:
        self.dirty = True

    def _on_hall(self, hall: Hall) -> None:
        # paho's thread: one reference swapped, the screen loop draws from it next frame.
        self.hall = hall
        self.dirty = True

    # --- input -----------------------------------------------------------------------------

    def tap(self, x: int, y: int) -> None:
        """A finger or a click at (x, y)."""
        if self.asking_since is not None:
            self._extend()  # any touch answers 계속하시겠습니까?
            return
        for (rx, ry, rw, rh), action in self.targets:
            if rx <= x < rx + rw and ry <= y < ry + rh:
                self._act(action)
                return

    def key(self, event: Key | Scan) -> None:
        """One keypad command or scanned code."""
        self.changed_at = self.clock()
        self.dirty = True
        if isinstance(event, Scan):
            self._scanned(event.code)
            return
        if self.asking_since is not None:
            self._extend()
            return
        if not self.voice_on:  # the first key starts the voice guidance (and does nothing else but 직원 호출)
            self.voice_on = True
            self._speak_screen()
            if event.command == "staff":
                self._act(("staff",))
            return
        command = event.command
        if (self.mode == "phone" and self._phone_key(command)) or (self.mode == "code" and self._code_key(command)):
            return
        if command.startswith("digit:"):
            self._digit(int(command.split(":")[1]))
        elif command in ("prev", "next"):
            self._move(-1 if command == "prev" else 1)
        elif command == "ok":
            if self.focus is not None and any(a == self.focus for _, a in self.targets):
                self._act(self.focus)
            elif self.mode in ("done", "problem", "refused", "arrived"):
                self._act(("ok",) if self.mode == "done" and not self.printed else ("home",))
        elif command == "back":
            if self.mode == "done" and not self.printed:
                self._act(("ok",))
            elif self.mode != "printing":
                self._home()
                self._speak_screen()
        elif command == "help":
            self._speak_screen()
        elif command in ("louder", "quieter") and self.guide is not None:
            volume = self.guide.louder(VOLUME_STEP if command == "louder" else -VOLUME_STEP)
            self._say([(t("say_volume", self.language, n=volume // VOLUME_STEP), self.language)])
        elif command == "speed" and self.guide is not None:
            speed = self.guide.next_speed()
            name = "rate_slow" if speed < 150 else "rate_normal" if speed == 150 else "rate_fast"
            self._say([(t("say_rate", self.language, name=t(name, self.language)), self.language)])
        elif command == "staff":
            self._act(("staff",))

    def _digit(self, n: int) -> None:
        if self.mode != "start":
            return
        if n == 0 and self._booking_offered:
            self.focus = ("booking",)
            self._act(("booking",))
            return
        numbered = guide.cards(self.client.snapshot)
        if 1 <= n <= len(numbered):
            action = numbered[n - 1]
            if action[0] == "service" and not any(a == action for _, a in self.targets):
                self._say(guide.item(action, self.client.snapshot, self.language))  # closed: say so
                return
            self.focus = action
            self._act(action)

    def _focusable(self) -> list[tuple]:
        unique = list(dict.fromkeys(a for _, a in self.targets))
        return sorted(unique, key=lambda a: FOCUS_ORDER.index(a[0]) if a[0] in FOCUS_ORDER else len(FOCUS_ORDER))

    def _move(self, step: int) -> None:
        items = self._focusable()
        if not items:
            return
        index = items.index(self.focus) if self.focus in items else (-1 if step > 0 else 0)
        self.focus = items[(index + step) % len(items)]
        self._say(guide.item(self.focus, self.client.snapshot, self.language, on=self._is_on(self.focus)))

    def _is_on(self, action: tuple) -> bool:
        return {
            ("large",): self.large,
            ("low",): self.low,
            ("voice",): self.voice_on,
            ("priority",): self.priority,
        }.get(action, False)

    def _act(self, action: tuple) -> None:
        self.changed_at = self.clock()
        self.dirty = True
        match action:
            case ("language", language):
                self.language = language
                self._say([(t("say_language", language), language)])
            case ("large",):
                self.large = not self.large
                self._say(guide.item(action, self.client.snapshot, self.language, on=self.large))
            case ("low",):
                self.low = not self.low
                self._say(guide.item(action, self.client.snapshot, self.language, on=self.low))
            case ("voice",):
                self.voice_on = not self.voice_on
                if self.voice_on:
                    self._speak_screen()
                elif self.guide is not None:
                    self.guide.say([])  # silence at once
            case ("priority",):
                self.priority = not self.priority
                self._say(guide.item(action, self.client.snapshot, self.language, on=self.priority))
            case ("staff",):
                self._call_staff()
            case ("back",) | ("home",) | ("ok",):
                self._home()
                self._speak_screen()
            case ("continue",):
                self._extend()
            case ("service", service):
                self._issue(service)
            case ("phone",) | ("phone_digit", _) | ("phone_delete",) | ("phone_ok",) | ("phone_cancel",):
                self._phone_act(action)
            case ("booking",) | ("code_char", _) | ("code_erase",) | ("code_check",) | ("walk_in", _):
                self._booking_act(action)

    def _call_staff(self) -> None:
        """직원 호출: the `help` op; the hall board, counter monitors and clerk console show 도움 요청
        until a clerk clears it (the button stays lit as long as the hub's snapshot lists this kiosk)."""
        self._say([(t("staff_called", self.language), self.language)])
        if self.staff_asking:
            return
        self.staff_asking = True
        threading.Thread(target=self._ask_help, daemon=True, name="kiosk-help").start()

    def _ask_help(self) -> None:
        try:
            command_id = f"{self.device}-help-{uuid.uuid4().hex[:8]}"
            reply = self.client.ask(p.ASK_HELP, command_id=command_id, timeout=3.0)
            if reply.status != "ok":
                log.warning("help request not taken: %s", reply.error)
        finally:
            self.staff_asking = False
            self.dirty = True

    @property
    def staff_called(self) -> bool:
        """Whether a clerk has been asked for and not yet come (lights 직원 호출)."""
        snapshot = self.client.snapshot
        listed = bool(snapshot and any(h.device == self.device for h in snapshot.help))
        return listed or self.staff_asking

    def _home(self) -> None:
        self.mode, self.ticket, self.priority, self.focus = "start", None, False, None
        self.phone.clear()  # a typed number never outlives the visitor's ticket screen
        self.asking_since = None
        self.dirty = True

    def _reset(self) -> None:
        """Nobody answered 계속하시겠습니까?: the next visitor finds the kiosk as it starts."""
        self._home()
        self.language, self.large, self.low, self.voice_on = "ko", False, False, False
        if self.guide is not None:
            self.guide.say([])

    def _extend(self) -> None:
        self.asking_since = None
        self.changed_at = self.clock()
        self.dirty = True
        self._speak_screen()

    def _wait(self, seconds: float) -> float:
        return seconds * (VOICE_FACTOR if self.voice_on else 1)

    # --- voice -----------------------------------------------------------------------------

    def _say(self, lines: list[tuple[str, str]]) -> None:
        if self.voice_on and self.guide is not None and lines:
            self.guide.say(lines)

    def _speak_screen(self) -> None:
        """Say what the screen now shows (in voice mode)."""
        language = self.language
        if self.asking_since is not None:
            left = int(self._wait(ASK_SECONDS))
            self._say(guide.still_there(language, left))
        elif self.mode == "start":
            lines = guide.start(self.client.snapshot, language, online=self.client.online)
            if self._booking_offered:  # 예약 확인 after the numbered tasks, before how the keys work
                lines.insert(len(lines) - 1, (f"0. {t('booking_card', language)}", language))
            self._say(lines)
        elif self.mode == "printing":
            self._say([(t("say_printing", language), language)])
        elif self.mode == "done" and self.ticket is not None:
            offer = [(t("say_phone_offer", language), language)] if self.notify_offered else []
            self._say(guide.done(self.ticket, language, printed=self.printed) + offer)
        elif self.mode == "problem":
            self._say([(t(self.problem_key, language), language), (t("touch_return", language), language)])
        elif self.mode == "phone":
            self._say(self.phone.speech(language))
        elif self.mode == "code":
            self._say([(t("code_title", language), language), (t("code_scan_hint", language), language)])
        elif self.mode == "refused":
            self._say([(self.refusal, language)] + [(self._offer_label(s), language) for s in self.offers])
        elif self.mode == "confirming":
            self._say([(t("confirming", language), language)])
        elif self.mode == "arrived" and self.arrived is not None and self.arrived.ticket is not None:
            self._say([(line, language) for line in self._arrived_lines()])

    # --- issuing ---------------------------------------------------------------------------

    def _issue(self, service: str) -> None:
        if self.mode != "start" or not self.client.online or self.hall is None or self.confirming:
            return
        if self.clock() - self.last_issue < TAP_GAP:
            return
        self.last_issue = self.clock()
        self.mode = "printing"
        self._speak_screen()
        offered = self.client.snapshot and (s := self.client.snapshot.service(service)) and s.priority_offered
        fields = {"service": service, "language": self.language, "priority": bool(self.priority and offered)}
        threading.Thread(target=self._work, args=(fields,), daemon=True, name="kiosk-issue").start()

    def _work(self, fields: dict) -> None:
        command_id = f"{self.device}-{uuid.uuid4().hex[:12]}"
        # The issue thread ends in a result whatever happens (a reply it cannot print, a bug): a
        # thread that died here would leave the screen on "printing" until someone restarts it.
        try:
            self._issue_and_print(fields, command_id)
        except Exception as err:  # noqa: BLE001
            self.client.faults += 1
            log.error("issue %s failed (%s: %s)", command_id, type(err).__name__, p.brief(str(err)))
            self.results.put(Result(p.Reply.fail(command_id, p.ErrorCode.INTERNAL, "no printable ticket"), False, None))

    def _issue_and_print(self, fields: dict, command_id: str, op: p.Op = p.ISSUE) -> None:
        reply = self.client.ask_retrying(op, retries=RETRIES, command_id=command_id, timeout=3.0, **fields)
        if reply.status != "ok":
            self.results.put(Result(reply, False, None))
            return
        issued = reply.result()  # an ok reply always carries its data
        content = TicketContent.from_reply(issued, self.hall.site.timezone if self.hall else "Asia/Seoul")
        try:
            status = self.printer.print_ticket(render(content, self.width))
            self.results.put(Result(reply, True, status))
        except PrinterError as err:
            log.error("ticket %s issued but not printed: %s", issued.number, err)
            self.results.put(Result(reply, False, err.status))

    def _report_printer(self, status: PrinterStatus | None) -> None:
        if status is None:
            return
        problem = (
            None
            if status in (PrinterStatus.READY, PrinterStatus.UNKNOWN)
            else f"printer: {status.value.replace('_', ' ')}"
        )
        if problem != self.printer_problem:
            self.printer_problem = problem
            self.client.set_status(
                "degraded" if problem else "online",
                problem,
                reason=None if problem is None else _REASONS.get(status, "printer_offline"),
            )

    def _health(self) -> None:
        self._report_printer(self.printer.status())

    # --- the loop --------------------------------------------------------------------------

    def step(self) -> None:
        """Take in results and timeouts, and redraw when something changed."""
        now = self.clock()
        if self.simulator is not None:
            self.simulator.step(self, now)
        try:
            result = self.results.get_nowait()
        except queues.Empty:
            result = None
        if result is not None:
            self._finish(result)
        if self.phone.poll():
            self.changed_at, self.dirty = now, True
            if self.phone.outcome == "channel_off":  # the hall sends no SMS now: stop offering it
                self._notify_refused = True
            self._speak_screen()
        for event in self.keys.poll(now):
            self.key(event)
        self._timeouts(now)
        if self.mode == "start" and now - self.last_health > HEALTH_SECONDS:
            self.last_health = now
            threading.Thread(target=self._health, daemon=True, name="printer-health").start()
        if self.mode == "printing":
            self.frame += 1
            self.dirty = self.dirty or self.frame % 10 == 0
        if self.dirty:
            self.draw()

    def _timeouts(self, now: float) -> None:
        """Ask before any screen goes back by itself; go back only when nobody answered."""
        if self.asking_since is not None:
            if now - self.asking_since > self._wait(ASK_SECONDS):
                self._reset()
            elif self.frame_second != int(now - self.asking_since):
                self.frame_second = int(now - self.asking_since)
                self.dirty = True  # the countdown
            return
        changed = self.language != "ko" or self.large or self.low or self.voice_on or self.priority
        waits = {
            "done": DONE_SECONDS if self.printed else None,  # not printed: stays until 확인
            "problem": DONE_SECONDS,
            "phone": IDLE_SECONDS,  # a half-typed number is not left for the next visitor
            "refused": DONE_SECONDS * 2,  # a sentence to read and a choice to make
            "code": IDLE_SECONDS,
            "arrived": DONE_SECONDS,
            "start": IDLE_SECONDS if changed else None,
        }
        limit = waits.get(self.mode)
        if limit is not None and now - self.changed_at > self._wait(limit):
            self.asking_since = now
            self.frame_second = 0
            self.dirty = True
            self._speak_screen()

    def _finish(self, result: Result) -> None:
        self.changed_at = self.clock()
        self._report_printer(result.printer_status)
        reply = result.reply
        checking, self.checking = self.checking, False
        if self.confirming:
            self._arrival(reply)
            return
        if checking and reply.status != "ok" and reply.error and reply.error.code in check_in.REFUSALS:
            self._refused(reply.error.code)
            return
        if reply.status == "ok":
            self.mode, self.ticket, self.printed = "done", reply.result(), result.printed
            self.focus = None
        else:
            code = reply.error.code if reply.error else "internal"
            self.mode = "problem"
            self.problem_key = {"rate_limited": "slow_down", "service_closed": "not_open", "timeout": "offline"}.get(
                code, "failed"
            )
            log.warning("no ticket: %s", reply.error)
        self.dirty = True
        self._speak_screen()

    def draw(self) -> None:
        """Draw the current screen."""
        # Cleared first: a change that lands while drawing (from paho's thread) asks for another frame.
        self.dirty = False
        p = self.screen.painter
        look: dict[str, Any] = {"language": self.language, "large": self.large, "low": self.low, "mount": self.mount}
        if self.hall is None:  # run from its device file, before the hub has described the hall
            waiting.draw(p, [(lang, t("waiting_title", lang), t("waiting_body", lang)) for lang in LANGUAGES])
            self.targets = []
        elif self.asking_since is not None:
            left = max(0, int(self._wait(ASK_SECONDS) - (self.clock() - self.asking_since)))
            self.targets = screens.still_there(p, left, voice=self.voice_on, focus=self.focus, **look)
        elif self.mode == "start":
            self.targets = screens.start(
                p,
                self.client.snapshot,
                priority=self.priority,
                online=self.client.online,
                now=self.wall(),
                tz=self.hall.site.timezone,
                voice=self.voice_on,
                focus=self.focus,
                staff_called=self.staff_called,
                booking=self._booking_offered,
                **look,
            )
        elif self.mode == "printing":
            self.targets = screens.printing(p, frame=self.frame // 10, voice=self.voice_on, **look)
        elif self.mode == "done" and self.ticket is not None:
            self.targets = screens.done(
                p,
                self.ticket,
                self._qr(self.ticket.url),
                printed=self.printed,
                voice=self.voice_on,
                focus=self.focus,
                staff_called=self.staff_called,
                offer=t("phone_offer", self.language) if self.notify_offered else None,
                **look,
            )
        elif self.mode in SCREENS:
            # The screens that take one Look (the visitor's settings and the mounting): a table.
            self.targets = SCREENS[self.mode](self, p, screens.Look(**look, voice=self.voice_on, focus=self.focus))
        else:
            view = screens.Look(**look, voice=self.voice_on, focus=self.focus)
            self.targets = screens.problem(p, self.problem_key, view, staff_called=self.staff_called)
        self.screen.show()

    # --- 문자로 알림 받기 (kiosk/phone_step.py) -------------------------------------------------

    def _phone_act(self, action: tuple) -> None:
        """A tap (or keypad OK) on the phone step's controls, or the done screen's offer."""
        match action:
            case ("phone",) if self.mode == "done" and self.ticket is not None and self.notify_offered:
                self.phone.clear()
                self.mode, self.focus = "phone", None
            case ("phone_digit", digit) if self.mode == "phone":
                self.phone.type(digit)
                self._say_digit(str(digit))
                return
            case ("phone_delete",) if self.mode == "phone":
                self.phone.delete()
                self._say(self.phone.speech(self.language)[-1:])  # the number as it now stands
                return
            case ("phone_ok",) if self.mode == "phone" and self.ticket is not None:
                self.phone.submit(self.ticket.token, self.language)
            case ("phone_cancel",) if self.mode == "phone":
                self.phone.clear()
                self.mode, self.focus = "done", None
            case _:
                return
        self._speak_screen()

    def _say_digit(self, digit: str) -> None:
        # Each digit is said back at once; the whole number on 도움말 and before it is sent.
        self._say([(digit, self.language)])

    def _phone_key(self, command: str) -> bool:
        """The physical keypad on the phone step: digits type, 뒤로 deletes (cancels when empty),
        OK confirms unless the focus is on another control. False: the kiosk's usual handling."""
        if self.phone.finished:  # the answer is on screen: OK/뒤로 go home as on any message
            if command in ("ok", "back") and self.focus is None:
                self._act(("home",))
                return True
            return False
        if command.startswith("digit:"):
            self._phone_act(("phone_digit", int(command.split(":")[1])))
        elif command == "back":
            self._phone_act(("phone_delete",) if self.phone.digits else ("phone_cancel",))
        elif command == "ok" and (self.focus is None or not any(a == self.focus for _, a in self.targets)):
            self._phone_act(("phone_ok",))
        else:
            return False
        return True

    # --- 예약 확인 (issue 15): scanned or typed booking code → CHECK_IN → a 예약 ticket ------------

    @property
    def _booking_offered(self) -> bool:
        """The code screen is offered: the hall takes bookings or gives remote tickets."""
        return self.client.online and (bool(check_in.bookable(self.hall)) or check_in.remote_offered(self.hall))

    def _scanned(self, text: str) -> None:
        """A scanner's burst: a booking code checks in, an arrival code confirms a remote ticket, from
        the start, code, refusal, problem or confirmed screen."""
        if self.mode not in ("start", "code", "refused", "problem", "arrived") or self.asking_since is not None:
            log.info("scan ignored on the %s screen (%d characters)", self.mode, len(text))
            return
        code = check_in.code_of(text)
        if code is None or not self._booking_offered:
            log.info("scanned code not used here (%d characters)", len(text))
            self.mode, self.problem_key = "problem", "scan_unknown"
            self._speak_screen()
            return
        self._check_code(code)

    def _code_key(self, command: str) -> bool:
        """A keypad key on the code screen: digits type (2–9 are code symbols), 뒤로 erases.
        Returns whether the key was used here."""
        if command.startswith("digit:"):
            self._booking_act(("code_char", command.split(":")[1]))
            return True
        if command == "back" and self.code:
            self._booking_act(("code_erase",))
            return True
        if command == "ok" and (self.focus is None or not any(a == self.focus for _, a in self.targets)):
            self._booking_act(("code_check",))
            return True
        return False

    def _booking_act(self, action: tuple) -> None:
        match action:
            case ("booking",) if self.mode == "start" and self._booking_offered:
                self.mode, self.code, self.focus = "code", "", None
                self._speak_screen()
            case ("code_char", ch) if self.mode == "code" and ch in check_in.CODE_ALPHABET:
                if len(self.code) < check_in.CODE_LENGTH:
                    self.code += ch
                self._say([(" ".join(ch), "en")])
            case ("code_erase",) if self.mode == "code":
                self.code = self.code[:-1]
            case ("code_check",) if self.mode == "code":
                code = check_in.code_of(self.code)
                if code is None:
                    self._say([(t("code_title", self.language), self.language)])
                else:
                    self._check_code(code)
            case ("walk_in", service) if self.mode == "refused" and service in self.offers:
                self._home()
                self._issue(service)

    def _check_code(self, code: str) -> None:
        """An eight-symbol booking code checks in; a six-symbol arrival code confirms a remote ticket."""
        if check_in.is_arrival_code(code):
            self._confirm(code)
        else:
            self._check_in(code)

    def _confirm(self, code: str) -> None:
        if not self.client.online or self.hall is None or self.confirming or self.checking:
            return
        self.mode, self.confirming, self.focus, self.code = "confirming", True, None, ""
        self._speak_screen()
        threading.Thread(target=self._confirm_work, args=(code,), daemon=True, name="kiosk-confirm").start()

    def _confirm_work(self, code: str) -> None:
        command_id = f"{self.device}-cf-{uuid.uuid4().hex[:12]}"
        try:
            reply = self.client.ask_retrying(p.CONFIRM, retries=RETRIES, command_id=command_id, timeout=3.0, code=code)
        except Exception as err:  # noqa: BLE001 - the screen must leave "confirming" whatever happens
            self.client.faults += 1
            log.error("confirm %s failed (%s: %s)", command_id, type(err).__name__, p.brief(str(err)))
            reply = p.Reply.fail(command_id, p.ErrorCode.INTERNAL, "no answer to the arrival code")
        self.results.put(Result(reply, False, None))

    def _arrival(self, reply: p.Reply[Any]) -> None:
        """The hub's answer to an arrival code: the confirmed screen, a refusal sentence, or a problem."""
        self.confirming, self.focus = False, None
        if reply.status == "ok" and reply.data is not None and reply.data.ticket is not None:
            self.mode, self.arrived = "arrived", reply.data
            log.info("remote ticket %s confirmed (%d ahead)", reply.data.ticket.number, reply.data.ahead)
        elif reply.error is not None and reply.error.code in check_in.CONFIRM_REFUSALS:
            self.mode, self.offers = "refused", []
            self.refusal = check_in.refusal_line(reply.error.code, self.language, self.hall, arrival=True)
            log.info("arrival code refused: %s", reply.error.code)
        else:
            self.mode = "problem"
            code = reply.error.code if reply.error else "internal"
            self.problem_key = {"rate_limited": "slow_down", "timeout": "offline"}.get(code, "failed")
            log.warning("arrival code not confirmed: %s", reply.error)
        self.dirty = True
        self._speak_screen()

    def _arrived_lines(self) -> list[str]:
        arrived = self.arrived
        assert arrived is not None and arrived.ticket is not None
        return check_in.confirmed_lines(arrived.ticket.number, arrived.ahead, arrived.ticket.state, self.language)

    def _check_in(self, code: str) -> None:
        if not self.client.online or self.hall is None or self.confirming:
            return
        self.mode, self.checking, self.focus = "printing", True, None
        self._speak_screen()
        fields = {"code": code}
        threading.Thread(target=self._check_in_work, args=(fields,), daemon=True, name="kiosk-check-in").start()

    def _check_in_work(self, fields: dict) -> None:
        command_id = f"{self.device}-in-{uuid.uuid4().hex[:12]}"
        try:
            self._issue_and_print(fields, command_id, p.CHECK_IN)
        except Exception as err:  # noqa: BLE001 - the screen must leave "printing" whatever happens
            self.client.faults += 1
            log.error("check-in %s failed (%s: %s)", command_id, type(err).__name__, p.brief(str(err)))
            self.results.put(Result(p.Reply.fail(command_id, p.ErrorCode.INTERNAL, "no printable ticket"), False, None))

    def _refused(self, code: str) -> None:
        self.mode, self.focus, self.code = "refused", None, ""
        self.refusal = check_in.refusal_line(code, self.language, self.hall)
        snapshot = self.client.snapshot
        open_now = {s.id for s in snapshot.services if s.status != "closed"} if snapshot else set()
        offer = code in check_in.OFFER_WALK_IN
        self.offers = [s for s in check_in.bookable(self.hall) if s in open_now] if offer else []
        log.info("check-in refused: %s", code)
        self.dirty = True
        self._speak_screen()

    def _service_name(self, service: str) -> str:
        for s in self.hall.services if self.hall else []:
            if s.id == service:
                names = s.name.all()
                return names.get(self.language) or names["ko"]
        return service

    def _offer_label(self, service: str) -> str:
        return t("walk_in_offer", self.language, service=self._service_name(service))

    def _qr(self, url: str) -> Any:
        import pygame

        size = min(self.screen.width, self.screen.height) // 4
        image = qr_image(url, size).convert("RGB")
        return pygame.image.frombytes(image.tobytes(), image.size, "RGB")

    def handle(self, event: Any) -> None:
        """One pygame event: a touch, a click, or a key of the keypad (or a scanner's typing).
        Never raises: a device that sends something odd costs that event, not the kiosk."""
        try:
            self._handle(event)
        except Exception as err:  # noqa: BLE001 - the event loop must go on
            self.faults += 1
            log.error("event %s not handled (%s: %s)", repr(event)[:200], type(err).__name__, str(err)[:200])

    def _handle(self, event: Any) -> None:
        import pygame

        if event.type == pygame.KEYDOWN:
            name = pygame.key.name(event.key)
            for command in self.keys.feed(name, getattr(event, "unicode", "") or "", self.clock()):
                self.key(command)
        elif event.type == pygame.FINGERDOWN:
            self.tap(int(event.x * self.screen.width), int(event.y * self.screen.height))
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not getattr(event, "touch", False):
            # A touch also arrives as a synthetic mouse click (touch=True): count it once.
            self.tap(*event.pos)

    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set or the window is closed."""
        self.screen.run(self.handle, self.step, stop, fps=30)


def _arrived(k: Kiosk, p: Any, look: screens.Look) -> list[screens.Target]:
    if k.arrived is None or k.arrived.ticket is None:  # never without its reply: a plain failure then
        return screens.problem(p, "failed", look, staff_called=k.staff_called)
    return check_in.confirmed(p, k.arrived.ticket.number, k._arrived_lines(), look, staff_called=k.staff_called)


# Mode → its screen, for the screens drawn from one Look (start, printing and done still take their
# own keywords: their callers outside the kiosk, README pictures and the layout matrix, use them).
SCREENS: dict[str, Callable[[Kiosk, Any, screens.Look], list[screens.Target]]] = {
    "phone": lambda k, p, look: phone_step.draw(p, k.phone, look, staff_called=k.staff_called),
    "code": lambda k, p, look: check_in.code_entry(p, k.code, look, staff_called=k.staff_called),
    "confirming": lambda k, p, look: check_in.refused(p, t("confirming", k.language), [], look),
    "arrived": _arrived,
    "refused": lambda k, p, look: check_in.refused(
        p, k.refusal, [(s, k._service_name(s)) for s in k.offers], look, staff_called=k.staff_called
    ),
}
