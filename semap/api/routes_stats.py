"""Statistics for researchers: counts and location quotients as JSON, CSV/XLSX downloads, and district GeoJSON."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, GeoJSONResponse, geojson_doc
from semap.api.tables import TABLE_DOC, table_response
from semap.errors import NotFound
from semap.formats import TableFormat
from semap.registry.model import INDUSTRIES, ORG_TYPES, SEMAP_CATEGORIES
from semap.stats.classes import ClassLimits, fixed_classes, readable_classes
from semap.stats.kinds import CountBy, Level, LqBy, ResourcesBy
from semap.store import Store

if TYPE_CHECKING:
    import pandas as pd


def _tables() -> ModuleType:
    """The statistics code, with pandas and scipy: loaded (in the thread pool) by the first statistics request,
    not by a server that only serves maps."""
    from semap.stats import tables

    return tables


router = APIRouter(prefix="/api/v1/stats", tags=["statistics"], responses=ERROR_RESPONSES)
GEOJSON = GeoJSONResponse.media_type
StoreDep = Annotated[Store, Depends(get_store)]
FormatQuery = Annotated[TableFormat, Query(description="json rows, or a csv (UTF-8 with BOM) / xlsx download")]


@router.get(
    "/counts",
    responses=TABLE_DOC,
    summary="Organizations per district or dong by type, designation, industry or category",
)
async def counts(
    request: Request,
    store: StoreDep,
    by: Annotated[CountBy, Query(description="type gives the published 2013 layout")] = CountBy.type,
    level: Level = Level.district,
    format: FormatQuery = TableFormat.json,
) -> Response:
    def table() -> pd.DataFrame:
        return _tables().counts_table(store, by, level)

    return await table_response(request, store, table, format, "counts", by.value, level.value)


@router.get(
    "/lq",
    responses=TABLE_DOC,
    summary="Location quotients with confidence intervals, p- and q-values (reference: Seoul)",
)
async def lq(
    request: Request,
    store: StoreDep,
    by: LqBy = LqBy.industry,
    level: Level = Level.district,
    format: FormatQuery = TableFormat.json,
) -> Response:
    def table() -> pd.DataFrame:
        return _tables().lq_table(store, by, level).set_index("district_ko" if level is Level.district else "dong_ko")

    return await table_response(request, store, table, format, "lq", by.value, level.value)


@router.get(
    "/resources", responses=TABLE_DOC, summary="Shared resources by category, per district or per owning organization"
)
async def resources(
    request: Request, store: StoreDep, by: ResourcesBy = ResourcesBy.district, format: FormatQuery = TableFormat.json
) -> Response:
    def table() -> pd.DataFrame:
        return _tables().resources_table(store, by)

    return await table_response(request, store, table, format, "resources", by.value)


MAP_TOLERANCE = 0.0003  # degrees, about 30 m: choropleths do not need the 1 MB boundaries


Classify = Callable[[list[float]], list[ClassLimits]]


def _with_properties(store: Store, properties: dict[str, dict[str, object]], key: str, classify: Classify) -> bytes:
    """The district polygons with their rows, and (a foreign member) the classes of ``key`` a choropleth draws."""
    collection = orjson.loads(store.districts_geojson(MAP_TOLERANCE))
    for feature in collection["features"]:
        feature["properties"].update(properties.get(feature["properties"]["name_ko"], {}))
    values = [f["properties"][key] for f in collection["features"] if f["properties"].get(key) is not None]
    collection["classes"] = {"property": key, "limits": [c.as_json() for c in classify([float(v) for v in values])]}
    return orjson.dumps(collection, option=orjson.OPT_SERIALIZE_NUMPY)


@router.get(
    "/counts.geojson",
    summary="District polygons carrying the counts, and readable class limits of the totals (for a choropleth)",
    response_class=GeoJSONResponse,
    responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
)
async def counts_geojson(request: Request, store: StoreDep, by: CountBy = CountBy.type) -> Response:
    def render() -> bytes:
        table = _tables().counts_table(store, by, Level.district)
        return _with_properties(store, table.to_dict(orient="index"), "total", readable_classes)

    return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)


@router.get(
    "/lq.geojson",
    summary="District polygons carrying the LQ row of one industry or category, and its classes (for a choropleth)",
    response_class=GeoJSONResponse,
    responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
)
async def lq_geojson(
    request: Request,
    store: StoreDep,
    value: Annotated[
        str,
        Query(
            description="the industry (e.g. 교육), category or type to map, as `by` says",
            json_schema_extra={"enum": list(dict.fromkeys((*INDUSTRIES, *SEMAP_CATEGORIES, *ORG_TYPES)))},
        ),
    ],
    by: LqBy = LqBy.industry,
) -> Response:
    def render() -> bytes:
        table = _tables().lq_table(store, by, Level.district)
        known = sorted(table[by.value].unique())
        if value not in known:  # a value of another `by`, or one no organization holds: no such row
            raise NotFound(f"no LQ row for {value!r} by {by.value}; the table has: {', '.join(known)}")
        rows = table[table[by.value] == value].drop(columns=[by.value]).set_index("district_ko")
        rows = rows.astype(object).where(rows.notna(), None)
        return _with_properties(store, rows.to_dict(orient="index"), "lq", fixed_classes)

    return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)
