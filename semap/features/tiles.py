"""Tiles for both layers: GeoJSON tiles and Mapbox Vector Tiles made by the database, TileJSON documents.

The tile matrix set (its OGC definition, a point's tile) is morecantile's WebMercatorQuad; a tile's own bounds and
validity, asked for every new tile, are the plain spherical Mercator formula, which agrees with morecantile to
1e-9 degrees (tests/test_tile_math.py) at a hundredth of the cost (morecantile goes through PROJ: 60-140 µs a tile).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson

from semap.errors import InvalidParameter, NotFound
from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import Layer
from semap.features.queries import feature_dict, feature_rows
from semap.store.base import Dialect, Store

if TYPE_CHECKING:
    from morecantile import TileMatrixSet

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
SEOUL_BOUNDS = (126.76, 37.42, 127.19, 37.71)


@lru_cache(maxsize=1)
def web_mercator_quad() -> TileMatrixSet:
    """The OGC tile matrix set, for its definition and a point's tile: imported when first asked for, as morecantile
    brings PROJ (11 MB a process) that a server answering tiles and pages never needs."""
    import morecantile

    return morecantile.tms.get("WebMercatorQuad")


def check_tile(z: int, x: int, y: int) -> None:
    """A tile of the matrix, or the error a tile server answers (422 for the zoom, 404 outside the matrix)."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter("z", f"zoom must be between 0 and {MAX_ZOOM}")
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):  # outside the tile matrix: a tile that does not exist
        raise NotFound(f"no tile {z}/{x}/{y}: at zoom {z} x and y run from 0 to {side - 1}")


def geojson_tile(store: Store, layer: Layer, flt: FeatureFilter, z: int, x: int, y: int) -> bytes:
    box = tile_params(z, x, y)
    where, params = where_clause(flt, layer, store.dialect.envelope)
    envelope = tile_envelope(store.dialect)
    rows = feature_rows(store, layer, f"{where} AND ST_Intersects(t.geom, {envelope})", {**params, **box})
    return orjson.dumps({"type": "FeatureCollection", "features": [feature_dict(layer, r) for r in rows]})


def mvt_sql(dialect: Dialect, layer: Layer, flt: FeatureFilter) -> tuple[str, dict[str, object]]:
    """The vector-tile statement for a layer and filter, with the filter's parameters (add ``tile_params``)."""
    sql, params = _mvt_sql(dialect, layer, flt)
    return sql, dict(params)


@lru_cache(maxsize=256)
def _mvt_sql(dialect: Dialect, layer: Layer, flt: FeatureFilter) -> tuple[str, dict[str, object]]:
    # A map asks for tile after tile of the same layer and filter: the statement is put together once.
    where, params = where_clause(flt, layer, dialect.envelope)
    columns = ", ".join(f"t.{c}" for c in layer.tile_properties)
    return dialect.mvt.format(columns=columns, source=f"{layer.table} t", where=where, layer=layer.name), params


def _latitude(row: float, side: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / side))))


def lon_lat_box(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of tile z/x/y in degrees, by the Web Mercator formula (about a microsecond)."""
    check_tile(z, x, y)
    side = 1 << z
    return x / side * 360.0 - 180.0, _latitude(y + 1, side), (x + 1) / side * 360.0 - 180.0, _latitude(y, side)


def tile_params(z: int, x: int, y: int) -> dict[str, object]:
    """The tile's indices and its box in EPSG:4326 (what the tile statement selects by)."""
    left, bottom, right, top = lon_lat_box(z, x, y)
    return {"z": z, "x": x, "y": y, "tminx": left, "tminy": bottom, "tmaxx": right, "tmaxy": top}


def tile_envelope(dialect: Dialect) -> str:
    """The dialect's box over the tile's own parameters (``:tminx`` … from ``tile_params``)."""
    return dialect.envelope.replace(":min", ":tmin").replace(":max", ":tmax")


def mvt_statement(dialect: Dialect, layer: Layer, flt: FeatureFilter, z: int, x: int, y: int) -> tuple[str, dict]:
    """The vector-tile statement of tile z/x/y with all its parameters (a tile outside the matrix raises)."""
    box = tile_params(z, x, y)
    sql, params = mvt_sql(dialect, layer, flt)
    return sql, {**params, **box}


def mvt_tile(store: Store, layer: Layer, flt: FeatureFilter, z: int, x: int, y: int) -> bytes:
    return store.fetch_bytes(*mvt_statement(store.dialect, layer, flt, z, x, y)) or b""


def tilejson(layer: Layer, base_url: str, query: str) -> dict[str, Any]:
    suffix = f"?{query}" if query else ""
    return {
        "tilejson": "3.0.0",
        "name": f"semap-{layer.name}",
        "scheme": "xyz",
        "tiles": [f"{base_url}/tiles/{layer.name}/{{z}}/{{x}}/{{y}}.mvt{suffix}"],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": list(SEOUL_BOUNDS),
        "center": [126.978, 37.566, 11],
        "vector_layers": [{"id": layer.name, "fields": {c: "String" for c in layer.tile_properties}}],
    }
