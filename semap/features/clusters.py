"""Server-side grid clusters: counts per grid cell sized to the zoom, so a map stays usable at any data size.

As GeoJSON for a view, and as vector tiles (the aggregated low-zoom layer): a tile's clusters are made of the
points inside the tile, so every point is counted once, in the tile that holds it, and a cell a tile edge cuts
through is two clusters, one on each side.
"""

from __future__ import annotations

import orjson

from semap.errors import InvalidParameter
from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import Layer
from semap.features.tiles import MAX_ZOOM, tile_envelope, tile_params
from semap.store.base import Store

CELLS_PER_TILE = 4  # about 64 px cells on 256 px tiles


def cell_size(zoom: int) -> float:
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidParameter("zoom", f"between 0 and {MAX_ZOOM}")
    return 360.0 / (2**zoom) / CELLS_PER_TILE


def clusters(store: Store, layer: Layer, flt: FeatureFilter, zoom: int) -> bytes:
    """Points at each occupied cell's mean position, with ``count``; one-feature cells carry the feature id."""
    cell = cell_size(zoom)
    where, params = where_clause(flt, layer, store.dialect.envelope)
    rows = store.fetch(
        f"SELECT floor(ST_X(t.geom) / :cell) AS gx, floor(ST_Y(t.geom) / :cell) AS gy, count(*), "
        f"avg(ST_X(t.geom)), avg(ST_Y(t.geom)), min(t.id) FROM {layer.table} t "
        f"WHERE t.geom IS NOT NULL AND {where} GROUP BY 1, 2 ORDER BY 1, 2",
        {**params, "cell": cell},
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]},
            "properties": {"count": int(n), "id": first if int(n) == 1 else None},
        }
        for _gx, _gy, n, lon, lat, first in rows
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def cluster_tile(store: Store, layer: Layer, flt: FeatureFilter, z: int, x: int, y: int) -> bytes:
    """A vector tile of the clusters in tile z/x/y (layer ``{layer}_clusters``): ``count`` on every point, ``id``
    on a one-feature cluster; the cells are those of ``clusters`` at zoom z."""
    box = tile_params(z, x, y)
    where, params = where_clause(flt, layer, store.dialect.envelope)
    mean = store.dialect.point.replace(":lon", "avg(ST_X(t.geom))").replace(":lat", "avg(ST_Y(t.geom))")
    tile_box = tile_envelope(store.dialect)
    cells = (
        f"(SELECT {mean} AS geom, count(*) AS count, CASE WHEN count(*) = 1 THEN min(t.id) END AS id "
        f"FROM {layer.table} t WHERE t.geom IS NOT NULL AND ST_Intersects(t.geom, {tile_box}) AND {where} "
        "GROUP BY floor(ST_X(t.geom) / :cell), floor(ST_Y(t.geom) / :cell)) t"
    )
    sql = store.dialect.mvt.format(columns="t.count, t.id", source=cells, where="TRUE", layer=f"{layer.name}_clusters")
    return store.fetch_bytes(sql, {**params, **box, "cell": cell_size(z)}) or b""
