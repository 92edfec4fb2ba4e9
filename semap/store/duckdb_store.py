"""One DuckDB data file with the spatial extension loaded from its pip wheel (no network).

A file is either being built (read-write, by one `semap build`, under a name of its own) or served (read-only,
by any number of processes). ``semap.store.embedded`` swaps finished files in; nothing writes a served file.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from semap.errors import StoreNotBuilt, StoreUnavailable
from semap.store.base import NAMED_PARAM, BeforeSwap, Dialect, Store, Tables, Transaction
from semap.store.duckdb_cursors import Cursors
from semap.store.duckdb_tiles import MVT, MVT_BY_TILE
from semap.store.schema import LOOKUP_INDEXES, SNAPSHOT_TABLES, TABLES, create_table_sql

if TYPE_CHECKING:  # frames come from a build; a server reading the file never loads pandas for it (~50 MB)
    import pandas as pd

    from semap.store.duckdb_instance import SpatialInstance

# Data files are built whole by `semap build`, never migrated in place: what must survive upgrades (pins, the
# geocoding cache) lives in the overlay (semap.store.overlay). 4: the overlay tables moved out of the file;
# 5: placement QA columns (precision, release, address_exists, district_named, written_district_differs);
# 6: living data (opening hours, resources' status and booking link).
SCHEMA_VERSION = "6"
# A served file of an older schema is migrated into a new generation, not rebuilt (semap.store.embedded):
# version -> statements reaching the next. Append, never edit.
DATA_MIGRATIONS: dict[str, tuple[str, ...]] = {
    "5": (
        "ALTER TABLE organizations ADD COLUMN IF NOT EXISTS opening_hours VARCHAR",
        "ALTER TABLE resources ADD COLUMN IF NOT EXISTS booking_url VARCHAR",
        "ALTER TABLE resources ADD COLUMN IF NOT EXISTS status VARCHAR",
    ),
}

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS dataset_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS districts (
    adm_code VARCHAR PRIMARY KEY, kostat_code VARCHAR NOT NULL UNIQUE,
    name_ko VARCHAR NOT NULL, name_en VARCHAR NOT NULL, geom GEOMETRY NOT NULL);
CREATE TABLE IF NOT EXISTS dongs (
    kostat_code VARCHAR PRIMARY KEY, name_ko VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
    district_adm_code VARCHAR NOT NULL, district_kostat_code VARCHAR NOT NULL, geom GEOMETRY NOT NULL);
CREATE INDEX IF NOT EXISTS districts_geom_idx ON districts USING RTREE (geom);
CREATE INDEX IF NOT EXISTS dongs_geom_idx ON dongs USING RTREE (geom);
"""
    + "".join(f"{create_table_sql(t, 'GEOMETRY')};\n" for t in SNAPSHOT_TABLES)
    + "".join(
        f"CREATE INDEX IF NOT EXISTS {t}_geom_idx ON {t} USING RTREE (geom);\n" for t in SNAPSHOT_TABLES if TABLES[t][2]
    )
    + "".join(f"CREATE INDEX IF NOT EXISTS {n} ON {t} ({c});\n" for n, t, c in LOOKUP_INDEXES)
)


def spatial_extension_path() -> Path:
    """The spatial extension binary shipped by the duckdb-extension-spatial wheel for this duckdb version."""
    root = resources.files("duckdb_extension_spatial") / "extensions" / f"v{duckdb.__version__}"
    path = Path(str(root)) / "spatial.duckdb_extension"
    if not path.is_file():
        raise StoreUnavailable(
            f"the DuckDB spatial extension for duckdb {duckdb.__version__} is not installed at {path}: "
            "install the matching duckdb-extension-spatial wheel"
        )
    return path


def spatial_connection(database: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to ``database`` (a file, or ":memory:") with the shipped spatial extension loaded, and no
    extension fetched or loaded on its own."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        # Memory a query freed goes back to the system within a second: without it a server kept the peak of its
        # busiest moment (30 MB more RSS after a burst of new tiles; README, issue 27).
        "allocator_background_threads": True,
    }
    connection = duckdb.connect(database, read_only=read_only, config=config)
    connection.execute(f"LOAD '{spatial_extension_path()}'")
    return connection


def _to_duckdb(sql: str) -> str:
    return NAMED_PARAM.sub(r"$\1", sql)


def _used(sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """DuckDB rejects parameters a statement does not use (PostGIS ignores them): pass only the used ones."""
    if not params:
        return {}
    names = set(NAMED_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in names}


# Values written into a read's SQL instead of bound: DuckDB's Python client imports pandas (about 50 MB) the first
# time it binds any parameter, and binding costs more than parsing a literal. Only values whose literal cannot
# leave its place: numbers SeMap parsed or computed (tile bounds, bounding boxes, limits) and strings of letters,
# digits and ``_.:-`` (codes such as a district's). Anything else — names, searches — stays a bound parameter.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_.:-]{0,64}")


def _literal(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"({value})"  # in parentheses: "- -1" must never become "--1", a comment
    if isinstance(value, float) and math.isfinite(value):
        return f"({value!r}::DOUBLE)"  # repr round-trips the double exactly
    if isinstance(value, str) and _PLAIN_TEXT.fullmatch(value):
        return f"'{value}'"
    return None


@lru_cache(maxsize=512)
def _pieces(sql: str) -> tuple[str, ...]:
    """The statement split at its parameters: text, name, text, name, …, text."""
    return tuple(NAMED_PARAM.split(sql))


def _with_literals(sql: str, params: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """DuckDB's statement for a read: plain values written in, the others bound (``$name``)."""
    pieces = _pieces(sql)
    if len(pieces) == 1:
        return sql, {}
    given = params or {}
    out, bound = [pieces[0]], {}
    for index in range(1, len(pieces), 2):
        name = pieces[index]
        literal = _literal(given[name]) if name in given else None
        if literal is None:
            out.append(f"${name}")
            if name in given:  # a missing one is DuckDB's error to report, as before
                bound[name] = given[name]
        else:
            out.append(literal)
        out.append(pieces[index + 1])
    return "".join(out), bound


def _fetched(cursor: duckdb.DuckDBPyConnection, statement: str, bound: dict[str, Any]) -> list[tuple[Any, ...]]:
    return (cursor.execute(statement, bound) if bound else cursor.execute(statement)).fetchall()


class _DuckTransaction(Transaction):
    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self._cursor.execute(_to_duckdb(sql), _used(sql, params))

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._cursor.executemany(_to_duckdb(sql), [_used(sql, row) for row in rows])

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        columns = [c for c in frame.columns if c not in ("lon", "lat")]
        select = ", ".join(columns)
        if "lon" in frame.columns:
            columns.append("geom")
            select += ", CASE WHEN lon IS NULL THEN NULL ELSE ST_Point(lon, lat) END"
        self._cursor.register("_frame", frame)
        try:
            self._cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM _frame")
        finally:
            self._cursor.unregister("_frame")


class DuckDBStore(Store):
    backend = "duckdb"
    dialect = Dialect(
        geom_from_wkb="ST_GeomFromWKB(:wkb)",
        point="ST_Point(:lon, :lat)",
        envelope="ST_MakeEnvelope(:minx, :miny, :maxx, :maxy)",
        mvt=MVT,
        mvt_by_tile=MVT_BY_TILE,
    )

    def __init__(
        self,
        path: Path,
        overlay: Tables,
        read_only: bool = False,
        version: str | None = None,
        attached_to: SpatialInstance | None = None,
    ) -> None:
        """``version``: the data version this file will be served as (semap.store.embedded names it by the
        generation), so what is computed from it before its swap is kept under the version readers will ask for.
        ``attached_to``: read-only, attached to that instance (semap.store.duckdb_instance) rather than opened."""
        self.path = path
        self._overlay = overlay
        self._version = version
        self._write_lock = threading.Lock()
        self._catalog: str | None = None
        if attached_to is not None:
            self._con, self._catalog = attached_to.attach(path)
            self._cursors = Cursors(self._con, self._catalog)
            self._detach = weakref.finalize(self, attached_to.release, self._catalog)
            return
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = spatial_connection(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreUnavailable(f"cannot open the embedded store {path}: {exc}") from None

    def describe(self) -> str:
        return f"duckdb:{self.path}"

    @property
    def overlay(self) -> Tables:
        return self._overlay

    def data_version(self) -> str:
        return self._version if self._version is not None else super().data_version()

    @contextmanager
    def staging(self, before_swap: BeforeSwap | None = None) -> Iterator[Store]:
        yield self  # a file being built is its own staging area
        if before_swap is not None:
            before_swap(self)

    @contextmanager
    def patching(self) -> Iterator[Store]:
        yield self  # a file being built: writes go straight in

    def upgrade_data(self) -> bool:
        """Migrate an older data file in place, step by step; False when it is too old to migrate."""
        version = self.schema_version()
        while version != SCHEMA_VERSION:
            if version not in DATA_MIGRATIONS:
                return False
            cursor = self._con.cursor()
            for statement in DATA_MIGRATIONS[version]:
                cursor.execute(statement)
            version = str(int(version) + 1)
            cursor.execute("INSERT OR REPLACE INTO dataset_meta VALUES ('schema_version', ?)", [version])
        return True

    def schema_version(self) -> str | None:
        try:
            found = self.fetch("SELECT value FROM dataset_meta WHERE key = 'schema_version'")
        except duckdb.CatalogException:
            return None
        return found[0][0] if found else None

    def check_built(self) -> None:
        version = self.schema_version()
        if version != SCHEMA_VERSION:
            raise StoreNotBuilt(
                f"the embedded store {self.path} was built by another SeMap version (schema {version}, this one "
                f"reads {SCHEMA_VERSION}): run `semap build`"
            )

    def migrate(self) -> None:
        cursor = self._con.cursor()
        cursor.execute("CREATE TABLE IF NOT EXISTS dataset_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        found = cursor.execute("SELECT value FROM dataset_meta WHERE key = 'schema_version'").fetchall()
        if found and found[0][0] != SCHEMA_VERSION and not self.upgrade_data():
            for table in (*TABLES, "dongs", "districts", "dataset_meta"):
                cursor.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
            cursor.execute("CREATE TABLE dataset_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        cursor.execute(SCHEMA)
        cursor.execute("INSERT OR REPLACE INTO dataset_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        # A cursor per call: DuckDB connections are not shared across threads, cursors are cheap.
        statement, bound = _with_literals(sql, params)
        if self._catalog is None:
            return _fetched(self._con.cursor(), statement, bound)
        with self._cursors.lent() as cursor:
            return _fetched(cursor, statement, bound)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._write_lock:
            cursor = self._con.cursor()
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield _DuckTransaction(cursor)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def finish(self) -> None:
        """Write everything into the file itself (no write-ahead log left beside it) and close it."""
        self._con.execute("CHECKPOINT")
        self._con.close()

    def close(self) -> None:
        if self._catalog is not None:  # the instance is shared: only this generation is let go of
            self._detach()
            return
        self._con.close()
