"""The notifier's own SQLite: contacts (sealed), what each ticket has been sent, the outbox.

Nobody else reads it. Personal data is sealed (notify/secrecy.py) and deleted as soon as its
ticket ends, and all of it at the business-day boundary; `secure_delete` zeroes what a delete
frees, and the WAL is checkpointed and truncated after each purge, so neither the file, its WAL
nor its free pages keep a number (tests/integration/test_notify_privacy.py greps the raw bytes).

The outbox makes a stage go out at most once, across a SIGKILL: a message is written `due`
before anything is sent, `sending` just before the provider is called and `sent` after; a
restarted notifier sends `due` ones and does not repeat a `sending` one unless the provider
takes an idempotency key (the webhook), since it may have arrived.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    business_date TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    channel TEXT NOT NULL,            -- sms | push
    language TEXT NOT NULL,
    sealed BLOB NOT NULL,             -- Fernet({"to": number or subscription, "token": page token})
    phone_key TEXT,                   -- keyed hash of the number (rate limit), never the number
    last4 TEXT,                       -- all the visitor's page shows of it
    created REAL NOT NULL,
    UNIQUE (token_hash, channel)
);
CREATE TABLE IF NOT EXISTS tickets (
    token_hash TEXT PRIMARY KEY,
    business_date TEXT NOT NULL,
    service TEXT NOT NULL,
    number TEXT NOT NULL,
    done TEXT NOT NULL DEFAULT '',    -- stages sent or passed, e.g. "5,2"
    called INTEGER NOT NULL DEFAULT 0,
    ended TEXT                        -- served | cancelled | closed
);
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,             -- business date, token hash, kind, stage, channel: one message
    contact INTEGER,
    token_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,               -- ahead | call | cancelled | closed
    ahead INTEGER NOT NULL DEFAULT 0,
    counter TEXT,                     -- the calling counter's label (JSON), for "call"
    state TEXT NOT NULL,              -- due | sending | sent | dead | limited | unsure
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state);
"""


@dataclass
class Ticket:
    """What the notifier follows of one ticket that has a contact."""

    token_hash: str
    business_date: str
    service: str
    number: str
    done: frozenset[int] = frozenset()
    called: bool = False
    ended: str | None = None
    channels: set[str] = field(default_factory=set)
    absent_since: float | None = None  # first look that found it neither waiting nor being served


@dataclass(frozen=True)
class Contact:
    id: int
    business_date: str
    token_hash: str
    channel: str
    language: str
    sealed: bytes
    phone_key: str | None
    last4: str | None


# (kind, contact, stage, people ahead, calling counter's label) of one message to record
Message = tuple[str, Contact, int, int, "dict[str, str] | None"]


@dataclass(frozen=True)
class Outgoing:
    """One outbox row: a message to build and send."""

    key: str
    contact: int | None
    token_hash: str
    channel: str
    kind: str
    ahead: int
    counter: dict[str, str] | None
    state: str
    attempts: int


class NotifyStore:
    """One connection, one lock: the command thread, the tracker and the delivery workers share it."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self.lock = threading.RLock()
        self.db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives the process being killed (SIGKILL), not a power cut.
        # That is enough for the outbox: a stage and its message are recorded in one transaction,
        # so a power cut loses both or neither (then the stage is simply decided again). A contact
        # the visitor was told is stored is committed FULL (`add_contact`).
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # --- contacts ----------------------------------------------------------------------------

    def add_contact(self, contact: Contact, ticket: Ticket) -> None:
        """Store a contact (replacing the ticket's one on that channel) and the ticket it follows;
        durable (synchronous=FULL) before the visitor is told it is on."""
        with self.lock:
            self.db.execute("PRAGMA synchronous=FULL")  # set between transactions (SQLite refuses it inside one)
            try:
                self._insert_contact(contact, ticket)
            finally:
                self.db.execute("PRAGMA synchronous=NORMAL")

    def _insert_contact(self, contact: Contact, ticket: Ticket) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM contacts WHERE token_hash = ? AND channel = ?", (contact.token_hash, contact.channel)
            )
            db.execute(
                "INSERT INTO contacts (business_date, token_hash, channel, language, sealed, phone_key, last4, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (contact.business_date, contact.token_hash, contact.channel, contact.language, contact.sealed,
                 contact.phone_key, contact.last4, time.time()),
            )  # fmt: skip
            db.execute(
                "INSERT OR IGNORE INTO tickets (token_hash, business_date, service, number) VALUES (?, ?, ?, ?)",
                (ticket.token_hash, ticket.business_date, ticket.service, ticket.number),
            )

    def contacts_of(self, token_hash: str) -> list[Contact]:
        with self.lock:
            rows = self.db.execute(
                "SELECT id, business_date, token_hash, channel, language, sealed, phone_key, last4"
                " FROM contacts WHERE token_hash = ?",
                (token_hash,),
            ).fetchall()
        return [Contact(*row) for row in rows]

    def contact(self, contact_id: int) -> Contact | None:
        with self.lock:
            row = self.db.execute(
                "SELECT id, business_date, token_hash, channel, language, sealed, phone_key, last4"
                " FROM contacts WHERE id = ?",
                (contact_id,),
            ).fetchone()
        return Contact(*row) if row else None

    def live_tickets_of_phone(self, phone_key: str) -> int:
        with self.lock:
            (count,) = self.db.execute(
                "SELECT count(*) FROM contacts c JOIN tickets t USING (token_hash)"
                " WHERE c.phone_key = ? AND t.ended IS NULL",
                (phone_key,),
            ).fetchone()
        return int(count)

    def count_contacts(self) -> int:
        with self.lock:
            return int(self.db.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def delete_contacts(self, token_hash: str, channel: str | None = None) -> int:
        """Delete a ticket's contacts (one channel or all); the bytes are zeroed, the WAL truncated."""
        with self.transaction() as db:
            if channel is None:
                gone = db.execute("DELETE FROM contacts WHERE token_hash = ?", (token_hash,)).rowcount
            else:
                gone = db.execute(
                    "DELETE FROM contacts WHERE token_hash = ? AND channel = ?", (token_hash, channel)
                ).rowcount
            db.execute(
                "DELETE FROM tickets WHERE token_hash = ? AND NOT EXISTS"
                " (SELECT 1 FROM contacts WHERE contacts.token_hash = tickets.token_hash)",
                (token_hash,),
            )
        if gone:
            self.wipe_wal()
        return gone

    def delete_tickets(self, token_hashes: list[str]) -> int:
        """Delete ended tickets with their contacts, in one transaction and one WAL wipe (a burst of
        calls ends twenty tickets at once: one checkpoint, not twenty, holding up the deliveries)."""
        if not token_hashes:
            return 0
        with self.transaction() as db:
            gone = 0
            for token_hash in token_hashes:
                gone += db.execute("DELETE FROM contacts WHERE token_hash = ?", (token_hash,)).rowcount
                db.execute("DELETE FROM tickets WHERE token_hash = ?", (token_hash,))
        self.wipe_wal()
        return gone

    def purge_day(self, business_date: str) -> int:
        """Delete every contact, ticket and message not of `business_date` (the day boundary)."""
        with self.transaction() as db:
            gone = db.execute("DELETE FROM contacts WHERE business_date != ?", (business_date,)).rowcount
            db.execute("DELETE FROM tickets WHERE business_date != ?", (business_date,))
            db.execute("DELETE FROM outbox WHERE substr(key, 1, 10) != ?", (business_date,))
        self.wipe_wal()
        return gone

    def wipe_wal(self) -> None:
        """Copy the WAL into the database and cut it to nothing: old page images hold deleted rows."""
        with self.lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- tickets -----------------------------------------------------------------------------

    def tickets(self) -> list[Ticket]:
        with self.lock:
            rows = self.db.execute(
                "SELECT token_hash, business_date, service, number, done, called, ended FROM tickets"
            ).fetchall()
            channels: dict[str, set[str]] = {}
            for token_hash, channel in self.db.execute("SELECT token_hash, channel FROM contacts"):
                channels.setdefault(token_hash, set()).add(channel)
        return [
            Ticket(h, d, s, n, frozenset(int(x) for x in done.split(",") if x), bool(c), e, channels.get(h, set()))
            for h, d, s, n, done, c, e in rows
        ]

    def record(self, changes: list[tuple[Ticket, list[Message]]]) -> list[str]:
        """Save tickets' progress and the messages it makes due, in one transaction (one fsync per look).

        A message already in the outbox (the hub republished, the notifier restarted) is not added
        again: its key names the day, the ticket, the kind, the stage and the channel. Returns the new keys.
        """
        now = time.time()
        added = []
        with self.transaction() as db:
            for ticket, messages in changes:
                db.execute(
                    "UPDATE tickets SET done = ?, called = ?, ended = ? WHERE token_hash = ?",
                    (",".join(str(s) for s in sorted(ticket.done, reverse=True)), int(ticket.called), ticket.ended,
                     ticket.token_hash),
                )  # fmt: skip
                for kind, contact, stage, ahead, counter in messages:
                    key = f"{ticket.business_date}:{ticket.token_hash}:{kind}:{stage}:{contact.channel}"
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO outbox (key, contact, token_hash, channel, kind, ahead, counter, state,"
                        " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'due', ?, ?)",
                        (key, contact.id, ticket.token_hash, contact.channel, kind, ahead,
                         json.dumps(counter, ensure_ascii=False) if counter else None, now, now),
                    )  # fmt: skip
                    if cursor.rowcount:
                        added.append(key)
        return added

    # --- outbox ------------------------------------------------------------------------------

    def outgoing(self, key: str) -> Outgoing | None:
        with self.lock:
            row = self.db.execute(
                "SELECT key, contact, token_hash, channel, kind, ahead, counter, state, attempts"
                " FROM outbox WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        key, contact, token_hash, channel, kind, ahead, counter, state, attempts = row
        return Outgoing(key, contact, token_hash, channel, kind, ahead, json.loads(counter) if counter else None,
                        state, attempts)  # fmt: skip

    def keys_in(self, *states: str) -> list[str]:
        with self.lock:
            marks = ",".join("?" * len(states))
            return [
                k
                for (k,) in self.db.execute(f"SELECT key FROM outbox WHERE state IN ({marks}) ORDER BY created", states)
            ]

    def mark(self, key: str, state: str, error: str | None = None, *, attempt: bool = False) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE outbox SET state = ?, error = ?, updated = ?, attempts = attempts + ? WHERE key = ?",
                (state, error, time.time(), int(attempt), key),
            )

    def claim(self, key: str) -> bool:
        """Mark a due message `sending` (one more attempt), only if it is still due: of two workers
        handed the same key, one sends it."""
        with self.transaction() as db:
            return bool(
                db.execute(
                    "UPDATE outbox SET state = 'sending', updated = ?, attempts = attempts + 1"
                    " WHERE key = ? AND state = 'due'",
                    (time.time(), key),
                ).rowcount
            )

    def pending_for(self, token_hash: str) -> int:
        with self.lock:
            return int(
                self.db.execute(
                    "SELECT count(*) FROM outbox WHERE token_hash = ? AND state IN ('due', 'sending')", (token_hash,)
                ).fetchone()[0]
            )

    def count(self, state: str) -> int:
        with self.lock:
            return int(self.db.execute("SELECT count(*) FROM outbox WHERE state = ?", (state,)).fetchone()[0])
