"""Wires the hub together: config, store, service and bus. The one place that builds a hub."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from hub.bus import HubBus
from hub.service import HubService
from hub.store import Store
from wire import clock as hall_clock
from wire import config as cfg
from wire import stopping

log = logging.getLogger("sunbeon.hub")
# The hall state is thousands of small long-lived objects (tickets, map and line nodes, all
# acyclic); with Python's default 700 the collector walks them so often that a command's cost
# grew with the live tickets (0.27 → 0.68 ms CPU per ticket from 4,000 to 32,000; flat at 0.24
# with this: docs/performance.md). Garbage without cycles is still freed at once.
GC_THRESHOLD = 50_000


def build(
    config: str | Path | cfg.HallConfig, *, database: str | None = None, clock: Callable[[], float] | None = None
) -> HubBus:
    """A hub ready to run: the config validated, the database opened and migrated.

    The config file's secrets go no further than here and the bus's broker login: the service and
    its domain get `settings.hall` (wire/hall.py), the hall without a password, hash or login.
    """
    settings = config if isinstance(config, cfg.HallConfig) else cfg.load(config)
    hall = settings.hall
    store = Store(database or settings.hub.database)
    service = HubService(hall, store, clock=clock or hall_clock.now)  # the demo's virtual day, or real time
    log.info(
        "hub for %s (%s): business day %s, seq %d, %d live tickets",
        hall.site.name.ko,
        hall.site.id,
        service.state.business_date,
        service.state.seq,
        len(service.state.tickets),
    )
    return HubBus(settings.mqtt, service)


def run(config_path: str | Path, *, database: str | None = None) -> None:
    """Run the hub until SIGTERM or SIGINT."""
    bus = build(config_path, database=database)
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    stop = threading.Event()
    stopping.stop_on_signals(stop)  # Ctrl-C too: a clean stop; no lock taken in the handler (wire/stopping.py)
    try:
        bus.run(stop)
    finally:
        bus.service.store.close()
