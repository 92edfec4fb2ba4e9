"""The base layers' public records, read once per data version, for the pages a map and a list ask for.

A page of features is two DuckDB statements costing 3-4 ms of CPU, most of it DuckDB's per column and per statement
rather than per record (issue 27: 0.3x PostGIS on pages nobody had asked for yet). The records a page is cut from
are the plain page statement's own rows (the same SQL without its limit, every public property, in id order), so a
page made here holds the same values in the same order; its filters are the district and the box a map and a list
send, their values parsed by ``where_clause`` as for the statement, tested as the statement tests them (the code;
a point inside or on the edge of the box). Anything else is the statement's. Read only while the layers hold at
most ``max_records`` records in all: a larger registry's pages are made by the store.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from semap.features.filters import FeatureFilter, plain_conditions, where_clause
from semap.features.layers import LAYERS, Layer, from_clause, select_list
from semap.features.queries import PageQuery
from semap.store.base import Store


@dataclass(frozen=True)
class Records:
    rows: list[tuple[Any, ...]]  # the page statement's rows: every public property, then the geometry's JSON
    points: list[tuple[float, float] | None]  # each row's point (lon, lat), None without one
    districts: list[str | None]  # each row's district_adm_code
    by_district: dict[str | None, list[int]]  # the rows of each district, in id order
    by_lon: list[int]  # the rows with a point, west to east
    lons: list[float]  # their longitudes, in that order (bisected for a box)

    def matching(self, district: str | None, box: tuple[float, float, float, float] | None) -> list[int]:
        """The rows a page of ``district`` and ``box`` is cut from, in id order: a district's rows, or the rows
        whose longitude is within the box (bisected), tested for the rest; not every row for every page."""
        if box is None:
            return self.by_district.get(district, []) if district is not None else list(range(len(self.rows)))
        west, east = bisect_left(self.lons, box[0]), bisect_right(self.lons, box[2])
        found = [
            i
            for i in self.by_lon[west:east]
            if _inside(self.points[i], box) and (district is None or self.districts[i] == district)
        ]
        return sorted(found)


@dataclass
class RecordsAhead:
    layers: dict[str, Records] = field(default_factory=dict)
    seconds: float = 0.0

    def page(self, query: PageQuery, flt: FeatureFilter, limit: int, offset: int) -> tuple[list[tuple[Any, ...]], int]:
        """The rows of ``query`` (a page of ``flt``: district and bbox at most) and how many match; KeyError when
        this layer was not read."""
        records = self.layers[query.layer.name]
        _, params = where_clause(flt, query.layer, "")  # the filter's values, parsed and checked as for the SQL
        district = params.get("district")
        box = (params["minx"], params["miny"], params["maxx"], params["maxy"]) if "minx" in params else None
        matched = records.matching(district, box)
        chosen = [query.layer.properties.index(name) for name in query.properties]
        rows = [records.rows[i] for i in matched[offset : offset + limit]]
        return [(*(row[c] for c in chosen), row[-1]) for row in rows], len(matched)

    def summary(self) -> dict[str, object]:
        counts = {name: len(records.rows) for name, records in self.layers.items()}
        return {"records": counts, "seconds": round(self.seconds, 3)}


def _inside(point: tuple[float, float] | None, box: tuple[float, float, float, float]) -> bool:
    # ST_Intersects of a point and a box: inside or on its edge; a record without a point is in no box.
    if point is None:
        return False
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def read_records(store: Store, max_records: int) -> RecordsAhead:
    """Both layers' public records, or none when they hold more than ``max_records`` in all."""
    started = time.process_time()
    ahead = RecordsAhead()
    counted = {name.value: _plain_count(store, layer) for name, layer in LAYERS.items()}
    if sum(counted.values()) > max_records:
        return ahead
    for name, layer in LAYERS.items():
        ahead.layers[name.value] = _read(store, layer)
    ahead.seconds = time.process_time() - started
    return ahead


def _plain_count(store: Store, layer: Layer) -> int:
    return int(store.fetch(f"SELECT count(*) FROM {layer.table} t WHERE {plain_conditions(layer)}")[0][0])


def _read(store: Store, layer: Layer) -> Records:
    # The page statement (semap.features.queries.features_sql) without its limit, and each row's point after it.
    columns = f"{select_list(layer)}, ST_AsGeoJSON(t.geom), ST_X(t.geom), ST_Y(t.geom)"
    found = store.fetch(f"SELECT {columns} FROM {from_clause(layer)} WHERE {plain_conditions(layer)} ORDER BY t.id")
    district = layer.properties.index("district_adm_code")
    rows = [row[:-2] for row in found]
    points: list[tuple[float, float] | None] = [
        None if row[-2] is None else (float(row[-2]), float(row[-1])) for row in found
    ]
    districts = [row[district] for row in rows]
    by_district: dict[str | None, list[int]] = {}
    for index, code in enumerate(districts):
        by_district.setdefault(code, []).append(index)
    by_lon = sorted((i for i, point in enumerate(points) if point is not None), key=lambda i: points[i][0])  # type: ignore[index]
    lons = [points[i][0] for i in by_lon]  # type: ignore[index]
    return Records(rows, points, districts, by_district, by_lon, lons)
