"""The city relay's `/events` stream through real uvicorn (the production server settings) and real sockets:
what a viewer gets first, `?since=`, changes after connecting, keepalives, the stream cap, and a
viewer's slot given back when its phone goes away."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from city.app import create_app
from city.config import CityConfig, HallInfo
from city.synthetic import SyntheticHall
from tools.broker import free_port

ROOT = "sunbeon/v1"


class Served:
    def __init__(self, direct: bool) -> None:
        import uvicorn

        from city.main import StreamsFirst, server_options
        from web import server

        self.direct = direct
        self.halls = {s: SyntheticHall(s, f"{s}동 주민센터", seed=i) for i, s in enumerate(("a", "b", "c"))}
        config = CityConfig(database=":memory:", halls=[HallInfo(site=s) for s in self.halls])
        self.app, self.state = create_app(config, link=False)
        for hall in self.halls.values():
            self.publish(hall.site)
        self.port = free_port()
        # The city relay's own connection (the ticker writes to the socket), or the hall relay's
        # (no socket in the scope: each viewer sends its frames through ASGI).
        if direct:  # as `sunbeon web --city` serves it (city/main.py)
            options, app = server_options("127.0.0.1", self.port), StreamsFirst(self.app, config.cors_origins)
        else:
            options, app = {**server.options("127.0.0.1", self.port), "log_level": "warning"}, self.app
        self.server = uvicorn.Server(uvicorn.Config(app, **options))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started

    def publish(self, site: str) -> None:
        snapshot = self.halls[site].step(time.time())
        self.state.apply(f"{ROOT}/{site}/state/snapshot", json.dumps(snapshot).encode(), time.time())

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


class Viewer:
    """A phone holding the stream over a raw socket (what it receives, unparsed)."""

    def __init__(self, port: int, query: str = "lang=ko") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(f"GET /events?{query} HTTP/1.1\r\nHost: city\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.got = b""

    def read_until(self, needle: bytes, timeout: float = 30.0, start: int = 0) -> bytes:
        """Read until `needle` is in what came after byte `start` (or the time is up)."""
        deadline = time.monotonic() + timeout
        while needle not in self.got[start:] and time.monotonic() < deadline:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                break
            if not data:
                break
            self.got += data
        return self.got

    def events(self) -> list[dict]:
        return [json.loads(line[6:]) for line in self.got.split(b"\n") if line.startswith(b"data: ")]

    def close(self) -> None:
        self.sock.close()


def wait(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


@pytest.fixture(params=["direct", "asgi"])
def served(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Served]:
    from city import relay

    monkeypatch.setattr(relay, "KEEPALIVE", 1.0)  # so an idle stream's comment comes within the test
    s = Served(request.param == "direct")
    yield s
    s.stop()


@pytest.mark.timeout(120)
def test_stream_starts_with_the_city_or_after_its_frame_and_carries_each_change(served: Served) -> None:
    frames = served.app.state.frames
    assert wait(lambda: frames.number >= 1)  # the ticker made the first frame (all three halls)
    whole = Viewer(served.port)
    head = whole.read_until(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"content-type: text/event-stream; charset=utf-8" in head.lower()
    assert b"cache-control: no-cache" in head.lower() and b"x-accel-buffering: no" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower() and b"x-frame-options: deny" in head.lower()
    whole.read_until(b'"site":"c"')
    assert b"retry: 3000" in whole.got and {e["site"] for e in whole.events()} == {"a", "b", "c"}

    # A page rendered at the current frame: nothing of the city again, only what changes after it.
    fresh = Viewer(served.port, f"lang=en&since={frames.number}")
    fresh.read_until(b"retry: 3000\n\n")
    assert wait(lambda: served.app.state.streams.open == 2)
    assert len(frames.viewers) == (2 if served.direct else 0)  # who writes: the ticker, or each viewer
    served.publish("b")
    fresh.read_until(b'"site":"b"')
    assert [e["site"] for e in fresh.events()] == ["b"]
    before = len(whole.events())
    whole.read_until(b'"site":"b"', start=len(whole.got))
    assert len(whole.events()) == before + 1 and whole.events()[-1]["site"] == "b"
    # An idle stream gets a comment now and then (proxies keep it open).
    fresh.got = b""
    assert b": keepalive" in fresh.read_until(b": keepalive", 30)
    for v in (whole, fresh):
        v.close()
    # A phone that goes away gives its slot back (noticed at once, not at the next frame).
    assert wait(lambda: served.app.state.streams.open == 0), served.app.state.streams.open


@pytest.mark.timeout(120)
def test_stream_cap_answers_busy_and_slots_come_back(served: Served) -> None:
    streams = served.app.state.streams
    streams.most = 2
    held = [Viewer(served.port, "since=0") for _ in range(2)]
    for v in held:
        v.read_until(b"retry: 3000")
    assert wait(lambda: streams.open == 2)
    refused = Viewer(served.port)
    answer = refused.read_until(b"busy")
    assert answer.startswith(b"HTTP/1.1 503") and b"retry-after: 5" in answer.lower()
    refused.close()
    post = socket.create_connection(("127.0.0.1", served.port), timeout=30)
    post.sendall(b"POST /events HTTP/1.1\r\nHost: city\r\nContent-Length: 0\r\n\r\n")
    assert post.recv(4096).startswith(b"HTTP/1.1 405")
    post.close()
    held.pop().close()
    assert wait(lambda: streams.open == 1)
    again = Viewer(served.port, "since=garbage&lang=%ff%fe")  # a bad `since` or language: the whole city, Korean
    again.read_until(b'"site":"c"')
    assert {e["site"] for e in again.events()} == {"a", "b", "c"}
    for v in (again, *held):
        v.close()
    assert wait(lambda: streams.open == 0)
