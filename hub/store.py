"""The hub's SQLite store: WAL, synchronous=FULL, migrations, an append-only events table.

One transaction per batch of commands; replies go out only after it commits, so a ticket a
kiosk printed survives a crash or a power cut.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any


def _import_sqlite_utils() -> ModuleType:
    # sqlite-utils (4.x) imports numpy and pandas when they are installed, only to map their types;
    # the hub stores none. A hub-only box (`.[hub]`) has no numpy, so this changes nothing there. But
    # `make install ROLES="hub report"` puts the report's matplotlib, and with it numpy, in the same
    # venv (/opt/sunbeon), and then the hub process would carry numpy: measured 52.1 MB RSS without
    # this guard against 39.6 MB with it, of the hub's 60 MB budget on a Pi Zero 2 W (docs/performance.md,
    # "Install size and import time"). So it stays, for that box; hide them from this one import.
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils


if TYPE_CHECKING:
    import sqlite_utils
else:
    sqlite_utils = _import_sqlite_utils()

# After the import above on purpose: it must run before anything else can pull numpy in.
from hub.domain import queue  # noqa: E402
from hub.domain.model import (  # noqa: E402
    Call,
    CounterState,
    CounterStatus,
    Event,
    HallState,
    ServiceTime,
    Ticket,
    TicketState,
    frozen,
)
from wire.config import HallConfig  # noqa: E402

REPLY_DAYS = 7  # idempotency replies are kept this long
# Rows of hub_state that are the store's own (the database's epoch, the write probe), not the
# hall's state: plain text, never loaded into the state nor cleared with it.
OWN_KEYS = ("epoch", "probe")


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("tickets").create(
        {
            "id": int,
            "number": int,
            "label": str,
            "service": str,
            "priority": int,
            "channel": str,
            "language": str,
            "issued": float,
            "business_date": str,
            "token_hash": str,
            "device": str,
            "state": str,
            "called": float,
            "finished": float,
            "counter": str,
            "for_counter": str,
            "recalls": int,
            "transfers": int,
            "ahead_at_issue": int,
            "estimate_low": int,
            "estimate_high": int,
        },
        pk="id",
        not_null={"label", "service", "state", "business_date"},
    )
    db.table("tickets").create_index(["business_date", "state"])
    db.table("tickets").create_index(["token_hash"])
    db.table("events").create(
        {
            "id": int,
            "seq": int,
            "at": float,
            "business_date": str,
            "kind": str,
            "ticket": int,
            "label": str,
            "service": str,
            "counter": str,
            "device": str,
            "detail": str,
        },
        pk="id",
    )
    db.table("events").create_index(["business_date", "kind"])
    db.table("replies").create(
        {"device": str, "command_id": str, "business_date": str, "reply": str}, pk=("device", "command_id")
    )
    db.table("hub_state").create({"key": str, "value": str}, pk="key")


def _migration_2(db: sqlite_utils.Database) -> None:
    """The hub state as one small row per thing (see `_state_rows`), not one document rewritten
    whole on every commit. The kiosks' issue times are not kept: a restart forgets the last
    minute's rate, which only gives a kiosk a fresh minute."""
    row = db.conn.execute("SELECT value FROM hub_state WHERE key='state'").fetchone()
    if row is None:
        return
    saved = json.loads(row[0])
    rows = [("day", json.dumps({k: saved[k] for k in ("business_date", "seq", "next_id")}))]
    rows += [(f"counter/{k}", json.dumps(v)) for k, v in saved.get("counters", {}).items()]
    rows += [(f"cursor/{k}", json.dumps(v)) for k, v in saved.get("cursors", {}).items()]
    rows += [(f"service_time/{k}", json.dumps(v)) for k, v in saved.get("service_times", {}).items()]
    rows.append(("recent_calls", json.dumps(saved.get("recent_calls", []), ensure_ascii=False)))
    db.conn.executemany("INSERT OR REPLACE INTO hub_state VALUES (?, ?)", rows)
    db.conn.execute("DELETE FROM hub_state WHERE key='state'")


MIGRATIONS = [_migration_1, _migration_2]  # append only; each runs once, in order, recorded in user_version


class StoreError(Exception):
    """The database cannot be opened or trusted; the message is one line for the operator."""


class Store:
    """The hub's database. Only the hub opens it: a second hub on the same file is refused."""

    def __init__(self, path: str | Path, *, lock: bool = True) -> None:
        path = Path(path)
        self.path = path
        self._lock_fd: int | None = None
        memory = str(path) == ":memory:"
        try:
            if not memory:
                path.parent.mkdir(parents=True, exist_ok=True)
                if lock:
                    self._lock_fd = _lock(path)
            # Autocommit mode: this class opens and commits transactions itself, one per batch.
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.conn = conn
            conn.execute("PRAGMA busy_timeout=5000")
            _check(conn, path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self.migrate()
            self.epoch = self._epoch()
        except sqlite3.Error as err:
            self._unlock()
            raise StoreError(f"cannot use the database {path}: {root_cause(err)}{_space(path)}") from None
        except OSError as err:
            self._unlock()
            raise StoreError(f"cannot open the database {path}: {err.strerror or err}") from None
        except StoreError:
            self._unlock()
            raise

    def _epoch(self) -> str:
        """This database's history id: new with the file, new again when a rewind is skipped past.

        Screens compare it with the snapshot's: a lower seq from another epoch is a new history
        they must take, not an old message to ignore.
        """
        row = self.conn.execute("SELECT value FROM hub_state WHERE key='epoch'").fetchone()
        if row is not None:
            return row[0]
        try:
            return self.new_epoch()
        except sqlite3.Error:  # a full or read-only disk at start: the hub starts degraded, not at all
            return self.epoch

    def new_epoch(self) -> str:
        """Start a new history id (stored at once)."""
        epoch = uuid.uuid4().hex[:12]
        self.epoch = epoch  # in use even if it cannot be stored now: a new one at the next start is harmless
        self.conn.execute("INSERT OR REPLACE INTO hub_state VALUES ('epoch', ?)", [epoch])
        return epoch

    def probe(self) -> None:
        """A small durable write, to learn whether storage works again (raises sqlite3.Error/OSError)."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR REPLACE INTO hub_state VALUES ('probe', ?)", [str(os.getpid())])
            conn.execute("COMMIT")
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """After a failed write: end any transaction still open, never hiding the first error.

        On a full disk SQLite may already have rolled back itself, and a ROLLBACK then fails
        with "no transaction is active"; that second error says nothing about the cause.
        """
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def migrate(self) -> None:
        """Bring the schema up to date."""
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                migration(self.db)
                self.conn.execute(f"PRAGMA user_version={number}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the database and release the hub's lock on it."""
        try:
            self.conn.close()
        finally:
            self._unlock()

    # --- reading ---------------------------------------------------------------------------

    def load(self, hall: HallConfig, now: float) -> HallState:
        """The state as of the last commit (a fresh day when the database is new)."""
        saved = {
            key: json.loads(value)
            for key, value in self.conn.execute("SELECT key, value FROM hub_state")
            if key not in OWN_KEYS
        }
        day = saved.get("day")
        if day is None:
            self._saved = None
            return queue.new_day(hall, now)
        rows = self.db.query(
            "SELECT * FROM tickets WHERE business_date=? AND state IN ('waiting','called')", [day["business_date"]]
        )
        tickets = {t.id: t for t in map(_ticket_from_row, rows)}
        known_counters = {c.id for c in hall.counters}
        known_services = {s.id for s in hall.services}

        def part(kind: str) -> dict[str, Any]:
            return {key.split("/", 1)[1]: value for key, value in saved.items() if key.startswith(kind + "/")}

        state = HallState(
            hall=hall,
            business_date=day["business_date"],
            seq=day["seq"],
            next_id=day["next_id"],
            counters=frozen(
                {
                    k: CounterState(k, CounterStatus(v["status"]), v["serving"], v["priority_streak"])
                    for k, v in part("counter").items()
                    if k in known_counters
                }
            ),
            cursors=frozen({k: v for k, v in part("cursor").items() if k in known_services}),
            service_times=frozen({k: ServiceTime(**v) for k, v in part("service_time").items()}),
            recent_calls=tuple(Call(**c) for c in saved.get("recent_calls", [])),
        )
        # What the rows hold now, as `_state_rows` would write it: the next commit writes the difference.
        self._saved = dict(_state_rows(state))
        return queue.restore(state, tickets.values())

    def replies(self, since_date: str) -> dict[tuple[str, str], str]:
        """Stored replies by (device, command id), for idempotency after a restart."""
        rows = self.conn.execute("SELECT device, command_id, reply FROM replies WHERE business_date>=?", [since_date])
        return {(d, c): r for d, c, r in rows}

    def reply(self, key: tuple[str, str], since_date: str) -> tuple[str, str] | None:
        """The stored reply to one command (device, command id) of a business day since a date:
        (business date, reply JSON), or None."""
        row = self.conn.execute(
            "SELECT business_date, reply FROM replies WHERE device=? AND command_id=? AND business_date>=?",
            [key[0], key[1], since_date],
        ).fetchone()
        return (row[0], row[1]) if row is not None else None

    def last_called(self, business_date: str) -> dict[str, str]:
        """The number each service called (or recalled) last on a business day, from the event log."""
        rows = self.conn.execute(
            "SELECT service, label FROM events WHERE business_date=? AND kind IN ('called','recalled') ORDER BY id",
            [business_date],
        )
        return {service: label for service, label in rows if service is not None}

    def tickets(self, business_date: str) -> list[dict[str, Any]]:
        """Every ticket of a business day, as rows."""
        return list(self.db.query("SELECT * FROM tickets WHERE business_date=? ORDER BY id", [business_date]))

    def events(self, business_date: str) -> list[dict[str, Any]]:
        """Every event of a business day, in order."""
        return list(self.db.query("SELECT * FROM events WHERE business_date=? ORDER BY id", [business_date]))

    # --- writing ---------------------------------------------------------------------------

    def commit(self, state: HallState, changes: Iterable[tuple[str, str, Event | None, str]]) -> None:
        """Write one batch atomically: events, the tickets they touched, replies, and the rows of
        the hub state that changed since the last commit (a few small rows, never the whole state).

        `changes` holds (device, command id, event or None, reply JSON) rows; an event-less row
        records a reply only (a refusal, which changes nothing but is answered the same on repeat).
        """
        tickets: dict[int, Ticket] = {}
        event_rows, reply_rows = [], {}
        for device, command_id, event, reply in changes:
            reply_rows[(device, command_id)] = (device, command_id, state.business_date, reply)
            if event is None:
                continue
            if event.ticket is not None:
                tickets[event.ticket.id] = event.ticket
            t = event.ticket
            event_rows.append(
                (
                    state.seq,
                    event.at,
                    t.business_date if t else state.business_date,
                    event.kind,
                    t.id if t else None,
                    t.label if t else None,
                    t.service if t else None,
                    event.counter or (t.counter if t else None),
                    device,
                    json.dumps(dict(event.detail), ensure_ascii=False) if event.detail else None,
                )
            )
        saved = getattr(self, "_saved", None)
        rows = dict(_state_rows(state))
        if saved is not None:
            changed = [(k, v) for k, v in rows.items() if saved.get(k) != v]
            gone = [(k,) for k in saved if k not in rows]
        else:
            changed, gone = list(rows.items()), None
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO events (seq, at, business_date, kind, ticket, label, service, counter, device, detail)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                event_rows,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_ticket_row(t) for t in tickets.values()],
            )
            conn.executemany("INSERT OR IGNORE INTO replies VALUES (?,?,?,?)", [r for r in reply_rows.values() if r[1]])
            if gone is None:  # nothing known about the rows (a new store): start them afresh
                conn.execute(f"DELETE FROM hub_state WHERE key NOT IN ({','.join('?' * len(OWN_KEYS))})", OWN_KEYS)
            else:
                conn.executemany("DELETE FROM hub_state WHERE key=?", gone)
            conn.executemany("INSERT OR REPLACE INTO hub_state VALUES (?, ?)", changed)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._saved = rows

    def prune_replies(self, before_date: str) -> None:
        """Forget idempotency replies older than a date."""
        self.conn.execute("DELETE FROM replies WHERE business_date < ?", [before_date])


def _lock(path: Path) -> int:
    """Hold an exclusive lock on `<database>.lock` for the process's life.

    A second hub on the same database would hand out the same numbers and overwrite the first
    one's tickets. The lock file, not the database, is locked: SQLite takes its own locks on the
    database and would release ours when it closes a descriptor of the same file.
    """
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise StoreError(f"another hub already uses {path} (pid {holder}); a hall has exactly one hub") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database with corrupt pages: found now, not when a visitor's ticket is written."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as err:
        # "file is not a database", "malformed" mean damaged; a full disk or an I/O error do not.
        if getattr(err, "sqlite_errorname", "") not in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            raise
        rows = [str(err)]
    if rows != ["ok"]:
        raise StoreError(
            f"the database {path} is damaged ({'; '.join(map(str, rows))[:200]}); "
            "restore a backup or move the file away (docs/deploy.md)"
        )


def _space(path: Path) -> str:
    # SQLite says "disk I/O error" when it cannot create its WAL on a full disk: say which it is.
    try:
        free = os.statvfs(path.parent)
    except OSError:
        return ""
    return " (the disk is full)" if free.f_bavail * free.f_frsize < 256 * 1024 else ""


def root_cause(err: BaseException) -> str:
    """The first error of a chain: "database or disk is full", not the failed ROLLBACK after it."""
    while err.__context__ is not None and isinstance(err.__context__, (sqlite3.Error, OSError)):
        err = err.__context__
    return str(err) or type(err).__name__


def _ticket_row(t: Ticket) -> tuple:
    return (
        t.id,
        t.number,
        t.label,
        t.service,
        int(t.priority),
        t.channel,
        t.language,
        t.issued,
        t.business_date,
        t.token_hash,
        t.device,
        t.state.value,
        t.called,
        t.finished,
        t.counter,
        t.for_counter,
        t.recalls,
        t.transfers,
        t.ahead_at_issue,
        *t.estimate_at_issue,
    )


def _ticket_from_row(row: dict[str, Any]) -> Ticket:
    return Ticket(
        id=row["id"],
        number=row["number"],
        label=row["label"],
        service=row["service"],
        priority=bool(row["priority"]),
        channel=row["channel"],
        language=row["language"],
        issued=row["issued"],
        business_date=row["business_date"],
        token_hash=row["token_hash"],
        device=row["device"],
        state=TicketState(row["state"]),
        called=row["called"],
        finished=row["finished"],
        counter=row["counter"],
        for_counter=row["for_counter"],
        recalls=row["recalls"],
        transfers=row["transfers"],
        ahead_at_issue=row["ahead_at_issue"],
        estimate_at_issue=(row["estimate_low"], row["estimate_high"]),
    )


def _fields(item: object) -> dict[str, Any]:
    # Shallow: dataclasses.asdict deep-copies every value and was the hub's top cost per command.
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


def _state_rows(state: HallState) -> list[tuple[str, str]]:
    """The hub state as (key, JSON) rows: the day's counters, one row per counter, numbering
    cursor and service time, and the recent calls: O(counters + services), not O(tickets).
    `commit` writes only the rows whose text differs from what it wrote last (`saved`)."""
    rows = [
        ("day", json.dumps({"business_date": state.business_date, "seq": state.seq, "next_id": state.next_id})),
        ("recent_calls", json.dumps([_fields(c) for c in state.recent_calls], ensure_ascii=False)),
    ]
    rows += [
        (
            f"counter/{k}",
            json.dumps({"status": c.status.value, "serving": c.serving, "priority_streak": c.priority_streak}),
        )
        for k, c in state.counters.items()
    ]
    rows += [(f"cursor/{k}", json.dumps(v)) for k, v in state.cursors.items()]
    rows += [(f"service_time/{k}", json.dumps(_fields(v))) for k, v in state.service_times.items()]
    return rows
