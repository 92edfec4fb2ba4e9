"""The collections SeMap publishes (OGC API – Features): what each holds, its extent and vintage, and pages of the
two boundary collections. Organizations and resources are read through the feature layers' own queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from semap.errors import InvalidParameter, NotFound
from semap.features.filters import (
    STATUSES,
    FeatureFilter,
    parse_bbox,
    parse_datetime,
    resolve_district,
    where_clause,
)
from semap.features.layers import ORGANIZATIONS, RESOURCES, Layer
from semap.features.queries import MAX_LIMIT
from semap.geodata.districts import load_crosswalk
from semap.registry.model import INDUSTRIES, ORG_TYPES, RESOURCE_CATEGORIES, SEMAP_CATEGORIES
from semap.store.base import DISTRICT_PROPERTIES, DONG_PROPERTIES, Store


@dataclass(frozen=True)
class Queryable:
    """A property a client may select by equality (``category=교육·학원``; Part 3's queryables): the filter of the
    grammar that selects it, and the values it takes where they are a closed list."""

    property: str
    filter: str
    values: tuple[str, ...] = ()
    prefix: str = ""  # put before the value for the filter: a bare district code is read as adm:

    def filter_value(self, value: str) -> str:
        return self.prefix + value


@dataclass(frozen=True)
class Boundaries:
    """A boundary table as a collection: its properties, the one that identifies a feature, the filters it takes."""

    table: str
    properties: tuple[str, ...]
    id_column: str
    filters: frozenset[str]


@dataclass(frozen=True)
class CollectionInfo:
    id: str
    title: str
    description: str
    table: str
    vintage_key: str  # the dataset_meta entry that says how current the collection is
    queryables: tuple[Queryable, ...]
    layer: Layer | None = None  # organizations and resources: the feature layer (filters, properties, tiles)
    boundaries: Boundaries | None = None

    @property
    def filters(self) -> frozenset[str]:
        return self.layer.filters if self.layer else self.boundaries.filters if self.boundaries else frozenset()

    @property
    def properties(self) -> tuple[str, ...]:
        return self.layer.properties if self.layer else self.boundaries.properties if self.boundaries else ()


def _districts() -> tuple[str, ...]:
    return tuple(d.name_ko for d in load_crosswalk())


_WHERE = (Queryable("district_ko", "district", _districts()), Queryable("dong_code", "dong"))
COLLECTIONS: dict[str, CollectionInfo] = {
    c.id: c
    for c in (
        CollectionInfo(
            "organizations",
            "사회적경제 조직 · Social-economy organizations",
            "Seoul's social enterprises, cooperatives, village and self-sufficiency enterprises, intermediary bodies "
            "and councils, from the official registries (points; personal contact fields left out).",
            "organizations",
            "registries_as_of",
            (
                Queryable("type", "type", ORG_TYPES),
                Queryable("subtype", "subtype"),
                Queryable("industry", "industry", INDUSTRIES),
                Queryable("category", "category", SEMAP_CATEGORIES),
                Queryable("status", "status", STATUSES),
                *_WHERE,
            ),
            layer=ORGANIZATIONS,
        ),
        CollectionInfo(
            "resources",
            "공유자원 · Shared resources",
            "Spaces, equipment, talent donation and problem-solving help that districts survey (points).",
            "resources",
            "registries_as_of",
            (Queryable("category", "category", RESOURCE_CATEGORIES), *_WHERE),
            layer=RESOURCES,
        ),
        CollectionInfo(
            "districts",
            "자치구 · Districts",
            "Seoul's 25 districts (KOSTAT census boundaries) with both code schemes: adm_code (행정표준코드) and "
            "kostat_code.",
            "districts",
            "boundaries_vintage",
            (),
            boundaries=Boundaries("districts", DISTRICT_PROPERTIES, "adm_code", frozenset({"bbox", "datetime"})),
        ),
        CollectionInfo(
            "dongs",
            "행정동 · Dongs",
            "Seoul's 423 dongs (KOSTAT census boundaries), each with its district's codes.",
            "dongs",
            "boundaries_vintage",
            (Queryable("district_adm_code", "district", prefix="adm:"),),
            boundaries=Boundaries("dongs", DONG_PROPERTIES, "kostat_code", frozenset({"bbox", "datetime", "district"})),
        ),
    )
}


def collection_info(collection_id: str) -> CollectionInfo:
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise NotFound(f"no collection {collection_id!r}; collections: {', '.join(COLLECTIONS)}") from None


def _public(info: CollectionInfo, store: Store) -> tuple[str, dict[str, Any]]:
    """What every reader of the collection sees (archived and retired records are left out of layers)."""
    return where_clause(FeatureFilter(), info.layer, store.dialect.envelope) if info.layer else ("TRUE", {})


def extent(store: Store, info: CollectionInfo) -> dict[str, Any]:
    """The collection's extent: one CRS84 box around its geometries and, for layers, the days they were verified."""
    where, params = _public(info, store)
    box = store.fetch(
        "SELECT min(ST_XMin(t.geom)), min(ST_YMin(t.geom)), max(ST_XMax(t.geom)), max(ST_YMax(t.geom)) "
        f"FROM {info.table} t WHERE t.geom IS NOT NULL AND {where}",
        params,
    )[0]
    result: dict[str, Any] = {}
    if box[0] is not None:
        result["spatial"] = {
            "bbox": [[round(float(v), 7) for v in box]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    if info.layer:
        first, last = store.fetch(
            f"SELECT min(substr(t.verified_at, 1, 10)), max(substr(t.verified_at, 1, 10)) FROM {info.table} t "
            f"WHERE {where}",
            params,
        )[0]
        result["temporal"] = {
            "interval": [[f"{first}T00:00:00+09:00" if first else None, f"{last}T23:59:59+09:00" if last else None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return result


def _boundary_where(boundaries: Boundaries, flt: FeatureFilter, envelope_sql: str) -> tuple[str, dict[str, Any]]:
    unknown = sorted(flt.given - boundaries.filters)
    if unknown:
        raise InvalidParameter(
            unknown[0], f"is not a filter of {boundaries.table}; filters: {', '.join(sorted(boundaries.filters))}"
        )
    conditions: list[str] = ["TRUE"]
    params: dict[str, Any] = {}
    if flt.datetime:
        parse_datetime(flt.datetime)  # checked; boundaries have no time, so every one matches (as OGC API asks)
    if flt.bbox:
        minx, miny, maxx, maxy = parse_bbox(flt.bbox)
        conditions.append(f"ST_Intersects(t.geom, {envelope_sql})")
        params.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    if flt.district:
        conditions.append("t.district_adm_code = :district")
        params["district"] = resolve_district(flt.district).adm_code
    return " AND ".join(conditions), params


def _boundary_feature(boundaries: Boundaries, row: tuple[Any, ...]) -> dict[str, Any]:
    properties = dict(zip(boundaries.properties, row[:-1], strict=True))
    geometry = orjson.Fragment(row[-1]) if row[-1] is not None else None
    return {"type": "Feature", "id": properties[boundaries.id_column], "geometry": geometry, "properties": properties}


def boundary_page(store: Store, boundaries: Boundaries, flt: FeatureFilter, limit: int, offset: int) -> dict[str, Any]:
    """A page of districts or dongs, as ``collection`` pages features (numberMatched / numberReturned)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"between 1 and {MAX_LIMIT}")
    where, params = _boundary_where(boundaries, flt, store.dialect.envelope)
    columns = ", ".join(f"t.{c}" for c in boundaries.properties)
    rows = store.fetch(
        f"SELECT {columns}, ST_AsGeoJSON(t.geom) FROM {boundaries.table} t WHERE {where} "
        f"ORDER BY t.{boundaries.id_column} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    matched = int(store.fetch(f"SELECT count(*) FROM {boundaries.table} t WHERE {where}", params)[0][0])
    features = [_boundary_feature(boundaries, row) for row in rows]
    return {"type": "FeatureCollection", "numberMatched": matched, "numberReturned": len(rows), "features": features}


def boundary_one(store: Store, boundaries: Boundaries, feature_id: str) -> bytes:
    columns = ", ".join(f"t.{c}" for c in boundaries.properties)
    rows = store.fetch(
        f"SELECT {columns}, ST_AsGeoJSON(t.geom) FROM {boundaries.table} t WHERE t.{boundaries.id_column} = :id",
        {"id": feature_id[:64]},
    )
    if not rows:
        raise NotFound(f"no feature of {boundaries.table} has the id {feature_id[:64]!r}")
    return orjson.dumps(_boundary_feature(boundaries, rows[0]))
