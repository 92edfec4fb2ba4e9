"""One DuckDB instance, its spatial extension loaded once, to which the embedded store's served generations are
attached read-only.

Opening each generation as a database of its own loaded the spatial extension into it: 130–160 ms, up to 60 ms of
which held Python's global interpreter lock, so every swap stalled the event loop that answers cached requests
(issue 23). ``ATTACH … (READ_ONLY)`` to an instance that has it loaded takes a few milliseconds and stalls nothing.
A generation no store object refers to any longer is detached at the next attach (or when the instance closes):
never under a query still running on it, and never from inside the garbage collector.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import duckdb

from semap.errors import StoreUnavailable
from semap.store.duckdb_store import spatial_connection


class SpatialInstance:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._names = itertools.count()
        self._released: list[str] = []  # let go of by their stores, detached at the next attach

    def attach(self, path: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
        """``path`` attached read-only: the instance's connection and the catalog its queries ``USE``."""
        with self._lock:
            connection = self._connected()
            self._detach_released(connection)
            catalog = f"generation_{next(self._names)}"
            quoted = str(path).replace("'", "''")
            try:
                connection.cursor().execute(f"ATTACH '{quoted}' AS {catalog} (READ_ONLY)")
            except duckdb.Error as exc:
                raise StoreUnavailable(f"cannot open the embedded store {path}: {exc}") from None
            return connection, catalog

    def release(self, catalog: str) -> None:
        """Called when a store attached as ``catalog`` is gone (a finalizer: it only takes note)."""
        self._released.append(catalog)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._released.clear()

    def _connected(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            try:
                self._connection = spatial_connection(":memory:")
            except duckdb.Error as exc:
                raise StoreUnavailable(f"cannot start DuckDB with its spatial extension: {exc}") from None
        return self._connection

    def _detach_released(self, connection: duckdb.DuckDBPyConnection) -> None:
        while self._released:
            catalog = self._released.pop()
            try:
                connection.cursor().execute(f"DETACH DATABASE IF EXISTS {catalog}")
            except duckdb.Error:  # still in use after all: it is detached when the instance closes
                continue
