"""The test hall with a manager's console login (counter 1, `manager = true`) and the relay's staff
device for 오늘 운영 변경, and a hub that runs on the hall clock (wire/clock.py): shared by the
day-change tests (integration, fuzz, axe). Counter 3 keeps its ordinary clerk login."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.service import HubService
from tests.halls import at, hall_text, web_section
from wire import clock as hall_clock

MANAGER_PASSWORD = "manager1-pass"
_HASH: list[str] = []


def manager_hash() -> str:
    if not _HASH:  # scrypt is slow on purpose: once per session
        from web.auth import hash_password

        _HASH.append(hash_password(MANAGER_PASSWORD))
    return _HASH[0]


def manager_hall_text(port: int, database: str, site: str) -> str:
    from tests.conftest import _clerk_hash

    web = web_section(_clerk_hash()).replace("[web]\n", '[web]\nstaff_device = "staff"\n', 1)
    manager = f'\n[[web.clerks]]\ncounter = "1"\npassword_hash = "{manager_hash()}"\nmanager = true\n'
    return hall_text(port=port, database=database).replace('id = "test"', f'id = "{site}"', 1) + web + manager


def set_hall_time(text: str) -> None:
    """The hall's clock from now on reads `text` (Seoul wall time), running at real speed."""
    hall_clock.use(hall_clock.HallClock(start=at(text), anchor=time.time()))


@pytest.fixture
def manager_hall(tmp_path: Path, broker, monkeypatch) -> Iterator[Path]:
    """The hall file, and every hub started meanwhile on the hall clock (a Tuesday, 13:30)."""
    path = tmp_path / "hall.toml"
    site = f"m{abs(hash(tmp_path)) % 10**8}"
    path.write_text(manager_hall_text(broker.port, str(tmp_path / "hub.db"), site), encoding="utf-8")
    monkeypatch.setattr("tests.conftest.HubService", functools.partial(HubService, clock=hall_clock.now))
    set_hall_time("2026-11-24 13:30")
    yield path
    hall_clock.use(hall_clock.REAL)
