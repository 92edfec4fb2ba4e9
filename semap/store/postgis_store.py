"""The production store: PostGIS through SQLAlchemy 2 + GeoAlchemy2, schema migrated with Alembic."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from semap.errors import BuildInProgress, ConfigError, StoreBusy, StoreUnavailable
from semap.store.base import NAMED_PARAM, BeforeSwap, Dialect, Store, Tables, Transaction

if TYPE_CHECKING:  # pandas loads with a build, not with a server
    import pandas as pd
    import psycopg

    from semap.store.postgis_async import AsyncReader

_SQL_TYPES = {
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "float64": "DOUBLE PRECISION",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
}
# {source} is the layer's table alone (tiles carry no joined column); :tminx.. is the tile in EPSG:4326.
MVT = """
WITH mvtgeom AS (
    SELECT ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom, {columns}
    FROM {source}
    WHERE t.geom IS NOT NULL AND ST_Intersects(t.geom, ST_MakeEnvelope(:tminx, :tminy, :tmaxx, :tmaxy, 4326))
      AND {where}
)
SELECT ST_AsMVT(mvtgeom.*, '{layer}', 4096, 'geom') FROM mvtgeom HAVING count(*) > 0
"""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration (tested against Alembic's own head): a server starting on an up-to-date database checks
# this one value instead of loading Alembic and every migration script.
HEAD_REVISION = "0007"
BUILD_LOCK = 0x5E4D_0B11  # pg_advisory_lock key held by the one running `semap build`
EDITS_LOCK = 0x5E4D_0E17  # transaction lock: one edit at a time, and a build's last step (applying the edits)
# Per session: no JIT (it compiles for large estimated costs, then a tile takes 50 ms longer) and no parallel
# plans (their workers start per query and inflate big tiles' latency).
SESSION_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0"}
SESSION_OPTIONS = " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())


# What PostgreSQL says when it refuses a connection for want of room (SQLSTATE 53300, which psycopg does not pass on
# for a failed connection): per server, per database, per role, or only superusers' slots left.
FULL = ("too many clients", "too many connections", "connection slots are reserved")
# Failures that waiting does not mend (everything else — not listening yet, starting up, a name not resolving yet
# while docker compose creates the network — is worth retrying).
LASTING = ("password authentication failed", "does not exist", "no pg_hba.conf entry", "permission denied")


def refusal(exc: Exception, where: str) -> StoreUnavailable:
    """A failed connection as SeMap's error: StoreBusy when the database is full, else StoreUnavailable; both are
    answered 503 with Retry-After."""
    message = str(getattr(exc, "orig", exc)).strip()
    reason = (message.splitlines() or [type(exc).__name__])[0]
    if any(phrase in message for phrase in FULL):
        return StoreBusy(f"the database at {where} takes no more connections ({reason}); try again shortly")
    transient = not any(phrase in message for phrase in LASTING)
    return StoreUnavailable(f"cannot connect to PostGIS at {where}: {reason}", retry_after_s=5, transient=transient)


def normalize_url(url: str) -> str:
    """Accept postgresql:// and postgres:// too; SeMap always talks psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class _PgTransaction(Transaction):
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self._connection.execute(text(sql), params or {})

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._connection.execute(text(sql), list(rows))

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """COPY into a temporary table, then one INSERT … SELECT that builds the geometries."""
        if frame.empty:
            return
        staging = f"_stage_{table}"
        types = {c: _SQL_TYPES.get(str(frame[c].dtype), "TEXT") for c in frame.columns}
        self._connection.execute(text(f"DROP TABLE IF EXISTS {staging}"))
        ddl = ", ".join(f"{c} {t}" for c, t in types.items())
        self._connection.execute(text(f"CREATE TEMP TABLE {staging} ({ddl}) ON COMMIT DROP"))
        driver = self._connection.connection.driver_connection
        assert driver is not None  # an open connection always has its psycopg connection
        cursor = driver.cursor()
        with cursor.copy(f"COPY {staging} ({', '.join(frame.columns)}) FROM STDIN") as copy:
            for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None):
                copy.write_row(row)
        columns = [c for c in frame.columns if c not in ("lon", "lat")]
        select = ", ".join(columns)
        if "lon" in frame.columns:
            columns.append("geom")
            select += ", ST_SetSRID(ST_Point(lon, lat), 4326)"
        self._connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {staging}"))


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """The shared SQL's ``:name`` parameters in psycopg's ``%(name)s`` style (a literal % doubled); the statements
    are few and repeat, and the rewrite cost 15 µs."""
    return NAMED_PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


class PostGISStore(Store):
    backend = "postgis"
    dialect = Dialect(
        geom_from_wkb="ST_GeomFromWKB(:wkb, 4326)",
        point="ST_SetSRID(ST_Point(:lon, :lat), 4326)",
        envelope="ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)",
        mvt=MVT,
    )

    def __init__(
        self,
        url: str,
        pool_size: int = 10,
        data_version_ttl_s: float = 1.0,
        tile_pool_size: int = 5,
        pool_timeout_s: float = 4.0,
    ) -> None:
        try:
            self._url = make_url(normalize_url(url))
        except ArgumentError as exc:
            raise ConfigError(f"SEMAP_DATABASE_URL is not a valid database URL: {exc}") from None
        # Connections are kept, never opened per request: a statement on a fresh session costs 75-90 ms. No
        # pre-ping (a round trip per checkout); a connection the server dropped is invalidated on its first error.
        # No overflow: the pool is this process's share of max_connections (SEMAP_DB_CONNECTIONS); a request that
        # finds every connection busy for pool_timeout_s is answered 503, not queued for ever.
        self.engine = create_engine(
            self._url,
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=pool_timeout_s,
            pool_recycle=3600,
            connect_args={"connect_timeout": 5, "options": SESSION_OPTIONS},
        )
        self.capacity = pool_size
        # Reads run in autocommit: no BEGIN before and no ROLLBACK after each query (two round trips saved).
        self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._version_ttl_s = data_version_ttl_s
        self._tile_pool_size = tile_pool_size
        self._pool_timeout_s = pool_timeout_s
        self._version: tuple[float, str] | None = None  # (read at, value)
        self._version_lock = threading.Lock()
        with self._connected(self.engine) as connection:
            connection.execute(text("SELECT 1"))

    @contextmanager
    def _connected(self, engine: Engine) -> Iterator[Connection]:
        """A pooled connection, or the reason there is none as a 503 with Retry-After: every connection of this
        process busy (StoreBusy), PostgreSQL refusing more (StoreBusy), or the database unreachable."""
        try:
            connection = engine.connect()
        except SATimeoutError:
            raise StoreBusy(
                f"all {self.capacity} database connections of this server are busy; try again shortly"
            ) from None
        except (DBAPIError, SQLAlchemyError) as exc:
            raise refusal(exc, self.describe()) from None
        with connection:
            yield connection

    def describe(self) -> str:
        return self._url.render_as_string(hide_password=True).replace("+psycopg", "")

    def async_reader(self) -> AsyncReader:
        from semap.store.postgis_async import AsyncReader  # asyncpg: loaded by servers only

        dsn = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
        return AsyncReader(dsn, self._tile_pool_size, SESSION_SETTINGS, self._pool_timeout_s)

    def migrate(self) -> None:
        try:
            with self._connected(self._reader) as connection:
                current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            current = None  # a new database: no version table yet
        if current == HEAD_REVISION:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0]
            raise StoreUnavailable(f"cannot migrate the PostGIS schema at {self.describe()}: {reason}") from None

    @contextmanager
    def _cursor(self, binary: bool = False) -> Iterator[psycopg.Cursor[Any]]:
        # psycopg's own cursor on a pooled autocommit connection: its rows are tuples already (SQLAlchemy's result
        # fetched them one by one, a tenth of a feature page's CPU, to build Row objects turned back into tuples).
        with self._connected(self._reader) as connection:
            driver = connection.connection.driver_connection
            assert driver is not None  # an open connection always has its psycopg connection
            with driver.cursor(binary=binary) as cursor:
                yield cursor

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._cursor() as cursor:
            cursor.execute(pyformat(sql), params or {})
            return cursor.fetchall() if cursor.description is not None else []

    def fetch_bytes(self, sql: str, params: dict[str, Any] | None = None) -> bytes | None:
        # Binary protocol: a bytea (a vector tile) arrives as bytes, not as hex text decoded on the client.
        with self._cursor(binary=True) as cursor:
            cursor.execute(pyformat(sql), params or {})
            row = cursor.fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def data_version(self) -> str:
        """Read at most once per ``data_version_ttl_s``: a cached tile costs no round trip. This process's own
        builds and edits reset it at once; another process's build is seen within the TTL."""
        now = time.monotonic()
        known = self._version
        if known is not None and now - known[0] < self._version_ttl_s:
            return known[1]
        with self._version_lock:
            value = super().data_version()
            self._version = (now, value)
        return value

    def forget_data_version(self) -> None:
        self._version = None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        try:
            with self._connected(self.engine) as connection, connection.begin():
                yield _PgTransaction(connection)
        finally:
            self.forget_data_version()

    @property
    def overlay(self) -> Tables:
        return self  # pins and the geocoding cache are tables of the same database

    @contextmanager
    def staging(self, before_swap: BeforeSwap | None = None) -> Iterator[Store]:
        # The whole build is one transaction: readers see the previous data until it commits, and a build that
        # fails or dies is rolled back by the server. The session lock keeps a second build out.
        with self._connected(self.engine) as connection:
            if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": BUILD_LOCK}).scalar():
                raise BuildInProgress(f"another `semap build` is running against {self.describe()}; try again later")
            connection.commit()
            try:
                with connection.begin():
                    staging = _PostGISStaging(self, connection)
                    yield staging
                    if before_swap is not None:
                        # Held to the commit: an edit committed before this is applied here; one after waits.
                        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EDITS_LOCK})
                        before_swap(staging)
            finally:
                self.forget_data_version()
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": BUILD_LOCK})
                connection.commit()

    @contextmanager
    def patching(self) -> Iterator[Store]:
        try:
            with self._connected(self.engine) as connection, connection.begin():
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EDITS_LOCK})
                yield _PostGISPatch(self, connection)
        finally:
            self.forget_data_version()

    def close(self) -> None:
        self.engine.dispose()


class _PostGISStaging(Store):
    """A build in progress: one connection inside one transaction; each swap is a savepoint within it."""

    backend = PostGISStore.backend
    dialect = PostGISStore.dialect

    def __init__(self, parent: PostGISStore, connection: Connection) -> None:
        self._parent, self._connection = parent, connection

    def describe(self) -> str:
        return self._parent.describe()

    def migrate(self) -> None:
        self._parent.migrate()

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._connection.execute(text(sql), params or {})]

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._connection.begin_nested():
            yield _PgTransaction(self._connection)

    @property
    def overlay(self) -> Tables:
        return self._parent  # the geocoding cache commits on its own: what a failed build learnt is kept

    @contextmanager
    def staging(self, before_swap: BeforeSwap | None = None) -> Iterator[Store]:
        yield self
        if before_swap is not None:
            before_swap(self)

    @contextmanager
    def patching(self) -> Iterator[Store]:
        yield self

    def close(self) -> None:
        """The transaction belongs to PostGISStore.staging(), which ends it."""


class _PostGISPatch(_PostGISStaging):
    """An edit: the overlay tables are written in the same transaction as the records, all or nothing."""

    @property
    def overlay(self) -> Tables:
        return self
