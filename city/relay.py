"""The city relay's link to the central broker, and its fan-out to viewers.

Stateless: everything it shows comes from the broker's retained messages, so a restarted relay,
or a relay after a central broker restart, is current as soon as it has resubscribed. Any number
of relays can read the same broker (docs/city.md).

Fan-out: one `Frames` ticker turns what changed since the last tick into one frame (the changed
halls' public JSON), encoded once per language and kept as bytes in a short ring; a viewer keeps
only its position in it (a slow one that falls off the ring gets the whole city). The ticker writes
each frame to every viewer's socket itself (`fanout`), the same bytes object to every viewer at the
same frame; under a server that does not hand the socket over, viewers sleep on one shared future
(`waiter()`), resolved per frame or for a keepalive, and send through ASGI.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import logging
import ssl
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from city.config import CityConfig
from city.state import CityState
from city.store import SummaryStore
from city.topics import RELAY_TOPICS
from wire import protocol as p

log = logging.getLogger("sunbeon.city")
TICK = 0.2  # seconds between frames: a hall's change reaches a viewer within about this (plus the bridge)
SLOWEST_TICK = 1.0  # ... at most this with many viewers (below)
VIEWERS_PER_SECOND = 10_000  # viewers for which the tick is SLOWEST_TICK
RING = 64  # frames a viewer may lag behind before it gets the whole city again
RING_BYTES = 4 * 1024 * 1024  # ... and at most this many encoded bytes of them (100× peak: ~6 frames)
WRITE_HIGH = 16 * 1024  # bytes buffered for one viewer before it is skipped (asyncio's default: 64 KB)
KEEPALIVE_CHUNK = b"%x\r\n: keepalive\n\n\r\n" % len(b": keepalive\n\n")
LAGGING = 64 * 1024  # bytes of missed frames past which a viewer may get the whole city instead (smaller)
KEEPALIVE = 15.0  # seconds without a frame before the viewers are sent an SSE comment (proxies keep the stream)
COLLECT_EVERY = 20.0  # seconds between full garbage collections (below)
FANOUT_SHARE = 3  # frames start at least this many times what writing the last one took apart
MIN_PAUSE = 0.02  # seconds the ticker always leaves the event loop between frames


def tick_for(viewers: int) -> float:
    """Seconds between frames for viewers that each wake and send through ASGI (a server without the
    city's connection class, city/stream.py). Each frame is one send per viewer: with 10,000 such
    viewers, five frames a second were 50,000 sends a second, more than one core."""
    return max(TICK, min(SLOWEST_TICK, SLOWEST_TICK * viewers / VIEWERS_PER_SECOND))


class CityLink:
    """Subscribes to every hall on the central broker; reconnects by itself."""

    def __init__(self, config: CityConfig, state: CityState, store: SummaryStore | None) -> None:
        self.config, self.state, self.store = config, state, store
        self.connected = threading.Event()
        self.closing = False
        self.messages = 0
        settings = config.mqtt
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=settings.client_id, protocol=mqtt.MQTTv5)
        password = settings.password
        if settings.password_file:
            password = Path(settings.password_file).read_text(encoding="utf-8").strip()
        if settings.username:
            client.username_pw_set(settings.username, password)
        if settings.cafile:
            client.tls_set(ca_certs=settings.cafile, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        client.reconnect_delay_set(1, 15)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self.client = client
        if store is not None:
            state.on_summary = lambda summary, now: store.put(summary, now)

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: Any, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("the central broker refused the city relay: %s", reason)
            return
        # Every (re)subscription brings the retained state of every hall: a restart catches up by itself.
        client.subscribe([(f"sunbeon/v{p.VERSION}/+/{t}", p.QOS) for t in RELAY_TOPICS])
        log.info("city relay connected to %s:%s", self.config.mqtt.host, self.config.mqtt.port)
        self.connected.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason: Any, props: object) -> None:
        self.connected.clear()
        if self.closing:  # our own goodbye at shutdown, not a lost link
            return
        log.warning("city relay lost the central broker (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        self.messages += 1
        self.state.apply(message.topic, bytes(message.payload), time.time())  # never raises

    def start(self) -> None:
        self.client.connect_async(self.config.mqtt.host, self.config.mqtt.port, keepalive=15)
        self.client.loop_start()

    def close(self) -> None:
        self.closing = True
        self.client.disconnect()
        self.client.loop_stop()


class Viewer:
    """One phone on `/events` that the ticker writes to itself (city/stream.py): its socket, its
    language, and the last frame it was sent. Nothing else is kept per viewer."""

    __slots__ = ("language", "number", "transport")

    def __init__(self, transport: Any, language: str, number: int) -> None:
        self.transport, self.language, self.number = transport, language, number


def chunked(body: bytes) -> bytes:
    """`body` as one HTTP/1.1 chunk, as uvicorn frames a streamed response body."""
    return b"%x\r\n%b\r\n" % (len(body), body)


class Frames:
    """The frames viewers are sent: what changed, per tick, encoded once per language.

    The ring keeps each frame only as its encoded bytes (per language someone watches), bounded by
    bytes as well as by count: at 100× peak each frame is the whole city, and keeping those as hall
    dicts left ≈ 70 MB behind after the burst (docs/city.md)."""

    def __init__(self, state: CityState, render: Callable[[dict[str, Any], str], str]) -> None:
        self.state, self.render = state, render
        self.number = 0
        self.since = 0
        self.stale_memo: dict[str, bool] = {}
        self.ring: deque[tuple[int, dict[str, bytes]]] = deque()
        self.ring_bytes = 0
        self.whole: dict[str, bytes] = {}  # the whole city at frame `whole_number`, per language
        self.whole_number = -1
        self.watching: Counter[str] = Counter()  # open streams per language
        self.viewers: set[Viewer] = set()  # streams the ticker writes to directly (city/stream.py)
        self.behind = False  # a viewer was skipped (its socket full): try it again next tick
        self.shared: asyncio.Future[bool] | None = None
        self.sent_at = time.monotonic()
        self.fanout_seconds = 0.0  # how long the last write to every viewer took
        # What viewers at the same frame are missing, framed as one chunk, per (their frame,
        # language), for the current frame: viewers that fell behind together share one bytes object
        # (also in the event loop's write buffers while their sockets are full).
        self.framed: dict[tuple[int, str], bytes] = {}
        self.framed_number = -1

    def waiter(self) -> asyncio.Future[bool]:
        """The future every viewer waits on: True for a new frame, False for a keepalive."""
        if self.shared is None or self.shared.done():
            self.shared = asyncio.get_running_loop().create_future()
        return self.shared

    def _wake(self, frame: bool) -> None:
        shared, self.shared = self.shared, None
        if shared is not None and not shared.done():
            shared.set_result(frame)
        self.sent_at = time.monotonic()
        self.fanout(keepalive=not frame)

    def tick(self, now: float) -> bool:
        """Make a frame of what changed; wake the viewers. True when there was one."""
        version, changed = self.state.changed(self.since, self.stale_memo, now)
        self.since = version
        if not changed:
            if self.behind:
                self.fanout()
            return False
        self.number += 1
        # Korean always (the page's default), and every language a viewer watches; the hall dicts
        # are dropped here, the ring keeps bytes.
        languages = {"ko", *(lang for lang, n in self.watching.items() if n > 0)}
        encoded = {lang: self._events(changed, lang) for lang in languages}
        self.ring.append((self.number, encoded))
        self.ring_bytes += sum(map(len, encoded.values()))
        while len(self.ring) > RING or (self.ring_bytes > RING_BYTES and len(self.ring) > 1):
            _, dropped = self.ring.popleft()
            self.ring_bytes -= sum(map(len, dropped.values()))
        self._wake(True)
        return True

    def _events(self, halls: list[dict[str, Any]], language: str) -> bytes:
        parts = []
        for hall in halls:
            # The card only (the page swaps it in) and the hall's data time (for the page and the bench):
            # every viewer gets every change, so each byte here is multiplied by the viewers.
            event = {
                "site": hall["site"],
                "at": hall["data_at"],
                "stale": hall["stale"],
                "html": self.render(hall, language),
            }
            data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            parts.append(f"event: hall\ndata: {data}\n\n")
        return "".join(parts).encode()

    def frame(self, number: int, language: str) -> bytes | None:
        """Frame `number` in `language`, if the ring still has it in that language."""
        for n, encoded in self.ring:
            if n == number:
                return encoded.get(language)
        return None

    def everything(self, language: str, now: float) -> tuple[int, bytes]:
        """The whole city as of the current frame (a new viewer, or one that fell behind)."""
        if self.whole_number != self.number:
            self.whole, self.whole_number = {}, self.number
        if language not in self.whole:
            self.whole[language] = self._events(self.state.halls_list(now), language)
        return self.number, self.whole[language]

    def after(self, number: int, language: str, now: float) -> tuple[int, bytes]:
        """What a viewer at frame `number` is missing."""
        if number == self.number:
            return number, b""
        if (
            number > self.number or not self.ring or self.ring[0][0] > number + 1
        ):  # a restarted relay, or too far behind
            return self.everything(language, now)
        missed = []
        for n, encoded in self.ring:
            if n > number:
                chunk = encoded.get(language)
                if chunk is None:  # made before anyone watched in this language
                    return self.everything(language, now)
                missed.append(chunk)
        if sum(map(len, missed)) > LAGGING:
            # A viewer that fell behind gets each hall once, not every frame it missed: at 100× peak
            # every frame is the whole city, and joining 60 of them was ≈ 20 MB queued per slow viewer.
            whole = self.everything(language, now)
            if len(whole[1]) < sum(map(len, missed)):
                return whole
        return self.number, b"".join(missed)

    def missing(self, number: int, language: str) -> bytes:
        """What a viewer at frame `number` is missing, as one HTTP chunk (b"" when nothing), shared
        by every viewer at that frame in that language."""
        if number == self.number:
            return b""
        if self.framed_number != self.number:
            self.framed, self.framed_number = {}, self.number
        key = (number, language)
        data = self.framed.get(key)
        if data is None:
            body = self.after(number, language, time.time())[1]
            data = self.framed[key] = chunked(body) if body else b""
        return data

    def send(self, viewer: Viewer, keepalive: bool = False) -> bool:
        """Write what `viewer` is missing to its socket. False when its socket is still full (the
        viewer is tried again at the next tick)."""
        transport = viewer.transport
        if transport.is_closing():
            return True
        if transport.get_write_buffer_size() > WRITE_HIGH:
            return False
        data = self.missing(viewer.number, viewer.language)
        viewer.number = self.number
        if data:
            transport.write(data)
        elif keepalive:
            transport.write(KEEPALIVE_CHUNK)
        return True

    def fanout(self, keepalive: bool = False) -> None:
        """Write what each directly-written viewer is missing to its socket, in one pass.

        No viewer's coroutine wakes for a frame: viewers at the same frame (almost all of them, one
        frame behind) are written the same bytes object; a phone whose socket is still full
        (WRITE_HIGH) is skipped and later sent what it missed in one piece (`after`)."""
        if not self.viewers:
            return
        started = time.monotonic()
        behind = False
        number, previous = self.number, self.number - 1
        # The common case inlined (this loop runs for every viewer at every frame): a viewer one
        # frame behind gets its language's shared chunk with no call of ours in between.
        latest: dict[str, bytes] = {}
        for viewer in tuple(self.viewers):  # a write never re-enters here, but a close may end a viewer
            transport = viewer.transport
            if transport.is_closing():
                continue
            if transport.get_write_buffer_size() > WRITE_HIGH:
                behind = True
                continue
            if viewer.number == previous:
                data = latest.get(viewer.language)
                if data is None:
                    data = latest[viewer.language] = self.missing(previous, viewer.language)
                viewer.number = number
                if data:
                    transport.write(data)
                elif keepalive:
                    transport.write(KEEPALIVE_CHUNK)
            else:
                self.send(viewer, keepalive)
        self.behind = behind
        self.fanout_seconds = time.monotonic() - started

    def interval(self, viewers: int) -> float:
        """Seconds from one frame to the next: TICK, longer only as far as the last frame's writes took
        (FANOUT_SHARE times that: the event loop keeps most of its time for new phones and pages),
        within SLOWEST_TICK; or as `tick_for` says for viewers that each send through ASGI."""
        measured = min(SLOWEST_TICK, FANOUT_SHARE * self.fanout_seconds)
        return max(TICK, measured, tick_for(viewers - len(self.viewers)))

    async def run(self, viewers: Callable[[], int] = lambda: 0) -> None:
        collected = time.monotonic()
        while True:
            started = time.monotonic()
            try:
                if not self.tick(time.time()) and time.monotonic() - self.sent_at >= KEEPALIVE:
                    self._wake(False)
                if time.monotonic() - collected >= COLLECT_EVERY:
                    # Right after a frame went out: the pause falls in the wait for the next one
                    # instead of delaying it (≈ 0.4 s with 5,000 viewers, measured).
                    collected = _collect()
            except Exception as err:  # noqa: BLE001 - the ticker outlives any one bad hall
                log.error("city frames: %s: %s", type(err).__name__, p.brief(str(err)))
            # Frames start every `interval`, the frame's own work included (not interval + work).
            spent = time.monotonic() - started
            await asyncio.sleep(max(MIN_PAUSE, self.interval(viewers()) - spent))


def _trim() -> None:
    """Hand the C heap's free pages back to the system (glibc). Each frame is written to every viewer
    at once; when sockets are momentarily full those writes sit in the event loop's buffers
    (≈ 16 KB × 10,000 viewers), and glibc keeps the freed space resident afterwards."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
        except OSError:  # not glibc (musl, macOS): nothing to trim
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc: Any = None


def _collect() -> float:
    """A full garbage collection, now and then, from the ticker.

    The relay runs with the hall relay's high collector threshold (web/main.py: no pauses with
    thousands of streams), so the oldest generation is almost never collected. But every MQTT
    message makes a small reference cycle (paho's topic matcher, a recursive closure), and at
    100× peak the relay grew by ≈ 3 MB/s, to 1.4-2 GB in a bench run, and never gave it back.
    A full collection every COLLECT_EVERY seconds bounds that; it takes milliseconds to a few
    hundred (10,000 viewers), measured in bench/city.py."""
    started = time.monotonic()
    gc.collect()
    _trim()
    took = time.monotonic() - started
    if took > 0.2:
        log.info("city relay: a full garbage collection took %.0f ms", took * 1000)
    return time.monotonic()
