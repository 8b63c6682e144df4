"""How the relay listens: uvicorn with limits that keep a flood of connections from taking the
page away from everyone else.

nginx in front (systemd/nginx/) is the first line: TLS, slow clients, connections per address,
a total stream cap. These limits hold even when the relay is reached directly (a hall LAN
without nginx, or nginx misconfigured):

- a request's header must arrive within HEADER_SECONDS of its first byte (or of the connection):
  uvicorn itself never times a header out, so 1,100 connections sending one byte a minute used
  to hold every file descriptor the relay had; and it must fit in HEADER_BYTES (uvicorn's
  `h11_max_incomplete_event_size` does this only for h11; the relay runs httptools);
- at most MAX_CONNECTIONS connections; the app refuses streams past its own cap
  (web/app.py MAX_STREAMS) so that ordinary requests always have the difference;
- idle keep-alive connections close after KEEP_ALIVE_SECONDS.
The unit's LimitNOFILE gives the process the descriptors for all of that.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from web.app import MAX_STREAMS

log = logging.getLogger("sunbeon.web")
HEADER_SECONDS = 10.0
HEADER_BYTES = 64 * 1024  # a request header past this is cut off (httptools itself sets no limit)
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = MAX_STREAMS + 4000  # uvicorn answers 503 past this (counts streams too)
BACKLOG = 4096


class TimedHeaders(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request's header."""

    header_seconds = HEADER_SECONDS
    header_bytes = HEADER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_seen = 0
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_seen = 0
        self._header_timer = self.loop.call_later(self.header_seconds, self._too_slow)

    def data_received(self, data: bytes) -> None:
        if getattr(self, "_header_timer", None) is not None:  # still inside a header
            self._header_seen += len(data)
            if self._header_seen > self.header_bytes:
                self._disarm()
                self.transport.close()
                return
        super().data_received(data)

    def _disarm(self) -> None:
        if getattr(self, "_header_timer", None) is not None:
            self._header_timer.cancel()  # type: ignore[union-attr]
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        if getattr(self, "_header_timer", None) is None:
            self._arm()  # the next request on a kept-alive connection gets its own deadline
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def options(host: str, port: int) -> dict[str, Any]:
    """uvicorn's settings for the relay."""
    return {
        "host": host,
        "port": port,
        "http": TimedHeaders,
        "loop": "auto",
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "backlog": BACKLOG,
        # Client addresses from nginx's X-Forwarded-For, only when nginx (on this box) sends it.
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
        "timeout_graceful_shutdown": 3,
        "log_level": "info",
    }
