"""`/events`: the city's live stream, as a bare ASGI endpoint, because of what one viewer costs.

A city relay holds thousands of phones on this stream and every phone gets every hall's change.
Through Starlette's StreamingResponse each stream cost a task group, a disconnect-listener task
and an async generator (≈ 39 KB a viewer measured, docs/city.md). Here, under the city relay's own
connection class (city/main.py, which hands the socket to the app as `scope["extensions"]`), a
viewer is only the coroutine uvicorn already runs for the request, asleep until the phone goes
away, plus a small `Viewer` record; the ticker writes each frame to every socket itself, the same
bytes object to everyone one frame behind (city/relay.py `Frames.fanout`): no per-viewer task, no
per-viewer wake-up per frame. Under any other ASGI server (no socket in the scope) a viewer waits
on the frame the ticker shares with everyone (`Frames.waiter()`) and sends it through ASGI.
Nothing is queued per viewer either way: a viewer that could not keep up is later sent what it
missed in one piece (`Frames.after`, or, past the ring, the whole city).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from city.relay import Frames, Viewer
from city.text import known
from wire.subscriber import subscriber

log = logging.getLogger("sunbeon.city")
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]
PREFACE = b"retry: 3000\n\n"  # a phone that lost the stream comes back after 3 s
KEEPALIVE = b": keepalive\n\n"
TRANSPORT = "sunbeon.transport"  # the scope extension city/main.py sets: the request's socket

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def language(scope: dict[str, Any], query: dict[str, list[str]]) -> str:
    """?lang=, else the first language of Accept-Language the city speaks, else Korean."""
    asked = query.get("lang", [""])[0]
    if asked:
        return known(asked[:8])
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            for part in value.decode("latin-1").split(","):
                code = part.split(";")[0].strip().lower()[:2]
                if known(code) == code:
                    return code
    return "ko"


async def _answer(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + list(extra)})
    await send({"type": "http.response.body", "body": body})


async def _until_gone(receive: Receive) -> None:
    """Returns when the phone has gone (uvicorn answers `receive` with http.disconnect then)."""
    while (await receive())["type"] != "http.disconnect":
        pass


class EventStream:
    """The ASGI app behind `/events` (mounted as a plain route by city/app.py)."""

    def __init__(self, frames: Frames, most: int, per_client: int) -> None:
        self.frames, self.most, self.per_client = frames, most, per_client
        self.open = 0
        self.held: Counter[str] = Counter()  # streams per subscriber (wire/subscriber.py)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _answer(send, 405, b"GET only", [(b"allow", b"GET")])
            return
        # Counted at once, with no await between the check and the count: a burst of streams
        # cannot all pass the check before the first of them is counted.
        if self.open >= self.most:
            await _answer(send, 503, b"busy", [(b"retry-after", b"5")])
            return
        client = subscriber((scope.get("client") or ("?", 0))[0])
        if self.held[client] >= self.per_client:  # one machine must not hold the city's streams
            await _answer(send, 429, b"too many streams", [(b"retry-after", b"30")])
            return
        self.open += 1
        self.held[client] += 1
        lang = "ko"
        try:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1")[:200])
            lang = language(scope, query)
            self.frames.watching[lang] += 1
            await self._stream(scope, receive, send, query, lang)
        finally:
            self.open -= 1
            self.frames.watching[lang] -= 1
            self.held[client] -= 1
            if self.held[client] <= 0:
                del self.held[client]

    async def _stream(
        self, scope: dict[str, Any], receive: Receive, send: Send, query: dict[str, list[str]], lang: str
    ) -> None:
        since = query.get("since", [""])[0]
        frames = self.frames
        # A page rendered at frame N needs only what came after it; without `since` (or too
        # far behind) the stream starts with the whole city.
        start = int(since) if since.isdigit() and len(since) < 12 else -1
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        transport = (scope.get("extensions") or {}).get(TRANSPORT)
        if transport is not None:
            # The ticker writes to this socket from now on (the opening too, shared with every phone
            # that opens at the same frame); this coroutine only waits for the phone to go away
            # (uvicorn answers `receive` with http.disconnect then, at once).
            await send({"type": "http.response.body", "body": PREFACE, "more_body": True})
            viewer = Viewer(transport, lang, start)
            frames.viewers.add(viewer)
            try:
                if not frames.send(viewer):
                    frames.behind = True  # its socket is full already: the next tick tries again
                await _until_gone(receive)
            finally:
                frames.viewers.discard(viewer)
            return
        if start >= 0:
            number, first = frames.after(start, lang, time.time())
        else:
            number, first = frames.everything(lang, time.time())
        await send({"type": "http.response.body", "body": PREFACE + first, "more_body": True})
        gone = asyncio.ensure_future(_until_gone(receive))
        try:
            while not gone.done():
                shared = frames.waiter()
                await asyncio.wait((gone, shared), return_when=asyncio.FIRST_COMPLETED)
                if gone.done():
                    break
                if shared.result():  # a new frame (False: the ticker's keepalive)
                    number, chunk = frames.after(number, lang, time.time())
                else:
                    chunk = KEEPALIVE
                if chunk:
                    # Waits (uvicorn's flow control) while this phone's socket is full; the frames it
                    # misses meanwhile come in one piece from `after` on the next round.
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            if not gone.done():
                gone.cancel()
