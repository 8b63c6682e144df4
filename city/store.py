"""The city's own SQLite: every hall's daily summaries (the latest per hall and day), for the city report."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from wire import protocol as p

SCHEMA = """
CREATE TABLE IF NOT EXISTS summaries (
    site TEXT NOT NULL,
    date TEXT NOT NULL,
    at REAL NOT NULL,
    received REAL NOT NULL,
    final INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (site, date)
);
"""


class SummaryStore:
    """Summaries by (site, date); a newer or final one replaces an older, never the other way."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)
        self.faults = 0

    def put(self, summary: p.DailySummary, received: float) -> bool:
        """Keep it unless a final one or a later one for that day is already kept. Never raises."""
        try:
            with self.lock:
                row = self.conn.execute(
                    "SELECT at, final FROM summaries WHERE site=? AND date=?", [summary.site, summary.date]
                ).fetchone()
                if row and ((row[1] and not summary.final) or (row[1] == summary.final and row[0] >= summary.at)):
                    return False
                self.conn.execute(
                    "INSERT OR REPLACE INTO summaries VALUES (?,?,?,?,?,?)",
                    [summary.site, summary.date, summary.at, received, int(summary.final), p.encode(summary).decode()],
                )
                return True
        except sqlite3.Error:
            self.faults += 1
            return False

    def rows(self, prefix: str = "") -> list[dict[str, Any]]:
        """Every kept summary whose date starts with `prefix` (a day "2026-11-23" or a month "2026-11")."""
        with self.lock:
            found = self.conn.execute(
                "SELECT site, date, final, body FROM summaries WHERE date LIKE ? ORDER BY date, site", [prefix + "%"]
            ).fetchall()
        return [{"site": s, "date": d, "final": bool(f), **json.loads(b)} for s, d, f, b in found]

    def close(self) -> None:
        with self.lock:
            self.conn.close()
