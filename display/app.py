"""The displays' behaviour: driven only by the retained snapshot and call events.

Counter mode: the monitor above a counter, plus its buttons — NEXT (hold: pause/resume),
RECALL, NO-SHOW — and an LED lit while a call is fresh. Hall mode: the board and the voice.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from display import screens
from display.announce import Announcer
from display.words import DISPLAY
from hardware import waiting
from hardware.screen import Screen
from wire import calendar_text
from wire import protocol as p
from wire.client import HubClient
from wire.config import HallConfig
from wire.hall import Hall
from wire.i18n import LANGUAGES

log = logging.getLogger("sunbeon.display")
FLASH_SECONDS = 5.0  # a new call blinks this long
LED_SECONDS = 10.0  # the counter's LED stays lit this long after a call
RETRIES = 2  # extra tries of one press (same id) when the hub does not answer in time

# What a press's reply leaves on the monitor. "Nobody waiting" is not among them: the screen says
# it from the snapshot, so it cannot outlive the next ticket (it used to stay beside "대기 1명").
NOTICES = {
    "not_serving": "호출 중인 번호가 없습니다 · No one called",
    "timeout": "응답이 없습니다 · No answer from the hall system",
    "storage_unavailable": "잠시 후 다시 눌러 주십시오 · Please try again shortly",
    "invalid_state": "처리할 요청이 없습니다 · Nothing to do",
}
NOTICE_OTHER = "처리하지 못했습니다 · Could not be done"  # the reply's own words go to the log


def waiting_lines(title: str, body: str | None = None) -> list[tuple[str, str, str | None]]:
    """A waiting screen's lines in every language of the hall, Korean first."""
    return [(lang, DISPLAY.t(title, lang), DISPLAY.t(body, lang) if body else None) for lang in LANGUAGES]


class CounterControls:
    """A counter's commands. Each press gets one command id; a retry after a timeout reuses it,
    so a bounce or a lost reply never calls two visitors or skips one."""

    def __init__(self, client: HubClient, counter: str, on_result: Callable[[str, p.Reply], None]) -> None:
        self.client, self.counter, self.on_result = client, counter, on_result

    def send(self, op: str) -> threading.Thread:
        """Send `op` for this counter on a worker thread (never blocks a button's thread)."""
        thread = threading.Thread(target=self._send, args=(op,), daemon=True, name=f"press-{op}")
        thread.start()
        return thread

    def _send(self, op: str) -> None:
        command_id = f"{self.client.device}-{op}-{uuid.uuid4().hex[:10]}"
        fields = {} if op == "help_done" else {"counter": self.counter}  # a help request is the kiosk's, not ours
        reply = self.client.request_retrying(op, retries=RETRIES, command_id=command_id, timeout=2.0, **fields)
        if reply.status != "ok":
            log.warning("%s at counter %s: %s", op, self.counter, reply.error)
        self.on_result(op, reply)

    def next(self) -> None:
        """NEXT: finish the current visitor and call the next."""
        self.send("call_next")

    def toggle_pause(self) -> None:
        """NEXT held: pause an open counter, resume a paused one."""
        view = self.client.snapshot.counter(self.counter) if self.client.snapshot else None
        self.send("resume" if view is not None and view.status == "paused" else "pause")

    def recall(self) -> None:
        """RECALL: call the current number again."""
        self.send("recall")

    def no_show(self) -> None:
        """NO-SHOW: the called visitor did not come."""
        self.send("no_show")

    def help_done(self) -> None:
        """HELP: the clerk goes to the kiosk that asked first (clears its 도움 요청)."""
        self.send("help_done")


class Display:
    """One display, counter or hall."""

    def __init__(
        self,
        hall: Hall | HallConfig | None,
        client: HubClient,
        screen: Screen,
        *,
        mode: str,
        counter: str | None = None,
        announcer: Announcer | None = None,
        led: Any = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if mode not in ("counter", "hall"):
            raise ValueError(f"unknown display mode {mode!r}")
        if isinstance(hall, HallConfig):  # the hall's whole file (demo, tests): only its public hall
            hall = hall.hall.public()
        # None when run from the device's own file: the hub's description fills it (and follows changes).
        hall = hall or client.hall
        if mode == "counter" and (counter is None or (hall is not None and hall.counter(counter) is None)):
            raise ValueError(f"no counter {counter!r} in the hall's config")
        self.hall: Hall | None = hall
        self.client, self.screen, self.mode = client, screen, mode
        self.counter: str = counter or ""  # "" on the hall board, which is no counter
        self.announcer, self.led, self.clock, self.wall = announcer, led, clock, wall
        self.controls = CounterControls(client, self.counter, self._result) if mode == "counter" else None
        self.flash_until = 0.0
        self.flash_ticket: int | None = None
        self.serving: int | None = None
        self.notice: str | None = None
        self.dirty = True
        self.simulator: Any = None  # display.simulate.Clerk in the demo
        client.on_snapshot(self._on_snapshot)
        client.on_call(self._on_call)
        client.on_status(self._touch)
        client.on_hall(self._on_hall)

    def _touch(self) -> None:
        self.dirty = True

    def _on_hall(self, hall: Hall) -> None:
        # paho's thread: one reference swapped, the screen loop draws from it next frame.
        if self.mode == "counter" and hall.counter(self.counter) is None:
            log.error("the hall's description has no counter %r: this monitor shows a notice", self.counter)
        self.hall = hall
        self.dirty = True

    def _flash(self, ticket: int) -> None:
        self.flash_ticket, self.flash_until = ticket, self.clock() + FLASH_SECONDS
        if self.led is not None:
            self.led.flash_for(LED_SECONDS)

    def _on_snapshot(self, snapshot: p.Snapshot) -> None:
        if self.mode == "counter":
            view = snapshot.counter(self.counter)
            serving = view.serving.id if view and view.serving else None
            if serving is not None and serving != self.serving:
                self._flash(serving)
                self.notice = None
            self.serving = serving
        self.dirty = True

    def _on_call(self, call: p.CallEvent) -> None:
        if self.mode == "hall":
            self._flash(call.ticket)
            if self.announcer:
                self.announcer.call(call.number, call.counter, call.language, call.counter_label.get("ko"))
        elif call.counter == self.counter and call.recall:
            self._flash(call.ticket)
        self.dirty = True

    def _result(self, op: str, reply: p.Reply) -> None:
        if reply.status == "ok":
            self.notice = None
        else:
            code = reply.error.code if reply.error else "timeout"
            self.notice = NOTICES.get(code, NOTICE_OTHER)
        self.dirty = True

    def step(self) -> None:
        """Redraw when something changed, and blink while a call is fresh."""
        if self.simulator is not None and self.hall is not None:
            self.simulator.step(self, self.clock())
        flashing = self.clock() < self.flash_until
        if self.dirty or flashing:
            self.draw(blink=flashing and int(self.clock() * 2) % 2 == 0)

    def draw(self, blink: bool = False) -> None:
        """Draw the screen as of the latest snapshot."""
        # Cleared first: a change that lands while drawing (from paho's thread) asks for another frame.
        self.dirty = False
        snapshot = self.client.snapshot
        if self.hall is None:  # run from its device file, before the hub has described the hall
            waiting.draw(self.screen.painter, waiting_lines("waiting.title", "waiting.body"))
        elif self.mode == "counter" and self.hall.counter(self.counter) is None:
            waiting.draw(self.screen.painter, waiting_lines("waiting.unknown_counter"))
        elif self.mode == "counter":
            screens.counter(
                self.screen.painter, snapshot, self.counter, online=self.client.online, flash=blink, notice=self.notice
            )
        else:
            now = self.wall()
            screens.hall(
                self.screen.painter,
                snapshot,
                online=self.client.online,
                flash_call=self.flash_ticket if blink else None,
                now=now,
                tz=self.hall.site.timezone,
                # The hub's next opening knows holidays and day changes; the config's is the fallback.
                opening=calendar_text.parse(snapshot.next_opening if snapshot else None)
                or screens.next_opening(self.hall, now),
            )
        self.screen.show()

    def handle(self, event: Any) -> None:
        """One pygame event: the keyboard stands in for the buttons."""
        import pygame

        if event.type != pygame.KEYDOWN or not self.controls:
            return
        action = {
            pygame.K_n: self.controls.next,
            pygame.K_SPACE: self.controls.next,
            pygame.K_RETURN: self.controls.next,
            pygame.K_r: self.controls.recall,
            pygame.K_s: self.controls.no_show,
            pygame.K_x: self.controls.no_show,
            pygame.K_p: self.controls.toggle_pause,
            pygame.K_h: self.controls.help_done,
        }.get(event.key)
        if action:
            action()

    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set or the window is closed."""
        self.screen.run(self.handle, self.step, stop, fps=20)
