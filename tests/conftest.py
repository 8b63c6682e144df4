"""Shared fixtures: a real Mosquitto on a free port, a hub running against it, the web relay, and
Debian's headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.bus import HubBus
from hub.service import HubService
from hub.store import Store
from tests.halls import CLERK_PASSWORD, hall_text, web_section
from tools.broker import Broker
from tools.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: F401 - tests take PHONE from here
from wire import config
from wire.client import HubClient

# Screens and sound without a screen or a sound card: pygame's dummy drivers.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    """A real Mosquitto for the whole test session."""
    with Broker() as b:
        yield b


class RunningHub:
    """A hub on its own thread, with a database in a temp folder; restartable."""

    def __init__(self, config_path: Path, database: Path) -> None:
        self.config_path, self.database = config_path, database
        self.hall = config.load(config_path)
        self.thread: threading.Thread | None = None

    def start(self) -> RunningHub:
        self.store = Store(self.database)
        self.service = HubService(self.hall, self.store)
        self.bus = HubBus(self.hall, self.service, client_id=f"hub-{id(self)}")
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.bus.run, args=(self.stop_event,), daemon=True)
        self.thread.start()
        # Deadlines here are generous (a busy CI machine); a healthy start returns at once.
        assert self.bus.connected.wait(60), "the hub did not connect"
        return self

    def stop(self) -> None:
        if self.thread:
            self.stop_event.set()
            self.thread.join(10)
            self.store.close()
            self.thread = None

    def client(self, device: str, role: str | None = None) -> HubClient:
        device_cfg = self.hall.device(device)
        c = HubClient(self.hall.site.id, device, self.hall.mqtt, role=role or (device_cfg.role if device_cfg else None))
        c.start()
        assert c.wait_for(lambda x: x.online and x.snapshot is not None, 60), f"{device} did not come online"
        return c


@pytest.fixture
def hall_file(tmp_path: Path, broker: Broker) -> Path:
    """The test hall's config, pointing at the session broker and a fresh site id."""
    path = tmp_path / "hall.toml"
    # A site id per test: retained messages of one test never leak into another.
    site = f"t{abs(hash(tmp_path)) % 10**8}"
    path.write_text(
        hall_text(port=broker.port, database=str(tmp_path / "hub.db")).replace('id = "test"', f'id = "{site}"', 1)
        + web_section(_clerk_hash()),
        encoding="utf-8",
    )
    return path


_HASH: list[str] = []


def _clerk_hash() -> str:
    # scrypt is slow on purpose: hash the test password once per session.
    if not _HASH:
        from web.auth import hash_password

        _HASH.append(hash_password(CLERK_PASSWORD))
    return _HASH[0]


@pytest.fixture
def hub(hall_file: Path, tmp_path: Path) -> Iterator[RunningHub]:
    """A running hub for one test."""
    running = RunningHub(hall_file, tmp_path / "hub.db").start()
    yield running
    running.stop()


@pytest.fixture
def clients(hub: RunningHub) -> Iterator[dict[str, HubClient]]:
    """A connected kiosk, counters 1 and 3, the web relay and a staff desk."""
    made = {d: hub.client(d) for d in ("kiosk-1", "counter-1", "counter-3", "web", "staff")}
    yield made
    for c in made.values():
        c.close()


class WebServer:
    """The web relay served by uvicorn on a free port, in a thread."""

    def __init__(self, hall: config.HallConfig) -> None:
        import uvicorn

        from tools.broker import free_port
        from web.main import build

        self.app, self.relay = build(hall, secret=b"test-secret" * 3)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> WebServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not self.server.started or self.relay.status is None):
            time.sleep(0.05)
        assert self.relay.status is not None, "the relay got no state from the hall"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def web(hub: RunningHub) -> Iterator[WebServer]:
    """The web relay for the running hub."""
    server = WebServer(hub.hall).start()
    yield server
    server.stop()


@pytest.fixture
def http(web: WebServer) -> Iterator[httpx.Client]:
    """A plain HTTP client for the running relay (redirects shown, not followed)."""
    with httpx.Client(base_url=web.url, timeout=10, follow_redirects=False) as client:
        yield client


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """An ASGI app served by uvicorn on a free loopback port in a thread; its URL while the block runs."""
    import time

    import uvicorn

    from tools.broker import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Chromium per test module (a launch takes seconds); each test opens its own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
