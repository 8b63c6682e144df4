"""`sunbeon web`: the relay between the hall's broker and browsers."""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from web.app import create_app
from web.auth import Signer, load_secret
from web.relay import Relay
from web.sessions import Generations
from wire import config as cfg

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("sunbeon.web")
GC_THRESHOLD = 50_000  # allocations between young-generation collections (Python's default: 700)


def build(hall: cfg.HallConfig, *, secret: bytes | None = None) -> tuple[FastAPI, Relay]:
    """The web app for a hall, with its relay."""
    relay = Relay(hall)
    # Sign-outs are kept beside the key (both in the relay's state folder); tests pass a secret
    # and keep sign-outs in memory.
    generations = Generations(None if secret else hall.web.secret_file + ".sessions")
    app = create_app(hall, relay, Signer(secret or load_secret(hall.web.secret_file)), generations=generations)
    return app, relay


def run(config_path: str, *, host: str | None = None, port: int | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    import uvicorn

    from web import server

    hall = cfg.load(config_path)
    if hall.device(hall.web.device) is None:
        raise cfg.ConfigError(config_path, None, f"[web] device {hall.web.device!r} is not among [[devices]]")
    app, _ = build(hall)
    # Thousands of open streams are thousands of long-lived objects; with the default thresholds
    # the collector walks them all often enough to pause every stream for a second (bench/web.py).
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    _raise_file_limit()
    uvicorn.run(app, **server.options(host or hall.web.host, port or hall.web.port))
    return 0


def _raise_file_limit() -> None:
    """Every open stream is a file descriptor: use all the unit allows (LimitNOFILE), not the
    soft default of 1,024."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 20000:
        log.warning("only %d file descriptors: fewer open streams than the relay is made for (LimitNOFILE)", hard)
