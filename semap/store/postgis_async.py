"""Reads without a thread: an asyncio connection pool (psycopg_pool) beside the PostGIS store's engine.

A vector tile that is not cached yet is one statement and one bytea, a page of features two statements. Through
the engine each costs a hop into the thread pool and a checkout from SQLAlchemy's pool, several times what the
statement costs the database; an asyncio connection reads it on the event loop, as the fastest tile servers do.
The pool belongs to one event loop: the server opens it at start-up and closes it at shutdown (semap.api.app).
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from semap.store.postgis_store import pyformat


class AsyncReader:
    def __init__(self, conninfo: str, size: int, options: str) -> None:
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            conninfo,
            min_size=min(4, size),
            max_size=size,
            open=False,
            # Autocommit: no BEGIN/ROLLBACK around a read; the session options are the engine's.
            kwargs={"autocommit": True, "options": options, "connect_timeout": 5},
        )
        self.statements = 0  # answered here: the tests tell this path from the engine's

    async def open(self) -> None:
        await self._pool.open()

    async def close(self) -> None:
        await self._pool.close()

    async def fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as connection, connection.cursor() as cursor:
            await cursor.execute(pyformat(sql), params)
            rows = await cursor.fetchall()
        self.statements += 1
        return rows

    async def fetch_bytes(self, sql: str, params: dict[str, Any]) -> bytes | None:
        """The first column of the first row, in the binary protocol (a bytea arrives as bytes)."""
        async with self._pool.connection() as connection, connection.cursor(binary=True) as cursor:
            await cursor.execute(pyformat(sql), params)
            row = await cursor.fetchone()
        self.statements += 1
        return bytes(row[0]) if row and row[0] is not None else None
