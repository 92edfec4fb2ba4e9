"""Reads without a thread: an asyncpg connection pool beside the PostGIS store's engine.

A vector tile that is not cached yet is one statement and one bytea, a page of features two statements. Through
the engine each costs a hop into the thread pool and a checkout from SQLAlchemy's pool, several times what the
statement costs the database; an asyncio connection reads it on the event loop, as the fastest tile servers do.
asyncpg rather than psycopg's asyncio mode: measured under load, psycopg spent about 90 µs more CPU per tile
(its statements are prepared and its results decoded in Python, and it re-registers the socket with the event
loop for every wait), a fifth of a small tile's cost. asyncpg prepares each statement once per connection.
The pool belongs to one event loop: the server opens it at start-up and closes it at shutdown (semap.api.app).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import asyncpg

from semap.store.base import NAMED_PARAM


@lru_cache(maxsize=1024)
def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """The shared SQL's ``:name`` parameters as PostgreSQL's ``$1 … $n``, and the names in their order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return NAMED_PARAM.sub(number, sql), tuple(names)


class StatelessConnection(asyncpg.Connection):
    """A connection that only ever runs plain SELECTs: nothing to reset when it goes back to the pool. The default
    reset (advisory locks, cursors, LISTEN, settings) was a round trip of its own after every tile and page."""

    def get_reset_query(self) -> str:
        return ""


class AsyncReader:
    def __init__(self, dsn: str, size: int, server_settings: dict[str, str], acquire_timeout_s: float = 4.0) -> None:
        self._dsn = dsn
        self._size = size
        self._server_settings = server_settings
        self._acquire_timeout_s = acquire_timeout_s  # then the route answers (and says 503 if it must wait too)
        self._pool: asyncpg.Pool | None = None
        self.statements = 0  # answered here: the tests tell this path from the engine's

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._dsn,
            min_size=min(2, self._size),  # more only when the load asks: they count against max_connections
            max_size=self._size,
            timeout=5,  # to connect, as the engine's connect_timeout
            server_settings=self._server_settings,  # the engine's session options
            connection_class=StatelessConnection,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the event-loop reader is not open")
        return self._pool

    async def fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        statement, names = numbered(sql)
        async with self._ready().acquire(timeout=self._acquire_timeout_s) as connection:
            records = await connection.fetch(statement, *[params[name] for name in names])
        self.statements += 1
        return [tuple(record) for record in records]

    async def fetch_bytes(self, sql: str, params: dict[str, Any]) -> bytes | None:
        """The first column of the first row (a bytea arrives as bytes)."""
        statement, names = numbered(sql)
        async with self._ready().acquire(timeout=self._acquire_timeout_s) as connection:
            value = await connection.fetchval(statement, *[params[name] for name in names])
        self.statements += 1
        return bytes(value) if value is not None else None

    async def fetch_each(self, statements: Sequence[tuple[str, dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        """Each statement's rows, on one connection checked out once (a page's rows and count: one checkout where
        two cost a page about a tenth of its CPU)."""
        answers = []
        async with self._ready().acquire(timeout=self._acquire_timeout_s) as connection:
            for sql, params in statements:
                statement, names = numbered(sql)
                records = await connection.fetch(statement, *[params[name] for name in names])
                answers.append([tuple(record) for record in records])
        self.statements += len(answers)
        return answers
