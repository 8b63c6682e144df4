"""`sunbeon city --config city.toml`: the city relay under uvicorn."""

from __future__ import annotations

import logging

from city import config as city_config
from city.app import create_app


def run(config_path: str, *, host: str | None = None, port: int | None = None) -> int:
    import uvicorn

    config = city_config.load(config_path)
    app, _ = create_app(config)
    logging.getLogger("sunbeon.city").info(
        "city relay for %s on %s:%s", config.name, host or config.host, port or config.port
    )
    uvicorn.run(app, host=host or config.host, port=port or config.port, log_level="warning",
                timeout_keep_alive=5, limit_concurrency=25_000)  # fmt: skip
    return 0
