"""The store behind `--data-dir`: one SQLite database (WAL, synchronous=FULL) holding the parts of a
snapshot document as rows, so that a change rewrites only what it touched.

    meta(key, value)              format, mockpost_version
    parts(name, body)             clock, faults, outbox, timers, journal, provider:NAME
    accounts(provider, account, body)   {"state": ..., "timers": [...]}
    deliveries(id, body)          one webhook delivery with its attempts
    journal(id, last_id, body)    the journal entries one flush wrote (ids id..last_id), as a JSON array
    inboxes(name, body)           the items of one inbox

Each write is one transaction: after a crash SQLite keeps the last committed one whole, never part
of one. The database is opened in exclusive locking mode, so a second mockpost on the same
directory is refused instead of interleaving its writes. `document()` reassembles the rows into a
snapshot document, which the same reader as `POST /_mockpost/snapshot` checks and applies.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from mockpost import __version__
from mockpost.core.journal import Entry
from mockpost.persist.errors import StoreRefused
from mockpost.persist.model import FORMAT, journal_json

FILE_NAME = "mockpost.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (name TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    provider TEXT NOT NULL, account TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (provider, account)
);
CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS inboxes (name TEXT PRIMARY KEY, body BLOB NOT NULL);
"""
TABLES = ("parts", "accounts", "deliveries", "journal", "inboxes")
PROVIDER_PART = "provider:"


@dataclass
class Batch:
    """The changes of one flush, written in one transaction. A body of None deletes the row."""

    everything: bool = False  # replace every row (after a restore)
    parts: dict[str, bytes | None] = field(default_factory=dict)
    accounts: dict[tuple[str, str], bytes | None] = field(default_factory=dict)
    deliveries: dict[str, bytes | None] = field(default_factory=dict)
    inboxes: dict[str, bytes | None] = field(default_factory=dict)
    journal_cleared: bool = False
    journal: list[Entry] = field(default_factory=list)  # encoded by the writer, off the event loop
    journal_capacity: int = 0

    def __bool__(self) -> bool:
        return bool(
            self.everything
            or self.parts
            or self.accounts
            or self.deliveries
            or self.inboxes
            or self.journal_cleared
            or self.journal
        )


class SqliteStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / FILE_NAME
        self.written_by: str = __version__  # the mockpost version of the rows found at open
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreRefused(f"cannot use --data-dir {directory}: {exc.strerror}") from None
        try:
            self._db = sqlite3.connect(self.path, timeout=0.2, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreRefused(f"cannot open the store {self.path}: {exc}") from None
        try:
            self._open()
        except sqlite3.OperationalError as exc:
            self._db.close()
            if "locked" in str(exc):
                raise StoreRefused(
                    f"the store {self.path} is in use by another mockpost (or another program); stop "
                    "it, or give another --data-dir"
                ) from None
            raise self.damaged(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self.damaged(str(exc)) from None

    def damaged(self, why: str) -> StoreRefused:
        return StoreRefused(
            f"the store {self.path} is damaged ({why}); move it away (or restore a saved copy) "
            "and start again, with an empty --data-dir"
        )

    def _open(self) -> None:
        db = self._db
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise StoreRefused(
                f"{self.path} is not a mockpost store (it has no meta table); give another --data-dir"
            )
        check = db.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise self.damaged(str(check[0]) if check else "no answer to an integrity check")
        db.execute("BEGIN IMMEDIATE")  # takes the exclusive lock now: a second mockpost is refused
        try:
            for statement in SCHEMA.strip().split(";"):
                if statement.strip():
                    db.execute(statement)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if not meta:
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", str(FORMAT)), ("mockpost_version", __version__)],
                )
                meta = {"format": str(FORMAT), "mockpost_version": __version__}
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.written_by = meta.get("mockpost_version", "unknown")
        try:
            stored_format = int(meta.get("format", ""))
        except ValueError:
            raise self.damaged(f"its format is {meta.get('format')!r}") from None
        if stored_format != FORMAT:
            raise StoreRefused(
                f"the store {self.path} was written by mockpost {self.written_by} (store format "
                f"{stored_format}); this is mockpost {__version__} (format {FORMAT}): use that version, "
                "or give another --data-dir"
            )

    # -- reading -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(self._db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table in TABLES)

    def document(self) -> bytes:
        """The rows as one snapshot document (see persist/model.py): each row is already a part of
        it in JSON, so the pieces are joined as they are (one copy), not parsed here."""
        db = self._db
        parts = dict(db.execute("SELECT name, body FROM parts").fetchall())
        accounts: dict[str, list[tuple[str, bytes]]] = {}
        for provider, account, body in db.execute("SELECT provider, account, body FROM accounts"):
            accounts.setdefault(provider, []).append((account, body))
        names = {name[len(PROVIDER_PART) :] for name in parts if name.startswith(PROVIDER_PART)}
        providers = [
            (name, _with_member(parts.get(PROVIDER_PART + name), "accounts", _object(accounts.get(name, []))))
            for name in sorted(names | set(accounts))
        ]
        deliveries = [body for (body,) in db.execute("SELECT body FROM deliveries")]
        chunks = [body for (body,) in db.execute("SELECT body FROM journal ORDER BY id")]
        entries = [body[1:-1] for body in chunks if body.strip() != b"[]"]  # each a JSON array
        inboxes = db.execute("SELECT name, body FROM inboxes").fetchall()
        members: list[tuple[str, list[bytes]]] = [
            ("mockpost_snapshot", [str(FORMAT).encode()]),
            ("mockpost_version", [orjson.dumps(self.written_by)]),
            ("seed", [parts.get("seed", b"null")]),
            ("clock", [parts.get("clock", b"null")]),
            ("providers", _object_of_pieces(providers)),
            ("timers", [parts.get("timers", b"[]")]),
            ("outbox", _with_member(parts.get("outbox"), "deliveries", _array(deliveries))),
            ("faults", [parts.get("faults", b"null")]),
            ("journal", _with_member(parts.get("journal"), "entries", _array(entries))),
            ("inboxes", _object(inboxes)),
        ]
        return b"".join(_object_of_pieces(members))

    # -- writing -------------------------------------------------------------------------
    def write(self, batch: Batch) -> None:
        """One transaction; runs in a worker thread (one at a time), off the event loop."""
        journal = batch.journal
        chunk = (journal[0].id, journal[-1].id, journal_json(journal)) if journal else None
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if batch.everything:
                for table in TABLES:
                    db.execute(f"DELETE FROM {table}")
            if batch.journal_cleared:
                db.execute("DELETE FROM journal")
            _upsert(db, "parts", ("name",), batch.parts)
            _upsert(db, "accounts", ("provider", "account"), batch.accounts)
            _upsert(db, "deliveries", ("id",), batch.deliveries)
            _upsert(db, "inboxes", ("name",), batch.inboxes)
            if chunk is not None:
                db.execute("INSERT OR REPLACE INTO journal (id, last_id, body) VALUES (?, ?, ?)", chunk)
                if batch.journal_capacity:  # whole chunks older than the journal keeps
                    db.execute("DELETE FROM journal WHERE last_id <= ?", (chunk[1] - batch.journal_capacity,))
            if self.written_by != __version__:  # a store of another version, read and now written
                db.execute("UPDATE meta SET value=? WHERE key='mockpost_version'", (__version__,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.written_by = __version__

    def close(self) -> None:
        self._db.close()


def _upsert(
    db: sqlite3.Connection, table: str, key_columns: tuple[str, ...], rows: Mapping[Any, bytes | None]
) -> None:
    """Write rows keyed by one column (a str key) or several (a tuple key); None deletes."""
    where = " AND ".join(f"{column}=?" for column in key_columns)
    columns = ", ".join((*key_columns, "body"))
    marks = ", ".join("?" for _ in range(len(key_columns) + 1))
    for key, body in rows.items():
        values = key if isinstance(key, tuple) else (key,)
        if body is None:
            db.execute(f"DELETE FROM {table} WHERE {where}", values)
        else:
            db.execute(f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})", (*values, body))


def _array(items: list[bytes]) -> list[bytes]:
    pieces = [b"["]
    for index, item in enumerate(items):
        pieces += [b"," if index else b"", item]
    return [*pieces, b"]"]


def _object(members: list[tuple[str, bytes]]) -> list[bytes]:
    return _object_of_pieces([(name, [body]) for name, body in members])


def _object_of_pieces(members: list[tuple[str, list[bytes]]]) -> list[bytes]:
    pieces = [b"{"]
    for index, (name, value) in enumerate(members):
        pieces += [b"," if index else b"", orjson.dumps(name), b":", *value]
    return [*pieces, b"}"]


def _with_member(head: bytes | None, name: str, value: list[bytes]) -> list[bytes]:
    """A JSON object part with one more member: `{"a":1}` + b, [...] -> `{"a":1,"b":[...]}`."""
    if head is None or head.strip() == b"{}":
        return _object_of_pieces([(name, value)])
    return [head.rstrip()[:-1], b",", orjson.dumps(name), b":", *value, b"}"]
