"""`/events`: the city's live stream, as a bare ASGI endpoint, because of what one viewer costs.

A city relay holds thousands of phones on this stream and every phone gets every hall's change.
Through Starlette's StreamingResponse each stream cost a task group, a disconnect-listener task
and an async generator (≈ 39 KB a viewer measured, docs/city.md). Here a viewer is the one
coroutine uvicorn already runs for the request, plus one small task that waits for the phone to
go away; both sleep on the frame the relay's ticker shares with everyone (city/relay.py
`Frames.waiter()`), frames are encoded once per language, and nothing is queued per viewer: a
viewer that could not keep up simply asks `Frames.after` for what it missed (or, past the ring,
the whole city). uvicorn's flow control bounds what is buffered for a slow phone to one frame
past the transport's high-water mark.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from city.relay import Frames
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
        gone: asyncio.Task[None] | None = None
        try:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1")[:200])
            lang = language(scope, query)
            since = query.get("since", [""])[0]
            frames = self.frames
            # A page rendered at frame N needs only what came after it; without `since` (or too
            # far behind) the stream starts with the whole city.
            if since.isdigit() and len(since) < 12:
                number, first = frames.after(int(since), lang, time.time())
            else:
                number, first = frames.everything(lang, time.time())
            await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.body", "body": PREFACE + first, "more_body": True})
            gone = asyncio.ensure_future(_until_gone(receive))
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
            self.open -= 1
            self.held[client] -= 1
            if self.held[client] <= 0:
                del self.held[client]
            if gone is not None and not gone.done():
                gone.cancel()
