"""The store contract both backends honour, with the SQL they share.

Queries are written once in the SQL both PostGIS and DuckDB-spatial understand, with ``:name`` parameters;
each backend supplies execution, transactions and the few expressions that differ (see ``Dialect``).
"""

from __future__ import annotations

import os
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from semap.errors import StoreNotBuilt, StoreUnavailable
from semap.store.geojson import feature_collection

if TYPE_CHECKING:  # pandas and geopandas load only where a build needs them: the CLI starts fast
    import pandas as pd

    from semap.geodata.boundaries import Boundaries

DISTRICT_PROPERTIES = ("adm_code", "kostat_code", "name_ko", "name_en")
DONG_PROPERTIES = ("kostat_code", "name_ko", "name_en", "district_adm_code", "district_kostat_code")


@dataclass(frozen=True)
class Dialect:
    geom_from_wkb: str  # SQL turning the parameter :wkb into a geometry in EPSG:4326
    point: str  # SQL for the point (:lon, :lat) in EPSG:4326
    envelope: str  # SQL for the box (:minx, :miny, :maxx, :maxy) in EPSG:4326
    mvt: str  # vector tile of {columns} FROM {source} WHERE {where} at (:z, :x, :y), layer {layer}
    # Every tile of zoom {z} named in {boxes} at once, as (x, y, tile) rows; None: a store that makes each
    # tile on demand fast enough (semap.features.tiles_ahead)
    mvt_by_tile: str | None = None


class Transaction(ABC):
    """Statements run inside one store transaction."""

    @abstractmethod
    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None: ...

    @abstractmethod
    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Bulk insert; columns ``lon``/``lat``, when present, become the row's point geometry."""


class Tables(Protocol):
    """What the overlay tables (pins, geocoding cache) are read and written through."""

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]: ...

    def transaction(self) -> AbstractContextManager[Transaction]: ...


BeforeSwap = Callable[["Store"], None]
# A ``:name`` parameter of the shared SQL (not a ``::type`` cast); each backend rewrites it to its driver's style.
NAMED_PARAM = re.compile(r"(?<![:\w]):(\w+)")

# The dong of a placed record ({column}: kostat_code or district_adm_code) by point-in-polygon, the lowest code when
# the point lies on an edge two dongs share. ASSIGN_AREAS sets both for an edited record ("id = :id"); a build
# computes the same in Python (semap.pipeline.areas), tested against this.
DONG_OF = "SELECT d.{column} FROM dongs d WHERE ST_Intersects(d.geom, {table}.geom) ORDER BY d.kostat_code LIMIT 1"
ASSIGN_AREAS = (
    f"UPDATE {{table}} SET district_adm_code = ({DONG_OF.format(column='district_adm_code', table='{table}')}), "
    f"dong_code = ({DONG_OF.format(column='kostat_code', table='{table}')}) WHERE {{where}}"
)


class AsyncReader(Protocol):
    """Reads on the event loop, for a backend that has them (PostGIS): opened and closed by the server."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]: ...

    async def fetch_bytes(self, sql: str, params: dict[str, Any]) -> bytes | None: ...

    async def fetch_each(self, statements: Sequence[tuple[str, dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        """Each statement's rows, read one after another on one connection (a page's rows and its count)."""
        ...


class Store(ABC):
    backend: str
    dialect: Dialect
    # Answers a server computes from this store at once (the others queue: semap.api.admission). The embedded
    # store: twice the cores (DuckDB runs each query on every core; more at once only slows them all); PostGIS:
    # its pool of connections.
    capacity: int = 2 * (os.cpu_count() or 1)
    # Called in a thread of its own once another process's new data are open and before they are served, with
    # them served to that thread's context only (the embedded store; a server makes its most-asked answers for them
    # there: semap.api.priming). PostGIS swaps in the database: its servers see new data at once.
    before_serving: Callable[[], None] | None = None

    # --- what each backend provides -------------------------------------------------------------------
    @abstractmethod
    def migrate(self) -> None:
        """Bring the schema to the current version (idempotent)."""

    @abstractmethod
    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]:
        """All or nothing: on any exception nothing of the block is visible to readers."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the store lives, for logs and error messages (no secrets)."""

    @property
    @abstractmethod
    def overlay(self) -> Tables:
        """The tables a rebuild keeps: manual pins and the geocoding cache."""

    @abstractmethod
    def staging(self, before_swap: BeforeSwap | None = None) -> AbstractContextManager[Store]:
        """Where a build writes. One build at a time (another gets BuildInProgress); readers keep seeing the
        previous data until each swap commits; a build that fails or is killed leaves them serving it.
        ``before_swap(target)`` runs last, holding the lock live edits take (``patching``): the edits overlay is
        applied there, so no edit made during a build is lost by its swap."""

    @abstractmethod
    def patching(self) -> AbstractContextManager[Store]:
        """A small change to the served records (a person's edit), swapped in whole like a build, with a new
        data version; edits wait for each other and for a build's ``before_swap``, never for a whole build.
        The yielded store's ``overlay`` writes commit with the patch where the backend can (PostGIS)."""

    def fetch_bytes(self, sql: str, params: dict[str, Any] | None = None) -> bytes | None:
        """The single binary value a query returns (a vector tile), or None when it returns no row or NULL."""
        rows = self.fetch(sql, params)
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def data_version(self) -> str:
        """Changes whenever a build swaps data in: the key for caches of derived tables and pages."""
        rows = self.fetch("SELECT value FROM dataset_meta WHERE key = 'data_version'")
        return str(rows[0][0]) if rows else ""

    def async_reader(self) -> AsyncReader | None:
        """A reader for the event loop, or None: DuckDB answers in-process and is read in the thread pool."""
        return None

    def derived(self, name: str, version: str) -> str | None:
        """The body kept for the derived table ``name`` computed at data ``version``, if any."""
        try:
            rows = self.overlay.fetch(
                "SELECT body FROM derived_tables WHERE name = :name AND data_version = :version",
                {"name": name, "version": version},
            )
        except Exception as exc:  # each driver raises its own kind; the caller recomputes
            raise StoreUnavailable(f"{self.describe()}: cannot read the kept table {name!r}: {exc}") from exc
        return str(rows[0][0]) if rows else None

    def keep_derived(self, name: str, version: str, body: str) -> None:
        """Keep ``body`` as the derived table ``name`` at data ``version``; tables of older versions go."""
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self.overlay.transaction() as tx:
                tx.execute("DELETE FROM derived_tables WHERE data_version <> :version", {"version": version})
                # Two processes may compute the same table at once: the second write replaces the first.
                tx.execute(
                    "INSERT INTO derived_tables (name, data_version, body, computed_at) "
                    "VALUES (:name, :version, :body, :at) ON CONFLICT (name) DO UPDATE SET "
                    "data_version = excluded.data_version, body = excluded.body, computed_at = excluded.computed_at",
                    {"name": name, "version": version, "body": body, "at": stamp},
                )
        except Exception as exc:  # each driver raises its own kind; keeping is best effort
            raise StoreUnavailable(f"{self.describe()}: cannot keep the table {name!r}: {exc}") from exc

    # --- the shared contract --------------------------------------------------------------------------
    def replace_boundaries(self, boundaries: Boundaries) -> None:
        """Swap in districts and dongs in one transaction; the previous data stay until it commits."""
        districts = [
            {**{k: row[k] for k in DISTRICT_PROPERTIES}, "wkb": row["geometry"].wkb}
            for row in boundaries.districts.to_dict("records")
        ]
        dongs = [
            {**{k: row[k] for k in DONG_PROPERTIES}, "wkb": row["geometry"].wkb}
            for row in boundaries.dongs.to_dict("records")
        ]
        geom = self.dialect.geom_from_wkb
        with self.transaction() as tx:
            tx.execute("DELETE FROM dongs")
            tx.execute("DELETE FROM districts")
            tx.executemany(
                "INSERT INTO districts (adm_code, kostat_code, name_ko, name_en, geom) "
                f"VALUES (:adm_code, :kostat_code, :name_ko, :name_en, {geom})",
                districts,
            )
            tx.executemany(
                "INSERT INTO dongs (kostat_code, name_ko, name_en, district_adm_code, district_kostat_code, geom) "
                f"VALUES (:kostat_code, :name_ko, :name_en, :district_adm_code, :district_kostat_code, {geom})",
                dongs,
            )
            self.set_meta(tx, {"boundaries_vintage": boundaries.vintage})

    def set_meta(self, tx: Transaction, values: dict[str, str]) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        # data_version changes with every swap, even two in one second: caches of derived tables key on it.
        for key, value in {**values, "loaded_at": stamp, "data_version": uuid.uuid4().hex}.items():
            tx.execute("DELETE FROM dataset_meta WHERE key = :key", {"key": key})
            tx.execute("INSERT INTO dataset_meta (key, value) VALUES (:key, :value)", {"key": key, "value": value})

    def meta(self) -> dict[str, str]:
        return dict(self.fetch("SELECT key, value FROM dataset_meta ORDER BY key"))

    def count(self, table: str) -> int:
        if table not in {"districts", "dongs"}:
            raise ValueError(f"unknown table {table!r}")
        return int(self.fetch(f"SELECT count(*) FROM {table}")[0][0])

    def _require_built(self) -> None:
        if self.count("districts") == 0:
            raise StoreNotBuilt(f"the store at {self.describe()} holds no districts yet: run `semap build`")

    def districts_geojson(self, simplify: float | None = None) -> bytes:
        """The 25 districts as an RFC 7946 FeatureCollection; geometry JSON comes from the database.
        ``simplify``: a tolerance in degrees for maps (the full boundaries weigh about 1 MB)."""
        self._require_built()
        geometry = f"ST_SimplifyPreserveTopology(geom, {float(simplify)})" if simplify else "geom"
        rows = self.fetch(
            f"SELECT adm_code, kostat_code, name_ko, name_en, ST_AsGeoJSON({geometry}) FROM districts ORDER BY adm_code"
        )
        return feature_collection(DISTRICT_PROPERTIES, rows, id_field="adm_code")

    def district_rows(self) -> list[dict[str, Any]]:
        """Districts as flat rows with their centroid (lon, lat), for tables."""
        self._require_built()
        rows = self.fetch(
            "SELECT adm_code, kostat_code, name_ko, name_en, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) "
            "FROM districts ORDER BY adm_code"
        )
        names = (*DISTRICT_PROPERTIES, "centroid_lon", "centroid_lat")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def dongs_geojson(self, district_adm_code: str | None = None, simplify: float | None = None) -> bytes:
        self._require_built()
        where = "WHERE district_adm_code = :district" if district_adm_code else ""
        geometry = f"ST_SimplifyPreserveTopology(geom, {float(simplify)})" if simplify else "geom"
        rows = self.fetch(
            f"SELECT {', '.join(DONG_PROPERTIES)}, ST_AsGeoJSON({geometry}) FROM dongs {where} ORDER BY kostat_code",
            {"district": district_adm_code} if district_adm_code else None,
        )
        return feature_collection(DONG_PROPERTIES, rows, id_field="kostat_code")

    def locate(self, lon: float, lat: float) -> tuple[str, str] | None:
        """(district adm_code, dong kostat_code) of the dong containing the point, or None outside Seoul."""
        rows = self.fetch(
            "SELECT district_adm_code, kostat_code FROM dongs "
            f"WHERE ST_Intersects(geom, {self.dialect.point}) ORDER BY kostat_code LIMIT 1",
            {"lon": lon, "lat": lat},
        )
        return (rows[0][0], rows[0][1]) if rows else None
