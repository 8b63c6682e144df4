"""The kiosk's behaviour: taps become tickets, printed, with every failure shown plainly.

start → (language, large text, priority) → printing → done → back to start after a while.
The hub call and the printer run on a worker thread so the screen never freezes; a tap while
a ticket is on its way does nothing, and a retry reuses the command id, so a visitor gets one
ticket however often the screen is touched or the network hiccups.
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

from hardware.printer import PrinterError, PrinterStatus
from hardware.screen import Screen
from kiosk import screens
from kiosk.ticket import TicketContent, qr_image, render
from wire import protocol as p
from wire.client import HubClient
from wire.config import HallConfig

log = logging.getLogger("sunbeon.kiosk")
# The printer's state as the alert code the hall board and console translate (DeviceStatus.reason).
_REASONS = {
    PrinterStatus.PAPER_OUT: "paper_out",
    PrinterStatus.PAPER_LOW: "paper_low",
    PrinterStatus.COVER_OPEN: "cover_open",
    PrinterStatus.OFFLINE: "printer_offline",
}
DONE_SECONDS = 10.0  # the number stays on screen this long
IDLE_SECONDS = 45.0  # a kiosk left in English or large text returns to Korean after this
TAP_GAP = 1.5  # seconds between two tickets from one kiosk (a stuck screen prints no stream)
HEALTH_SECONDS = 30.0  # how often an idle kiosk asks its printer how it is
RETRIES = 2  # extra tries of one issue (same id) when the hub does not answer in time


@dataclass
class Result:
    """What the worker brings back from one tap."""

    reply: p.Reply[p.IssueReply]
    printed: bool
    printer_status: PrinterStatus | None


class Kiosk:
    """One kiosk: its screen, its connection to the hub, its printer."""

    def __init__(
        self,
        hall: HallConfig,
        device: str,
        client: HubClient,
        printer: Any,
        screen: Screen,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.hall, self.device, self.client, self.printer, self.screen = hall, device, client, printer, screen
        self.clock, self.wall = clock, wall
        settings = hall.device(device)
        self.width = settings.printer.width if settings and settings.printer else 576
        self.mode = "start"
        self.language, self.large, self.priority = "ko", False, False
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
        self.simulator: Any = None  # kiosk.simulate.Visitors in the demo
        client.on_snapshot(lambda _: self._touch())
        client.on_status(self._touch)

    def _touch(self) -> None:
        self.dirty = True

    # --- input -----------------------------------------------------------------------------

    def tap(self, x: int, y: int) -> None:
        """A finger or a click at (x, y)."""
        for (rx, ry, rw, rh), action in self.targets:
            if rx <= x < rx + rw and ry <= y < ry + rh:
                self._act(action)
                return

    def _act(self, action: tuple) -> None:
        self.changed_at = self.clock()
        self.dirty = True
        match action:
            case ("language", language):
                self.language = language
            case ("large",):
                self.large = not self.large
            case ("priority",):
                self.priority = not self.priority
            case ("back",):
                self._home()
            case ("service", service):
                self._issue(service)

    def _home(self) -> None:
        self.mode, self.ticket, self.priority = "start", None, False
        self.dirty = True

    # --- issuing ---------------------------------------------------------------------------

    def _issue(self, service: str) -> None:
        if self.mode != "start" or not self.client.online:
            return
        if self.clock() - self.last_issue < TAP_GAP:
            return
        self.last_issue = self.clock()
        self.mode = "printing"
        offered = self.client.snapshot and (s := self.client.snapshot.service(service)) and s.priority_offered
        fields = {"service": service, "language": self.language, "priority": bool(self.priority and offered)}
        threading.Thread(target=self._work, args=(fields,), daemon=True, name="kiosk-issue").start()

    def _work(self, fields: dict) -> None:
        command_id = f"{self.device}-{uuid.uuid4().hex[:12]}"
        reply = self.client.ask(p.ISSUE, command_id=command_id, timeout=3.0, **fields)
        for _ in range(RETRIES):
            if (
                reply.status == "ok"
                or reply.error is None
                or reply.error.code != "timeout"
                or not self.client.connected.is_set()
            ):
                break
            reply = self.client.ask(p.ISSUE, command_id=command_id, timeout=3.0, **fields)
        if reply.status != "ok":
            self.results.put(Result(reply, False, None))
            return
        issued = reply.result()  # an ok reply always carries its data
        content = TicketContent.from_reply(issued, self.hall.site.timezone)
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
        if self.mode in ("done", "problem") and now - self.changed_at > DONE_SECONDS:
            self._home()
        if self.mode == "start" and (self.language != "ko" or self.large) and now - self.changed_at > IDLE_SECONDS:
            self.language, self.large = "ko", False
            self.dirty = True
        if self.mode == "start" and now - self.last_health > HEALTH_SECONDS:
            self.last_health = now
            threading.Thread(target=self._health, daemon=True, name="printer-health").start()
        if self.mode == "printing":
            self.frame += 1
            self.dirty = self.dirty or self.frame % 10 == 0
        if self.dirty:
            self.draw()

    def _finish(self, result: Result) -> None:
        self.changed_at = self.clock()
        self._report_printer(result.printer_status)
        reply = result.reply
        if reply.status == "ok":
            self.mode, self.ticket, self.printed = "done", reply.result(), result.printed
        else:
            code = reply.error.code if reply.error else "internal"
            self.mode = "problem"
            self.problem_key = {"rate_limited": "slow_down", "service_closed": "not_open", "timeout": "offline"}.get(
                code, "failed"
            )
            log.warning("no ticket: %s", reply.error)
        self.dirty = True

    def draw(self) -> None:
        """Draw the current screen."""
        # Cleared first: a change that lands while drawing (from paho's thread) asks for another frame.
        self.dirty = False
        p = self.screen.painter
        if self.mode == "start":
            self.targets = screens.start(
                p,
                self.client.snapshot,
                priority=self.priority,
                online=self.client.online,
                now=self.wall(),
                tz=self.hall.site.timezone,
                language=self.language,
                large=self.large,
            )
        elif self.mode == "printing":
            self.targets = screens.printing(p, frame=self.frame // 10, language=self.language, large=self.large)
        elif self.mode == "done" and self.ticket is not None:
            self.targets = screens.done(
                p,
                self.ticket,
                self._qr(self.ticket.url),
                printed=self.printed,
                language=self.language,
                large=self.large,
            )
        else:
            self.targets = screens.problem(p, self.problem_key, language=self.language, large=self.large)
        self.screen.show()

    def _qr(self, url: str) -> Any:
        import pygame

        size = min(self.screen.width, self.screen.height) // 4
        image = qr_image(url, size).convert("RGB")
        return pygame.image.frombytes(image.tobytes(), image.size, "RGB")

    def handle(self, event: Any) -> None:
        """One pygame event: a touch or a click."""
        import pygame

        if event.type == pygame.FINGERDOWN:
            self.tap(int(event.x * self.screen.width), int(event.y * self.screen.height))
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not getattr(event, "touch", False):
            # A touch also arrives as a synthetic mouse click (touch=True): count it once.
            self.tap(*event.pos)

    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set or the window is closed."""
        self.screen.run(self.handle, self.step, stop, fps=30)
