"""`sunbeon web --city city.toml`: the city relay under uvicorn, with the hall relay's server settings."""

from __future__ import annotations

import gc
import logging

from city import config as city_config
from city.app import create_app


def run(config_path: str, *, host: str | None = None, port: int | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    import uvicorn

    from web import server
    from web.main import GC_THRESHOLD, _raise_file_limit

    config = city_config.load(config_path)
    app, _ = create_app(config)
    # As for a hall relay (web/main.py): thousands of open streams, the collector kept from pausing
    # them all, and every file descriptor the unit allows.
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    _raise_file_limit()
    options = {**server.options(host or config.host, port or config.port), "log_level": "warning"}
    logging.getLogger("sunbeon.city").info("city relay for %s on %s:%s", config.name, options["host"], options["port"])
    uvicorn.run(app, **options)
    return 0
