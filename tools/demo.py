"""`sunbeon demo`: a real hall day on one machine, each role its own process as on its own Pi.

A private Mosquitto, the hub, the web relay, the fake printer (tickets land as PNGs), kiosk-1
tapped by simulated visitors, the hall board, the monitor of counter 3 with a simulated clerk
at its buttons; more visitors at kiosk-2 and clerks at the other counters through the hub's API.
Every role runs on one virtual clock (SUNBEON_CLOCK, wire/clock.py): the day starts at 08:50 of
a weekday, runs `speed` times faster than life, opens at 09:00, has its lunch wave and closes
at 18:00; the hub measures service times in hall minutes, so estimates and the day's report
look like a real day's. Each run writes to a fresh folder; Ctrl-C stops everything in a few
seconds with a summary.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tools.broker import Broker, free_port
from wire import clock as hall_clock
from wire import config as cfg
from wire import stopping
from wire.client import HubClient

log = logging.getLogger("sunbeon.demo")
WATCHED_COUNTER = "3"  # the counter whose monitor the demo shows (its clerk presses the real buttons)
DEMO_PASSWORD = "sunbeon-demo"  # the demo's clerk console login, for every counter
OPENING = "08:50"  # a demo day starts a little before the hall opens
RUNS_KEPT = 5  # older run folders are removed
STOP_SECONDS = 2.0  # real seconds the roles get to stop before they are killed
KIOSK_TAPS_PER_SECOND = 0.3  # what one kiosk screen can take (tap, issue, render, print, show)
AFTER_CLOSE = 30 * 60  # hall seconds the day may run past closing while clerks finish


@dataclass(frozen=True)
class Plan:
    """When the demo's day starts, how fast it runs and when it ends (hall time)."""

    start: float
    speed: float
    end: float | None  # None: until Ctrl-C
    until_close: bool


def open_days(hall: cfg.HallConfig) -> set[str]:
    """The weekdays any task is open."""
    return {d for s in hall.services for d in s.hours.days}


def start_time(text: str | None, hall: cfg.HallConfig, today: date | None = None) -> datetime:
    """--start: "HH:MM", "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or empty; the date defaults to the next
    day the hall is open (today if it is), the time to 08:50."""
    tz = ZoneInfo(hall.site.timezone)
    day = today or datetime.now(tz).date()
    days = open_days(hall)
    while cfg.DAYS[day.weekday()] not in days and days:
        day += timedelta(days=1)
    when = OPENING
    text = (text or "").strip()
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}", text):
            when = text
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
        elif text:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
        hour, minute = (int(v) for v in when.split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    except ValueError:
        raise cfg.ConfigError(
            "--start", None, f"{text!r} is not a time (09:30), a date (2026-11-23) or both (2026-11-23T09:30)"
        ) from None


def duration_seconds(text: str | None) -> float | None:
    """--duration in hall time: "close" (until the hall closes; None is returned), "0" (until
    Ctrl-C; 0), or like "90m", "3h", "1h30m", "45" (minutes)."""
    text = (text or "close").strip().lower()
    if text in ("close", "closing"):
        return None
    if text in ("0", "forever", "ctrl-c"):
        return 0.0
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m?)?", text)
    if not match or not any(match.groups()):
        raise cfg.ConfigError("--duration", None, f"{text!r} is not a duration like 90m, 3h, 1h30m or close")
    return float(match.group(1) or 0) * 3600 + float(match.group(2) or 0) * 60


def closing_time(hall: cfg.HallConfig, start: datetime) -> float:
    """When the last task closes on the start's day (hall Unix time)."""
    latest = max(s.hours.close for s in hall.services)
    close = start.replace(hour=latest.hour, minute=latest.minute, second=0, microsecond=0)
    return (close if close > start else close + timedelta(days=1)).timestamp()


def demo_config(
    text: str,
    *,
    port: int,
    database: str,
    printer_port: int,
    web_port: int = 8080,
    secret: str = "web.secret",
    password_hash: str | None = None,
) -> str:
    """The hall's config made fit for a demo: a private broker and database, kiosk-1 printing to
    the fake printer, the web relay on `web_port` (and the tickets' QR codes pointing at it), a
    console login for every counter, no per-kiosk limit in the way of fast visitors. The hall's
    own hours stay: the demo's clock brings the day to them."""
    text = re.sub(r"^(\[mqtt\]\s*\n(?:#.*\n|\w+ = .*\n)*?)port = \d+", rf"\g<1>port = {port}", text, flags=re.M)
    text = re.sub(r'^database = ".*"$', f'database = "{database}"', text, flags=re.M)
    text = re.sub(r"^tickets_per_minute_per_kiosk = \d+.*$", "tickets_per_minute_per_kiosk = 600", text, flags=re.M)
    text = re.sub(r"^(\[web\]\s*\n(?:#.*\n|\w+ = .*\n)*?)port = \d+", rf"\g<1>port = {web_port}", text, flags=re.M)
    text = re.sub(r'^secret_file = ".*"', f'secret_file = "{secret}"', text, flags=re.M)
    text = re.sub(r'^public_url = ".*?"', f'public_url = "http://127.0.0.1:{web_port}"', text, flags=re.M)
    if password_hash:
        counters = re.findall(r'^\[\[counters\]\]\nid = "([^"]+)"', text, flags=re.M)
        text += "".join(f'\n[[web.clerks]]\ncounter = "{c}"\npassword_hash = "{password_hash}"\n' for c in counters)
    # kiosk-1 prints to the fake printer, whatever printer the hall gave it.
    text = re.sub(
        r'^(id = "kiosk-1"\nrole = "kiosk"\n)(?:#.*\n)*(?:printer = .*\n)?',
        rf'\g<1>printer = {{ host = "127.0.0.1", port = {printer_port} }}\n',
        text,
        flags=re.M,
    )
    return text


def fresh_folder(base: Path) -> Path:
    """A new folder for this run under `base` (older runs beyond the last few removed) and a
    `latest` link to it: one run's tickets are never counted in another's."""
    base.mkdir(parents=True, exist_ok=True)
    while True:  # milliseconds in the name: runs sort by time and never share a folder
        run = base / f"run-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')[:-3]}"
        try:
            run.mkdir()
            break
        except FileExistsError:
            time.sleep(0.002)
    for old in sorted(p for p in base.glob("run-*") if p.is_dir())[:-RUNS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    latest = base / "latest"
    if latest.is_symlink() or not latest.exists():
        latest.unlink(missing_ok=True)
        latest.symlink_to(run.name)
    return run


class Roles:
    """The role processes: each in its own session, so Ctrl-C reaches the demo alone, which then
    stops them in order (a terminal's Ctrl-C used to hit every role at once, mid-sentence)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, open(logs, "ab")  # noqa: SIM115 - the roles write to it until stop() closes it
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> None:
        """Start `sunbeon ARGS…` as the role called `name` (in messages)."""
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", *args],
            env=self.env,
            stdout=self.logs,
            stderr=self.logs,
            start_new_session=True,
        )

    def stopped(self) -> list[str]:
        """Roles that ended on their own."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.processes.items()}

    def stop(self) -> list[str]:
        """SIGTERM to all at once, then kill what is still there after STOP_SECONDS; returns the killed."""
        for p in self.processes.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        killed = []
        for name, p in self.processes.items():
            try:
                p.wait(max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                killed.append(name)
        self.logs.close()
        return killed


def _start_broker(broker: Broker) -> None:
    # Mosquitto is our child in our process group: block SIGINT while it starts so it inherits the
    # block and a Ctrl-C does not kill it under the roles that are still saying goodbye.
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        broker.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def run(
    config_path: str | Path,
    *,
    speed: float = 60.0,
    start: str | None = None,
    duration: str | None = None,
    minutes: float = 0,
    port: int = 0,
    out: str | Path = "out/demo",
    board: str = "auto",
) -> int:
    """Run the demo's day until the hall closes (or `duration` of hall time, or `minutes` of real
    time, or Ctrl-C); then stop every role, write the day's report and print a summary."""
    from tools import demo_board, demo_people, demo_summary
    from web.auth import hash_password

    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # The demo's own dozen connections would fill the terminal; the roles log theirs to demo.log.
        logging.getLogger("sunbeon.mqtt").setLevel(logging.WARNING)
        logging.getLogger("sunbeon.client").setLevel(logging.WARNING)  # and their "the hall is …" lines
    text = Path(config_path).read_text(encoding="utf-8")
    base_hall = cfg.parse(text, str(config_path))
    if not 0 < speed <= hall_clock.MAX_SPEED:
        raise cfg.ConfigError("--speed", None, f"must be above 0 and at most {hall_clock.MAX_SPEED:g}")
    begin = start_time(start, base_hall)
    length = duration_seconds(duration)
    plan = Plan(
        begin.timestamp(),
        speed,
        None if length == 0 else (closing_time(base_hall, begin) if length is None else begin.timestamp() + length),
        length is None,
    )
    folder = fresh_folder(Path(out).resolve())
    printer_port, web_port = free_port(), free_port()
    screen = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    clock = hall_clock.HallClock(plan.start, plan.speed, time.time(), begin.utcoffset().total_seconds())  # type: ignore[union-attr]
    hall_clock.use(clock)
    env = {
        **os.environ,
        hall_clock.ENV: clock.env(),
        "SUNBEON_SCREENS": str(folder / "screens"),
        "SDL_AUDIODRIVER": os.environ.get("SDL_AUDIODRIVER", "dummy" if not screen else ""),
    }
    if not screen:
        env["SDL_VIDEODRIVER"] = "dummy"
    stop = threading.Event()
    restore_signals = stopping.stop_on_signals(stop)  # not stop.set() in the handler: wire/stopping.py
    broker = Broker(port or None, folder=folder)
    _start_broker(broker)
    roles = Roles(env, folder / "demo.log")
    people: list[HubClient] = []
    reason = "Ctrl-C"
    hall = base_hall
    try:
        path = folder / "demo.toml"
        path.write_text(
            demo_config(
                text,
                port=broker.port,
                database=str(folder / "hub.db"),
                printer_port=printer_port,
                web_port=web_port,
                secret=str(folder / "web.secret"),
                password_hash=hash_password(DEMO_PASSWORD),
            ),
            encoding="utf-8",
        )
        hall = cfg.load(path)
        roles.start("hub", "hub", "--config", str(path))
        roles.start("web relay", "web", "--config", str(path), "--host", "127.0.0.1", "--port", str(web_port))
        roles.start("printer", "fake-printer", "--port", str(printer_port), "--out", str(folder / "tickets"))
        # kiosk-1's screen takes what one kiosk can; kiosk-2 (through the API) takes the rest of the day's visitors.
        from wire.hallday import HOURLY

        peak = float(max(HOURLY.values()))
        screen_peak = min(peak, KIOSK_TAPS_PER_SECOND * 3600 / speed)
        roles.start(
            "kiosk",
            "kiosk",
            "--config",
            str(path),
            "--device",
            "kiosk-1",
            "--window",
            "540x960",
            "--simulate-visitors",
            f"{screen_peak:.3f}",
        )
        roles.start("hall board", "display", "--config", str(path), "--mode", "hall", "--window", "960x540")
        roles.start(
            "counter monitor",
            "display",
            "--config",
            str(path),
            "--mode",
            "counter",
            "--counter",
            WATCHED_COUNTER,
            "--window",
            "640x360",
            "--simulate-clerk",
        )
        print(
            f"Sunbeon demo: {hall.site.name.ko} — {demo_board.hall_time(plan.start, hall.site.timezone)} 시작, "
            f"{speed:g}배속 (a hall day {speed:g}× faster than life)"
        )
        print(
            f"  the hall on the web:  http://127.0.0.1:{web_port}/   "
            f"(clerk console: /console, password {DEMO_PASSWORD})"
        )
        print(f"  this run's folder:    {folder}   (tickets/, screens/, demo.log, report/)")
        print(f"  watch the wire:       mosquitto_sub -p {broker.port} -t 'sunbeon/#' -v")
        print(
            "  "
            + (
                "windows: kiosk, hall board, counter 3"
                if screen
                else "no screen: the roles draw off-screen; the board below is the hall"
            ),
            flush=True,
        )
        watcher = HubClient(hall.site.id, "staff-1", hall.mqtt, role="staff").start()
        people.append(watcher)
        clerks = []
        for i, d in enumerate(d for d in hall.devices if d.role == "counter"):
            if d.counter == WATCHED_COUNTER:
                continue
            client = HubClient(hall.site.id, d.id, hall.mqtt, role="counter", calls=False).start()
            people.append(client)
            clerks.append(demo_people.Clerk(client, hall, clock, stop, watcher, index=i, seed=i))
        lobby_client = HubClient(hall.site.id, "kiosk-2", hall.mqtt, role="kiosk", calls=False).start()
        people.append(lobby_client)
        lobby = demo_people.Lobby(lobby_client, hall, clock, stop, peak - screen_peak)
        # (A Ctrl-C while the roles start ends these waits too.)
        if not watcher.wait_for(lambda c: c.online or stop.is_set(), 30):
            print("the hub did not come up within 30 s; see " + str(folder / "demo.log"), file=sys.stderr)
        for person in people:
            person.wait_for(lambda c: c.online or stop.is_set(), 10)
        for thread in (*clerks, lobby):
            thread.start()
        view = demo_board.Board(watcher, hall, clock, folder, mode=board)
        deadline = time.monotonic() + minutes * 60 if minutes else None
        with view:
            while not stop.is_set():
                view.update()
                if roles.stopped():
                    reason = "role stopped"
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    reason = "time"
                    break
                if (
                    plan.end is not None
                    and clock.now() >= plan.end
                    and (not plan.until_close or _day_done(watcher) or clock.now() >= plan.end + AFTER_CLOSE)
                ):
                    reason = "closed" if plan.until_close else "duration"
                    break
                stop.wait(0.25)
    finally:
        stop.set()
        stopped_at = clock.now()
        # All at once (each may wait a moment for its goodbye to be sent), within a second.
        closing = [threading.Thread(target=person.close, daemon=True) for person in people]
        for thread in closing:
            thread.start()
        until = time.monotonic() + 1.0
        for thread in closing:
            thread.join(max(0.0, until - time.monotonic()))
        gone = roles.stopped() if reason == "role stopped" else []
        killed = roles.stop()
        broker.stop()
        restore_signals()
    if gone:
        print(f"a role stopped: {', '.join(gone)}; see {folder / 'demo.log'}", file=sys.stderr)
    if killed:
        print(f"(did not stop in {STOP_SECONDS:g} s and was killed: {', '.join(killed)})", file=sys.stderr)
    print(demo_summary.summary(hall, folder, stopped_at, reason, charts=reason in ("closed", "duration")), flush=True)
    return 1 if gone else 0


def _day_done(watcher: HubClient) -> bool:
    """Every task closed, nobody waiting and nobody at a counter: the hall's day is over."""
    snapshot = watcher.snapshot
    return (
        snapshot is not None
        and all(s.status == "closed" and s.waiting == 0 for s in snapshot.services)
        and all(c.serving is None for c in snapshot.counters)
    )
