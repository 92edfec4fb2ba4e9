"""Tiles for both layers: GeoJSON tiles and Mapbox Vector Tiles made by the database, TileJSON documents.

Tile math (bounds, validity) comes from morecantile's WebMercatorQuad.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import morecantile
import orjson

from semap.errors import InvalidParameter, NotFound
from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import Layer
from semap.features.queries import feature_dict, feature_rows
from semap.store.base import Dialect, Store

TMS = morecantile.tms.get("WebMercatorQuad")
MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
SEOUL_BOUNDS = (126.76, 37.42, 127.19, 37.71)


def check_tile(z: int, x: int, y: int) -> morecantile.Tile:
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter("z", f"zoom must be between 0 and {MAX_ZOOM}")
    tile = morecantile.Tile(x, y, z)
    if not TMS.is_valid(tile):  # outside the tile matrix: a tile that does not exist, as tile servers answer
        raise NotFound(f"no tile {z}/{x}/{y}: at zoom {z} x and y run from 0 to {2**z - 1}")
    return tile


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


@lru_cache(maxsize=2**16)
def _lon_lat_box(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    # morecantile goes through PROJ (64 µs a tile, a tenth of an uncached tile's CPU); a map asks for the same
    # tiles again and again, and 65,536 boxes are a few MB.
    bounds = TMS.bounds(check_tile(z, x, y))
    return bounds.left, bounds.bottom, bounds.right, bounds.top


def tile_params(z: int, x: int, y: int) -> dict[str, object]:
    """The tile's indices and its box in EPSG:4326 (what the tile statement selects by)."""
    left, bottom, right, top = _lon_lat_box(z, x, y)
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
