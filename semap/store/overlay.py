"""The embedded store's writable overlay: what people and past builds wrote that no registry holds (manual pins,
the geocoding cache, edits and their change events, accounts), statistics kept per data version and what each
release held (semap.pipeline.releases), in a SQLite file of its own beside the DuckDB data file.

SQLite because several processes write it while the server runs (`semap pin`, a build's cache): WAL mode lets
readers and one writer at a time share it, and a killed writer leaves it consistent. It is migrated in place,
version by version (``PRAGMA user_version``), never rebuilt: nothing written here is lost by an upgrade.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from semap.errors import StoreUnavailable
from semap.store.base import Transaction
from semap.store.schema import OVERLAY_TABLES, create_table_sql

# Each entry brings the overlay from version i to i + 1; append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    tuple(create_table_sql(t, "BLOB") for t in OVERLAY_TABLES),
    # 2: living data (semap.curation): change events, edits, conflicts, accounts, sessions, owner access, secrets
    (
        "CREATE TABLE IF NOT EXISTS change_events (id TEXT, at TEXT, actor_role TEXT, actor_id TEXT, kind TEXT, "
        "layer TEXT, record_id TEXT, district_adm_code TEXT, field TEXT, before TEXT, after TEXT, reason TEXT, "
        "refers_to TEXT, PRIMARY KEY (id))",
        "CREATE TABLE IF NOT EXISTS record_edits (layer TEXT, record_id TEXT, field TEXT, value TEXT, base TEXT, "
        "event_id TEXT, set_at TEXT, PRIMARY KEY (layer, record_id, field))",
        "CREATE TABLE IF NOT EXISTS edit_conflicts (layer TEXT, record_id TEXT, field TEXT, kind TEXT, "
        "edited_value TEXT, registry_value TEXT, found_at TEXT, PRIMARY KEY (layer, record_id, field))",
        "CREATE TABLE IF NOT EXISTS accounts (email TEXT, role TEXT, districts TEXT, password_hash TEXT, "
        "failed_logins INTEGER, locked_until TEXT, active BOOLEAN, created_at TEXT, PRIMARY KEY (email))",
        "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT, email TEXT, csrf TEXT, created_at TEXT, "
        "expires_at TEXT, PRIMARY KEY (token_hash))",
        "CREATE TABLE IF NOT EXISTS access_grants (id TEXT, org_id TEXT, email TEXT, issued_by TEXT, issued_at TEXT, "
        "expires_at TEXT, revoked_at TEXT, PRIMARY KEY (id))",
        "CREATE TABLE IF NOT EXISTS site_secrets (name TEXT, value TEXT, PRIMARY KEY (name))",
        "CREATE INDEX IF NOT EXISTS change_events_record ON change_events (layer, record_id, at)",
        "CREATE INDEX IF NOT EXISTS change_events_district ON change_events (district_adm_code, at)",
        # Append-only, enforced by the file itself and not only by the code that writes it.
        "CREATE TRIGGER IF NOT EXISTS change_events_no_update BEFORE UPDATE ON change_events "
        "BEGIN SELECT RAISE(ABORT, 'change_events is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS change_events_no_delete BEFORE DELETE ON change_events "
        "BEGIN SELECT RAISE(ABORT, 'change_events is append-only'); END",
    ),
    # 3: statistics tables computed once per data version and kept (semap.stats.cache)
    (
        "CREATE TABLE IF NOT EXISTS derived_tables (name TEXT, data_version TEXT NOT NULL, body TEXT NOT NULL, "
        "computed_at TEXT NOT NULL, PRIMARY KEY (name))",
    ),
    # 4: releases, each organization of a release, when records were first and last seen (semap.pipeline.releases)
    (
        "CREATE TABLE IF NOT EXISTS releases (as_of TEXT, built_at TEXT, boundaries_vintage TEXT, registries TEXT, "
        "organizations INTEGER, resources INTEGER, PRIMARY KEY (as_of))",
        "CREATE TABLE IF NOT EXISTS release_records (as_of TEXT, record_id TEXT, name TEXT, type TEXT, industry TEXT, "
        "category TEXT, business_number TEXT, name_key TEXT, district_adm_code TEXT, district_ko TEXT, "
        "dong_code TEXT, PRIMARY KEY (as_of, record_id))",
        "CREATE TABLE IF NOT EXISTS record_sightings (layer TEXT, record_id TEXT, first_seen TEXT, last_seen TEXT, "
        "PRIMARY KEY (layer, record_id))",
    ),
)
BUSY_TIMEOUT_MS = 10_000


class _SQLiteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._con = connection

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self._con.execute(sql, params or {})

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        self._con.executemany(sql, rows)

    def insert_frame(self, table: str, frame: Any) -> None:
        if len(frame):
            columns = list(frame.columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
            self._con.executemany(sql, frame.to_dict("records"))


class SQLiteOverlay:
    """``fetch`` and ``transaction`` over the overlay tables, with the SQL the stores share (``:name`` params)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []  # one per thread; all closed by close()
        self._opened_lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # check_same_thread=False only so close() may run on another thread; each connection serves one thread.
                connection = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
                )
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open the overlay {self.path}: {exc}") from None
            self._local.connection = connection
            with self._opened_lock:
                self._opened.append(connection)
        return connection

    def migrate(self) -> int:
        """Apply the migrations this file has not seen; returns the version it had before."""
        connection = self._connection()
        with self._immediate(connection):
            before = int(connection.execute("PRAGMA user_version").fetchone()[0])
            for version in range(before, len(MIGRATIONS)):
                for statement in MIGRATIONS[version]:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version={len(MIGRATIONS)}")
        return before

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._connection().execute(sql, params or {}).fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        connection = self._connection()
        with self._immediate(connection):
            yield _SQLiteTransaction(connection)

    @staticmethod
    @contextmanager
    def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so two writers never deadlock.
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        with self._opened_lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()
        self._local = threading.local()
