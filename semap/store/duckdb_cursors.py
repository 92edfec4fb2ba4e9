"""Cursors lent for one query each to the reads of an attached generation (semap.store.duckdb_instance)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


class Cursors:
    """The cursors an attached generation's reads take turns with, each one's ``USE`` made once.

    Lent for one query and given back, never kept by a thread: a cursor a thread kept (``threading.local``) was
    freed as the thread ended, and a thread ending while the interpreter shut down aborted the process inside
    DuckDB (``terminate called without an active exception``; duckdb/duckdb#13904). As many are made as queries
    ran at once, not one per thread that ever asked.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, catalog: str) -> None:
        self._connection = connection
        self._catalog = catalog
        self._idle: list[duckdb.DuckDBPyConnection] = []  # list.pop and append: atomic, no lock needed

    @contextmanager
    def lent(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cursor = self._idle.pop()
        except IndexError:
            cursor = self._connection.cursor()
            cursor.execute(f"USE {self._catalog}")
        try:
            yield cursor
        finally:
            self._idle.append(cursor)

    def __len__(self) -> int:
        return len(self._idle)
