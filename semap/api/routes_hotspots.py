"""Hot spots per dong (local Getis–Ord Gi*, global Moran's I): the table, its summary, and the dongs as GeoJSON."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, GeoJSONResponse, geojson_doc
from semap.api.routes_stats import MAP_TOLERANCE, FormatQuery
from semap.api.tables import TABLE_DOC, table_response
from semap.features.filters import resolve_district
from semap.formats import TableFormat
from semap.geodata.districts import spellings
from semap.registry.model import INDUSTRIES, SEMAP_CATEGORIES, TYPE_PRECEDENCE
from semap.stats.kinds import HotspotBy, Measure, check_choice
from semap.store import Store

if TYPE_CHECKING:
    import pandas as pd

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"], responses=ERROR_RESPONSES)
StoreDep = Annotated[Store, Depends(get_store)]
MeasureQuery = Annotated[
    Measure,
    Query(
        description="density: organizations per km² (the default; raw counts mostly show which dongs are large); "
        "count; rate: Empirical-Bayes-smoothed per 10,000 residents, only where a population source is declared "
        "(none is shipped: refused with 404 saying why)"
    ),
]
ByQuery = Annotated[HotspotBy, Query(description="all organizations, or those of one type, industry or category")]
ValueQuery = Annotated[
    str | None,
    Query(
        description="the type, industry or category `by` selects (e.g. 교육)",
        json_schema_extra={"enum": list(dict.fromkeys((*TYPE_PRECEDENCE, *INDUSTRIES, *SEMAP_CATEGORIES)))},
    ),
]
METHOD = (
    "Local Getis–Ord Gi* per dong on queen contiguity of the dongs, binary weights with the dong itself included; "
    "analytical z, two-sided permutation p (9,999 permutations, fixed seed), Benjamini–Hochberg q across dongs, "
    "class −3…3 (99/95/90 % cold … hot, 0 not significant). Exploratory: where to look, not why."
)


@dataclass(frozen=True)
class HotspotChoice:
    measure: Measure
    by: HotspotBy
    value: str  # "" for all organizations

    @property
    def args(self) -> tuple[Measure, HotspotBy, str]:
        return self.measure, self.by, self.value


def hotspot_choice(
    measure: MeasureQuery = Measure.density, by: ByQuery = HotspotBy.all, value: ValueQuery = None
) -> HotspotChoice:
    """The three parameters every hot-spot answer takes; a combination with no table is refused here, before
    anything is computed."""
    return HotspotChoice(measure, by, check_choice(measure, by, value))


ChoiceDep = Annotated[HotspotChoice, Depends(hotspot_choice)]


def _tables() -> ModuleType:
    from semap.stats import hotspot_tables  # pandas, esda, libpysal: loaded by the first hot-spot request

    return hotspot_tables


@router.get("/hotspots", responses=TABLE_DOC, summary="Hot and cold spots per dong (Gi*)", description=METHOD)
async def hotspots(
    request: Request, store: StoreDep, choice: ChoiceDep, format: FormatQuery = TableFormat.json
) -> Response:
    def table() -> pd.DataFrame:
        return _tables().hotspots_table(store, *choice.args).set_index("kostat_code")

    names = (choice.measure.value, choice.by.value, choice.value)
    return await table_response(request, store, table, format, "hotspots", *names)


@router.get(
    "/hotspots/summary",
    summary="How a hot-spot table was made, and global Moran's I",
    description="One object: Moran's I with its normal and two-sided permutation p-values, the neighbourhood rule, "
    "islands and connected parts of the neighbourhood graph, the correction, the boundaries and the data's date.",
)
async def hotspots_summary(request: Request, store: StoreDep, choice: ChoiceDep) -> Response:
    def render() -> bytes:
        summary = _tables().hotspots_summary(store, *choice.args)
        return orjson.dumps(summary.to_dict(orient="records")[0], option=orjson.OPT_SERIALIZE_NUMPY)

    return await versioned(request, store, render, "application/json")


@router.get(
    "/hotspots.geojson",
    summary="Dong polygons carrying their hot-spot row (for a map), with the summary as a member",
    response_class=GeoJSONResponse,
    responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
)
async def hotspots_geojson(
    request: Request,
    store: StoreDep,
    choice: ChoiceDep,
    district: Annotated[
        str | None,
        Query(
            description="only this district's dongs (the statistics are Seoul's)",
            json_schema_extra={"enum": spellings()},
        ),
    ] = None,
) -> Response:
    adm_code = resolve_district(district).adm_code if district else None

    def render() -> bytes:
        tables = _tables()
        rows = tables.hotspots_table(store, *choice.args).set_index("kostat_code")
        rows = rows.astype(object).where(rows.notna(), None)
        properties = rows.drop(columns=["district_ko", "dong_ko", "district_en", "dong_en"]).to_dict(orient="index")
        collection = orjson.loads(store.dongs_geojson(adm_code, MAP_TOLERANCE))
        for feature in collection["features"]:
            feature["properties"].update(properties.get(feature["properties"]["kostat_code"], {}))
        summary = tables.hotspots_summary(store, *choice.args)
        collection["summary"] = summary.to_dict(orient="records")[0]  # a foreign member (RFC 7946 § 6.1)
        return orjson.dumps(collection, option=orjson.OPT_SERIALIZE_NUMPY)

    return await versioned(request, store, render, GeoJSONResponse.media_type, response_class=GeoJSONResponse)
