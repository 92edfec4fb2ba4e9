"""Features from the store as GeoJSON bytes (geometry JSON written by the database) and as export rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from semap.errors import InvalidParameter, NotFound
from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import Layer, from_clause, select_list
from semap.store.base import Dialect, Store

MAX_LIMIT = 1000
# RFC 7946 recommends no more precision than needed: 7 decimals is about 1 cm.
GEOJSON_PRECISION = 7
PAGE_TAIL = "LIMIT :limit OFFSET :offset"


def properties_pattern(names: tuple[str, ...]) -> str:
    """What ``properties=`` accepts, as a regular expression, for the OpenAPI schema (chosen_properties checks it)."""
    one = "(" + "|".join(names) + ")"
    return f"^{one}(,{one})*$"


def chosen_properties(layer: Layer, wanted: str | None) -> tuple[str, ...]:
    """``properties=id,name,category``: the public properties a client asks for (always with id), in the layer's
    order; a map that draws from a handful need not download descriptions and provenance for every feature."""
    if wanted is None or not wanted.strip():
        return layer.properties
    names = {n.strip() for n in wanted.split(",") if n.strip()}
    unknown = sorted(names - set(layer.properties))
    if unknown:
        raise InvalidParameter(
            "properties", f"{unknown[0]!r} is not a property of {layer.name}; they are: " + ", ".join(layer.properties)
        )
    return tuple(p for p in layer.properties if p in names or p == "id")


def feature_dict(layer: Layer, row: tuple[Any, ...], columns: tuple[str, ...] | None = None) -> dict[str, Any]:
    properties = dict(zip(columns or layer.properties, row[:-1], strict=True))
    for name in layer.json_properties:
        if properties.get(name) is not None:
            properties[name] = orjson.Fragment(properties[name])
    geometry = row[-1]
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": orjson.Fragment(geometry) if geometry is not None else None,
        "properties": properties,
    }


def features_sql(layer: Layer, where: str, tail: str = "", properties: tuple[str, ...] | None = None) -> str:
    """Public properties and the geometry as GeoJSON text (written by the database), in id order."""
    chosen = properties or layer.properties
    source = from_clause(layer) if "district_ko" in chosen else f"{layer.table} t"
    columns = select_list(layer, "t", chosen)
    return f"SELECT {columns}, ST_AsGeoJSON(t.geom) FROM {source} WHERE {where} ORDER BY t.id {tail}"


def count_sql(layer: Layer, where: str) -> str:
    return f"SELECT count(*) FROM {layer.table} t WHERE {where}"


def feature_rows(
    store: Store, layer: Layer, where: str, params: dict, tail: str = "", properties: tuple[str, ...] | None = None
) -> list[tuple[Any, ...]]:
    return store.fetch(features_sql(layer, where, tail, properties), params)


@dataclass(frozen=True)
class PageQuery:
    """The two statements of a page of features (its rows, and how many match) and what to build it from."""

    layer: Layer
    rows_sql: str
    rows_params: dict[str, Any]
    count_sql: str
    count_params: dict[str, Any]
    properties: tuple[str, ...]


def page_query(
    dialect: Dialect, layer: Layer, flt: FeatureFilter, limit: int, offset: int, properties: str | None = None
) -> PageQuery:
    """The statements for a page; bad paging or properties raise InvalidParameter."""
    chosen = chosen_properties(layer, properties)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise InvalidParameter("offset", "0 or more")
    where, params = where_clause(flt, layer, dialect.envelope)
    return PageQuery(
        layer,
        features_sql(layer, where, PAGE_TAIL, chosen),
        {**params, "limit": limit, "offset": offset},
        count_sql(layer, where),
        params,
        chosen,
    )


def page_body(query: PageQuery, rows: list[tuple[Any, ...]], matched: int) -> dict[str, Any]:
    """A page of features with paging counts (numberMatched / numberReturned, as OGC API Features has them)."""
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": len(rows),
        "features": [feature_dict(query.layer, row, query.properties) for row in rows],
    }


def collection(
    store: Store, layer: Layer, flt: FeatureFilter, limit: int, offset: int, properties: str | None = None
) -> dict[str, Any]:
    """A page of features read through the store (its thread): ``page_query``, then ``page_body``."""
    query = page_query(store.dialect, layer, flt, limit, offset, properties)
    rows = store.fetch(query.rows_sql, query.rows_params)
    return page_body(query, rows, int(store.fetch(query.count_sql, query.count_params)[0][0]))


def all_features(store: Store, layer: Layer, flt: FeatureFilter) -> bytes:
    """Every feature the filter selects, as one RFC 7946 FeatureCollection (for exports)."""
    where, params = where_clause(flt, layer, store.dialect.envelope)
    features = [feature_dict(layer, row) for row in feature_rows(store, layer, where, params)]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


def one(store: Store, layer: Layer, feature_id: str) -> bytes:
    rows = feature_rows(store, layer, "t.id = :id", {"id": feature_id[:64]})
    if not rows:
        raise NotFound(f"no {layer.name[:-1]} has the id {feature_id[:64]!r}")
    return orjson.dumps(feature_dict(layer, rows[0]))


def table_rows(store: Store, layer: Layer, flt: FeatureFilter) -> list[dict[str, Any]]:
    """Flat rows for CSV: the public columns plus lon/lat."""
    where, params = where_clause(flt, layer, store.dialect.envelope)
    sql = (
        f"SELECT {select_list(layer)}, ST_X(t.geom), ST_Y(t.geom) FROM {from_clause(layer)} WHERE {where} ORDER BY t.id"
    )
    names = (*layer.properties, "lon", "lat")
    return [dict(zip(names, row, strict=True)) for row in store.fetch(sql, params)]
