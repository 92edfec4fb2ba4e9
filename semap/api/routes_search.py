"""Finding things in the whole city: text search over every record, the nearest records to a point, and places
(districts, dongs, roads). Registered before the features' routes, whose /{layer}/{id} would take 'search'."""
# No "from __future__ import annotations": FastAPI must see each layer's filter dependency, a closure variable.

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.params import FILTERS
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, GeoJSONResponse, geojson_doc
from semap.features.filters import MAX_TEXT, FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.places import MAX_PLACES, find_places
from semap.features.queries import properties_pattern
from semap.features.search import MAX_NEAR, MAX_RESULTS, nearest, search
from semap.store import Store

router = APIRouter(prefix="/api/v1", tags=["search"], responses=ERROR_RESPONSES)
GEOJSON = GeoJSONResponse.media_type
StoreDep = Annotated[Store, Depends(get_store)]


def _properties(layer: LayerName) -> Any:
    """The ``properties`` parameter of a layer, documented with the names it accepts (as the list's)."""
    return Query(
        max_length=1000,
        description="comma-separated properties to include (id always is), as for the list",
        json_schema_extra={"pattern": properties_pattern(LAYERS[layer].properties)},
    )


# The search's text is required (the filters' q is optional elsewhere): declared first, it is what the schema says.
# C1 controls (U+0080–U+009F) are refused too: Python's strip() takes U+0085 for a space, a schema's \s does not.
SEARCH_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


def _search(layer: LayerName):
    async def handler(
        request: Request,
        store: StoreDep,
        q: Annotated[
            str,
            Query(
                min_length=1,
                max_length=MAX_TEXT,
                description="text in name, description or address",
                pattern=SEARCH_TEXT,
            ),
        ],
        flt: Annotated[FeatureFilter, Depends(FILTERS[layer])],
        limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 100,
        properties: Annotated[str | None, _properties(layer)] = None,
    ) -> Response:
        def render() -> bytes:
            return orjson.dumps(search(store, LAYERS[layer], flt, limit, properties))

        return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)

    return handler


def _near(layer: LayerName):
    async def handler(
        request: Request,
        store: StoreDep,
        flt: Annotated[FeatureFilter, Depends(FILTERS[layer])],
        lon: Annotated[float, Query(ge=-180, le=180, description="longitude (EPSG:4326)")],
        lat: Annotated[float, Query(ge=-90, le=90, description="latitude (EPSG:4326)")],
        limit: Annotated[int, Query(ge=1, le=MAX_NEAR)] = 10,
        properties: Annotated[str | None, _properties(layer)] = None,
    ) -> Response:
        def render() -> bytes:
            return orjson.dumps(nearest(store, LAYERS[layer], flt, lon, lat, limit, properties))

        return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)

    return handler


for _layer in LayerName:
    router.add_api_route(
        f"/{_layer.value}/search",
        _search(_layer),
        methods=["GET"],
        summary=f"{_layer.value.capitalize()} matching q in the whole city, those in the view (bbox) first",
        description=(
            "`q` is required. `bbox` is the map's view, not a bound: matches inside it come first, then the rest "
            "by distance from its centre (`distance_m`, `in_view` on each). `numberMatched` counts every match, "
            "`numberInView` those in the view, `bbox` is the box around all matches. Only placed records."
        ),
        response_class=GeoJSONResponse,
        responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
    )
    router.add_api_route(
        f"/{_layer.value}/near",
        _near(_layer),
        methods=["GET"],
        summary=f"The {_layer.value} nearest to a point, with their distance in metres",
        description=(
            "Nearest first, each with `distance_m`; the filters apply. `located` names the Seoul district the "
            "point is in, or is null outside Seoul."
        ),
        response_class=GeoJSONResponse,
        responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
    )


@router.get("/places", summary="Districts, dongs and roads whose name holds q (Korean or English), with a box")
async def places(
    request: Request,
    store: StoreDep,
    q: Annotated[
        str,
        Query(min_length=1, max_length=MAX_TEXT, description="text in the place's name", pattern=SEARCH_TEXT),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_PLACES)] = 8,
) -> Response:
    def render() -> bytes:
        return orjson.dumps({"places": find_places(store, q, limit)})

    return await versioned(request, store, render, "application/json")
