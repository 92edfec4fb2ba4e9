"""Finding records in the whole city: a text search ordered by the map's view, and the nearest records to a point.

Both answer on the two stores with the same portable SQL. Distances are metres on a local plane tangent at the
reference point (an equirectangular projection): within Seoul, some 40 km across, it is within 0.1 % of the
geodesic distance, and it needs no geography type, which DuckDB does not have.
"""

from __future__ import annotations

import math
from typing import Any

from semap.errors import InvalidParameter
from semap.features.filters import FeatureFilter, parse_bbox, where_clause
from semap.features.layers import Layer, from_clause, select_list
from semap.features.queries import chosen_properties, feature_dict
from semap.store.base import Store

MAX_RESULTS = 500
MAX_NEAR = 100


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at ``lat`` (the WGS 84 ellipsoid's series)."""
    phi = math.radians(lat)
    along_lat = 111_132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    along_lon = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
    return along_lon, along_lat


def _distance_sql(alias: str = "t") -> str:
    return f"sqrt(power((ST_X({alias}.geom) - :cx) * :kx, 2) + power((ST_Y({alias}.geom) - :cy) * :ky, 2))"


def _reference(lon: float, lat: float) -> dict[str, float]:
    kx, ky = metres_per_degree(lat)
    return {"cx": lon, "cy": lat, "kx": kx, "ky": ky}


def _check_point(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        raise InvalidParameter("lon", "a longitude in [-180, 180]")
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise InvalidParameter("lat", "a latitude in [-90, 90]")


def _limit(limit: int, most: int) -> int:
    if not 1 <= limit <= most:
        raise InvalidParameter("limit", f"between 1 and {most}")
    return limit


def _features(
    store: Store, layer: Layer, sql: str, params: dict[str, Any], chosen: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Rows of (properties…, geometry JSON, in_view, distance) as features; ``in_view`` and ``distance_m`` join
    the properties, the distance rounded to the metre."""
    features = []
    for row in store.fetch(sql, params):
        *record, in_view, distance = row
        feature = feature_dict(layer, tuple(record), chosen)
        feature["properties"]["in_view"] = bool(in_view)
        feature["properties"]["distance_m"] = None if distance is None else round(float(distance))
        features.append(feature)
    return features


def search(
    store: Store, layer: Layer, flt: FeatureFilter, limit: int = 100, properties: str | None = None
) -> dict[str, Any]:
    """Every placed record matching ``flt.q`` (and the other filters) in the whole city. ``flt.bbox`` is the
    map's view, not a bound: matches inside it come first, then the rest by distance from its centre. The
    answer counts all matches (numberMatched), those in the view (numberInView), and gives the box around all
    of them (bbox), so a map can offer to show every one."""
    if not (flt.q or "").strip():
        raise InvalidParameter("q", "a search needs some text")
    chosen = chosen_properties(layer, properties)
    _limit(limit, MAX_RESULTS)
    where, params = where_clause(FeatureFilter.of(**{**flt.as_params(), "bbox": None}), layer, store.dialect.envelope)
    where += " AND t.geom IS NOT NULL"
    if flt.bbox:
        minx, miny, maxx, maxy = parse_bbox(flt.bbox)
        params.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy, **_reference((minx + maxx) / 2, (miny + maxy) / 2))
        in_view = f"CASE WHEN ST_Intersects(t.geom, {store.dialect.envelope}) THEN 1 ELSE 0 END"
        distance = _distance_sql()
        order = "in_view DESC, distance_m, t.id"
    else:
        in_view, distance, order = "0", "NULL", "t.name, t.id"
    columns = select_list(layer, "t", chosen)
    source = from_clause(layer)
    rows_sql = (
        f"SELECT {columns}, ST_AsGeoJSON(t.geom), {in_view} AS in_view, {distance} AS distance_m "
        f"FROM {source} WHERE {where} ORDER BY {order} LIMIT :limit"
    )
    features = _features(store, layer, rows_sql, {**params, "limit": limit}, chosen)
    summary = store.fetch(
        f"SELECT count(*), COALESCE(sum({in_view}), 0), min(ST_X(t.geom)), min(ST_Y(t.geom)), max(ST_X(t.geom)), "
        f"max(ST_Y(t.geom)) FROM {layer.table} t WHERE {where}",
        params,
    )[0]
    matched, inside = int(summary[0]), int(summary[1])
    box = [round(float(v), 7) for v in summary[2:]] if matched else None
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberInView": inside,
        "numberReturned": len(features),
        "bbox": box,
        "features": features,
    }


def nearest(
    store: Store,
    layer: Layer,
    flt: FeatureFilter,
    lon: float,
    lat: float,
    limit: int = 10,
    properties: str | None = None,
) -> dict[str, Any]:
    """The ``limit`` placed records nearest to (lon, lat), nearest first, each with ``distance_m``; ``located``
    names the district the point lies in, or is null outside Seoul (where 'near' is not near any record)."""
    _check_point(lon, lat)
    _limit(limit, MAX_NEAR)
    chosen = chosen_properties(layer, properties)
    where, params = where_clause(flt, layer, store.dialect.envelope)
    params.update(_reference(lon, lat))
    sql = (
        f"SELECT {select_list(layer, 't', chosen)}, ST_AsGeoJSON(t.geom), 0 AS in_view, {_distance_sql()} AS d "
        f"FROM {from_clause(layer)} WHERE {where} AND t.geom IS NOT NULL ORDER BY d, t.id LIMIT :limit"
    )
    features = _features(store, layer, sql, {**params, "limit": limit}, chosen)
    for feature in features:
        del feature["properties"]["in_view"]
    place = store.locate(lon, lat)
    located = None
    if place:
        name = store.fetch("SELECT name_ko, name_en FROM districts WHERE adm_code = :code", {"code": place[0]})
        located = {"district_adm_code": place[0], "name_ko": name[0][0], "name_en": name[0][1]} if name else None
    return {"type": "FeatureCollection", "numberReturned": len(features), "located": located, "features": features}
