"""Administrative boundaries: districts (both code schemes) and dongs."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, GeoJSONResponse, geojson_doc
from semap.features.filters import resolve_district
from semap.geodata.districts import spellings
from semap.store import Store

router = APIRouter(prefix="/api/v1", tags=["boundaries"], responses=ERROR_RESPONSES)

FEATURE_COLLECTION_EXAMPLE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "11110",
            "properties": {"adm_code": "11110", "kostat_code": "11010", "name_ko": "종로구", "name_en": "Jongno-gu"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[126.97, 37.63], [126.98, 37.63], [126.97, 37.63]]]],
            },
        }
    ],
}


@router.get(
    "/districts",
    summary="Seoul's 25 districts as GeoJSON",
    description=(
        "Polygons in EPSG:4326 with `adm_code` (행정표준코드, e.g. 종로구 11110), `kostat_code` "
        "(KOSTAT 2013 census code, e.g. 종로구 11010), `name_ko` and `name_en`."
    ),
    response_class=GeoJSONResponse,
    responses=geojson_doc(FEATURE_COLLECTION_SCHEMA, FEATURE_COLLECTION_EXAMPLE),
)
async def districts(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    simplify: Annotated[
        float | None, Query(gt=0, le=0.01, description="simplification tolerance in degrees, for maps (e.g. 0.0003)")
    ] = None,
) -> Response:
    render = partial(store.districts_geojson, simplify)
    return await versioned(request, store, render, GeoJSONResponse.media_type, response_class=GeoJSONResponse)


@router.get(
    "/dongs",
    summary="Seoul's 423 dongs as GeoJSON, optionally of one district",
    response_class=GeoJSONResponse,
    responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
)
async def dongs(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    district: Annotated[
        str | None,
        Query(description="name or code (see /organizations)", json_schema_extra={"enum": spellings()}),
    ] = None,
) -> Response:
    adm_code = resolve_district(district).adm_code if district else None
    render = partial(store.dongs_geojson, adm_code)
    return await versioned(request, store, render, GeoJSONResponse.media_type, response_class=GeoJSONResponse)
