"""`sunbeon web --city city.toml`: the city relay under uvicorn, with the hall relay's server settings."""

from __future__ import annotations

import gc
import logging
from typing import Any

from city import config as city_config
from city.app import create_app
from city.relay import WRITE_HIGH
from city.stream import TRANSPORT


def _city_connection(base: type) -> type:
    """The hall relay's connection (header deadline, httptools) that hands its socket to `/events`
    (the ticker writes frames to it directly: city/stream.py), with a small write buffer: a phone
    that does not keep up makes its stream wait at once, and is later sent what it missed in one
    piece, each hall once (city/relay.py `Frames.after`), instead of the event loop holding frame
    after frame for it (suspected the largest cost past 5,000 viewers: docs/city.md)."""

    class CityConnection(base):
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            transport.set_write_buffer_limits(high=WRITE_HIGH)

        def on_headers_complete(self) -> None:
            # Before uvicorn makes the request's cycle from this scope (a fresh scope per request).
            self.scope["extensions"] = {TRANSPORT: self.transport}
            super().on_headers_complete()

    return CityConnection


class StreamsFirst:
    """`/events` straight to the stream, everything else to the FastAPI app.

    Each open stream is a coroutine stack that lives as long as the phone stays: through FastAPI
    that is about a dozen frames and closures (its error and exception middleware, the router, the
    route) held per viewer for hours; here it is the stream's own with the same security headers
    (city/app.py `Headers`) and uvicorn's proxy-headers layer."""

    def __init__(self, app: Any, origins: list[str]) -> None:
        from city.app import Headers

        self.app = app
        self.events = Headers(app.state.streams, origins=origins)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == "/events":
            await self.events(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def server_options(host: str, port: int) -> dict[str, Any]:
    """uvicorn's settings for a city relay: the hall relay's limits (web/server.py), uvloop (`loop`
    "auto" picks it when installed: its transports are C), httptools, and the city's connection."""
    from web import server

    options = {**server.options(host, port), "log_level": "warning"}
    options["http"] = _city_connection(server.TimedHeaders)
    return options


def run(config_path: str, *, host: str | None = None, port: int | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    import uvicorn

    from web.main import GC_THRESHOLD, _raise_file_limit

    config = city_config.load(config_path)
    city_config.check_files(config, config_path)
    app, _ = create_app(config)
    # As for a hall relay (web/main.py): thousands of open streams, the collector kept from pausing
    # them all, and every file descriptor the unit allows.
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    _raise_file_limit()
    options = server_options(host or config.host, port or config.port)
    served = StreamsFirst(app, config.cors_origins)
    # What start-up made (modules, the app, its templates) lives as long as the process: kept out of
    # every later full collection (city/relay.py `_collect`), which then scans only what viewers
    # and messages made. Process-wide, so here and not in the app (tests share one process).
    gc.collect()
    gc.freeze()
    logging.getLogger("sunbeon.city").info("city relay for %s on %s:%s", config.name, options["host"], options["port"])
    uvicorn.run(served, **options)
    return 0
