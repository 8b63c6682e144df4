"""Many SSE viewers in one process, for bench/city.py: a phone each, opened in waves, reading and dropping.

    .venv/bin/python bench/city_viewers.py --port P --n 5000 [--wave 250] [--pause 0.5]

Runs apart from the bench (and from the relay) so that holding thousands of streams does not
starve what is measured. Each viewer is a bare asyncio Protocol (no StreamReader buffers): it
sends the page's stream request, from the frame `/api/halls` names (as the page does), counts
the bytes and drops them. Prints `opened N failed N lost N bytes N` after each wave and then
every few seconds; runs until its stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import urllib.request

COUNTS = {"opened": 0, "failed": 0, "lost": 0, "bytes": 0, "busy": 0}


class Viewer(asyncio.Protocol):
    def __init__(self, ask: bytes) -> None:
        self.ask = ask
        self.first = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.ask)  # type: ignore[attr-defined]
        COUNTS["opened"] += 1

    def data_received(self, data: bytes) -> None:
        if self.first:
            self.first = False
            if not data.startswith(b"HTTP/1.1 200"):
                COUNTS["busy"] += 1
        COUNTS["bytes"] += len(data)

    def connection_lost(self, exc: Exception | None) -> None:
        COUNTS["lost"] += 1


def stream_request(port: int, last: bytes | None) -> bytes:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/halls", timeout=10) as answer:
            frame = answer.headers["X-City-Frame"]
    except OSError:
        if last:
            return last  # the relay too busy to answer now: the last frame seen (the page would retry)
        frame = ""
    return f"GET /events?lang=ko&since={frame} HTTP/1.1\r\nHost: city\r\nAccept: text/event-stream\r\n\r\n".encode()


def say() -> None:
    print(json.dumps(COUNTS), flush=True)


async def main(port: int, n: int, wave: int, pause: float) -> None:
    loop = asyncio.get_running_loop()
    transports: list[asyncio.BaseTransport] = []
    ask: bytes | None = None

    async def one(request: bytes) -> None:
        try:
            transport, _ = await loop.create_connection(lambda: Viewer(request), "127.0.0.1", port)
            transports.append(transport)
        except OSError:
            COUNTS["failed"] += 1

    for start in range(0, n, wave):
        ask = await asyncio.to_thread(stream_request, port, ask)
        await asyncio.gather(*(one(ask) for _ in range(min(wave, n - start))))
        say()
        await asyncio.sleep(pause)
    print("held", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        try:
            if not await asyncio.wait_for(reader.read(100), 5):
                break
        except TimeoutError:
            say()
    for t in transports:
        t.close()
    await asyncio.sleep(0.5)
    say()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--wave", type=int, default=250)
    parser.add_argument("--pause", type=float, default=0.5)
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(args.port, args.n, args.wave, args.pause))
