"""Server-side grid clusters: counts per grid cell sized to the zoom, so a map stays usable at any data size."""

from __future__ import annotations

import orjson

from semap.errors import InvalidParameter
from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import Layer
from semap.features.tiles import MAX_ZOOM
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
