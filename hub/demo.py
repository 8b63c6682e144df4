"""`sunbeon demo`: a whole hall on one machine, each role its own process as on its own Pi.

A private Mosquitto, the hub, the web relay, the fake printer (tickets land as PNGs), a kiosk tapped by
simulated visitors, the hall board, the monitor of counter 3 with a simulated clerk at its
buttons, and simulated clerks at the other counters. With a screen (DISPLAY set) the kiosk and
the displays open windows; without one they draw off-screen and a text board shows the hall.
The example hall's hours are widened to the whole day so the demo works at any hour.
"""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from hub import config as cfg
from hub.broker import Broker, free_port
from hub.client import HubClient

log = logging.getLogger("sunbeon.demo")
ALL_DAY = 'hours = { open = "00:00", close = "23:59", days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] }'
WATCHED_COUNTER = "3"  # the counter whose monitor the demo shows (its clerk presses the real buttons)


DEMO_PASSWORD = "sunbeon-demo"  # the demo's clerk console login, for every counter


def demo_config(text: str, *, port: int, database: str, printer_port: int, web_port: int = 8080,
                secret: str = "web.secret", password_hash: str | None = None) -> str:
    """The hall's config made fit for a demo: a private broker and database, open all day,
    kiosk-1 printing to the fake printer, no per-kiosk limit in the way of fast visitors,
    the web relay on `web_port` with a console login for every counter."""
    text = re.sub(r"^hours = \{.*\}$", ALL_DAY, text, flags=re.M)
    text = re.sub(r"^(\[mqtt\]\s*\n(?:#.*\n|\w+ = .*\n)*?)port = \d+", rf"\g<1>port = {port}", text, flags=re.M)
    text = re.sub(r'^database = ".*"$', f'database = "{database}"', text, flags=re.M)
    text = re.sub(r"^tickets_per_minute_per_kiosk = \d+.*$", "tickets_per_minute_per_kiosk = 600", text, flags=re.M)
    text = re.sub(r"^(\[web\]\s*\n(?:#.*\n|\w+ = .*\n)*?)port = \d+", rf"\g<1>port = {web_port}", text, flags=re.M)
    text = re.sub(r'^secret_file = ".*"', f'secret_file = "{secret}"', text, flags=re.M)
    if password_hash:
        counters = re.findall(r'^\[\[counters\]\]\nid = "([^"]+)"', text, flags=re.M)
        text += "".join(f'\n[[web.clerks]]\ncounter = "{c}"\npassword_hash = "{password_hash}"\n' for c in counters)
    # kiosk-1 prints to the fake printer, whatever printer the hall gave it.
    text = re.sub(r'^(id = "kiosk-1"\nrole = "kiosk"\n)(?:#.*\n)*(?:printer = .*\n)?',
                  rf'\g<1>printer = {{ host = "127.0.0.1", port = {printer_port} }}\n', text, flags=re.M)
    return text


class Clerk(threading.Thread):
    """A simulated clerk at a counter without a monitor in the demo, through the hub's API."""

    def __init__(self, client: HubClient, stop: threading.Event, speed: float, seed: int) -> None:
        super().__init__(daemon=True, name=f"clerk-{client.device}")
        self.client, self.stop, self.speed = client, stop, speed
        self.random = random.Random(seed)

    def run(self) -> None:
        while not self.stop.is_set():
            reply = self.client.request("call_next")
            ticket = (reply.data or {}).get("ticket") if reply.status == "ok" else None
            if ticket is None:
                self.stop.wait(30 / self.speed + 0.5)
                continue
            snap = self.client.snapshot
            service = snap.service(ticket["service"]) if snap else None
            minutes = service.mean_service_seconds / 60 if service else 5
            self.stop.wait(self.random.gammavariate(4, minutes * 60 / 4) / self.speed)


def board(client: HubClient) -> str:
    """A text view of the hall, for a terminal."""
    snap = client.snapshot
    if snap is None:
        return "(waiting for the hub)"
    lines = [f"── {snap.site['name']['ko']}  {snap.business_date}  seq {snap.seq} ──"]
    for s in snap.services:
        low, high = s.estimate_minutes
        lines.append(f"  {s.name['ko']:<8} waiting {s.waiting:>3}  now {s.last_called or '-':>5}  ~{low}-{high} min  [{s.status}]")
    lines.append("  " + "  ".join(f"{c.label['ko']}:{c.serving.number if c.serving else '—'}" for c in snap.counters))
    lines += [f"  ! {a.device}: {a.state} {a.detail or ''}" for a in snap.alerts]
    return "\n".join(lines)


def run(config_path: str | Path, *, speed: float = 20.0, minutes: float = 0, port: int = 0,
        out: str | Path = "out/demo") -> int:
    """Run the demo until Ctrl-C (or for `minutes`)."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    text = Path(config_path).read_text(encoding="utf-8")
    printer_port, web_port = free_port(), free_port()
    screen = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    env = {**os.environ, "SDL_AUDIODRIVER": os.environ.get("SDL_AUDIODRIVER", "dummy" if not screen else "")}
    if not screen:
        env["SDL_VIDEODRIVER"] = "dummy"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    processes: list[subprocess.Popen] = []
    me = [sys.executable, "-m", "hub.cli"]
    with Broker(port or None, folder=out) as broker:
        (out / "hub.db").unlink(missing_ok=True)
        path = out / "demo.toml"
        from hub.web.auth import hash_password
        path.write_text(demo_config(text, port=broker.port, database=str(out / "hub.db"), printer_port=printer_port,
                                    web_port=web_port, secret=str(out / "web.secret"),
                                    password_hash=hash_password(DEMO_PASSWORD)), encoding="utf-8")
        hall = cfg.load(path)
        logs = open(out / "demo.log", "ab")

        def start(*args: str) -> None:
            processes.append(subprocess.Popen([*me, *args], env=env, stdout=logs, stderr=logs))

        start("hub", "--config", str(path))
        start("web", "--config", str(path), "--host", "127.0.0.1", "--port", str(web_port))
        start("fake-printer", "--port", str(printer_port), "--out", str(out / "tickets"))
        speed_args = ("--speed", str(speed))
        start("kiosk", "--config", str(path), "--device", "kiosk-1", "--window", "540x960",
              "--simulate-visitors", "240", *speed_args)
        start("display", "--config", str(path), "--mode", "hall", "--window", "960x540")
        start("display", "--config", str(path), "--mode", "counter", "--counter", WATCHED_COUNTER,
              "--window", "640x360", "--simulate-clerk", *speed_args)
        print(f"Sunbeon demo: broker 127.0.0.1:{broker.port}; tickets as PNGs in {out / 'tickets'}; logs in {out / 'demo.log'}")
        print(f"  the hall on the web:  http://127.0.0.1:{web_port}/   (clerk console: /console, password {DEMO_PASSWORD})")
        print(f"  watch the wire:  mosquitto_sub -p {broker.port} -t 'sunbeon/#' -v")
        print("  " + ("windows: kiosk, hall board, counter 3" if screen else "no screen: the roles draw off-screen; the board below is the hall"))
        watcher = HubClient(hall.site.id, "staff", hall.mqtt, role="staff").start()
        clerks = [Clerk(HubClient(hall.site.id, d.id, hall.mqtt, role="counter").start(), stop, speed, seed=i)
                  for i, d in enumerate(hall.devices) if d.role == "counter" and d.counter != WATCHED_COUNTER]
        watcher.wait_for(lambda c: c.online, 20)
        for clerk in clerks:
            clerk.client.wait_for(lambda c: c.online, 10)
            clerk.start()
        deadline = time.monotonic() + minutes * 60 if minutes else None
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                stop.wait(3)
                print(board(watcher), flush=True)
                if any(p.poll() is not None for p in processes):
                    print(f"a role stopped; see {out / 'demo.log'}", file=sys.stderr)
                    break
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            for clerk in clerks:
                clerk.client.close()
            watcher.close()
            for p in reversed(processes):
                p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
            logs.close()
    tickets = sorted((out / "tickets").glob("*.png"))
    print(f"{len(tickets)} tickets printed" + (f", the last: {tickets[-1]}" if tickets else ""))
    return 0
