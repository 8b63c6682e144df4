"""`sunbeon web`: the relay between the hall's broker and browsers."""

from __future__ import annotations

import gc
import logging

from hub import config as cfg
from hub.web.app import create_app
from hub.web.auth import Signer, load_secret
from hub.web.relay import Relay

log = logging.getLogger("sunbeon.web")
GC_THRESHOLD = 50_000  # allocations between young-generation collections (Python's default: 700)


def build(hall: cfg.HallConfig, *, secret: bytes | None = None):  # type: ignore[no-untyped-def]
    """The web app for a hall, with its relay."""
    relay = Relay(hall)
    return create_app(hall, relay, Signer(secret or load_secret(hall.web.secret_file))), relay


def run(config_path: str, *, host: str | None = None, port: int | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    import uvicorn

    hall = cfg.load(config_path)
    if hall.device(hall.web.device) is None:
        raise cfg.ConfigError(config_path, None, f"[web] device {hall.web.device!r} is not among [[devices]]")
    app, _ = build(hall)
    # Thousands of open streams are thousands of long-lived objects; with the default thresholds
    # the collector walks them all often enough to pause every stream for a second (bench/web.py).
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    uvicorn.run(app, host=host or hall.web.host, port=port or hall.web.port, log_level="info",
                proxy_headers=True, timeout_graceful_shutdown=3)
    return 0
