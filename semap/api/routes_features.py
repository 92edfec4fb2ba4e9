"""Organizations and shared resources as GeoJSON, with the filter grammar and paging."""
# No "from __future__ import annotations": FastAPI must see each layer's filter dependency, a closure variable.

from functools import partial
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.paging import page_links
from semap.api.params import FILTERS
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, FEATURE_SCHEMA, GeoJSONResponse, geojson_doc
from semap.features.clusters import clusters
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import MAX_LIMIT, collection, one, properties_pattern
from semap.features.tiles import MAX_ZOOM
from semap.store import Store

router = APIRouter(prefix="/api/v1", tags=["features"], responses=ERROR_RESPONSES)
GEOJSON = GeoJSONResponse.media_type
StoreDep = Annotated[Store, Depends(get_store)]


def _list(layer: LayerName):
    async def handler(
        request: Request,
        store: StoreDep,
        flt: Annotated[FeatureFilter, Depends(FILTERS[layer])],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, at most {MAX_LIMIT}")] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        properties: Annotated[
            str | None,
            Query(
                max_length=1000,
                description="comma-separated properties to include (id always is), e.g. name,category; "
                f"default all: {', '.join(LAYERS[layer].properties)}",
                # Documents what the grammar accepts, so schema-valid values are accepted values.
                json_schema_extra={"pattern": properties_pattern(LAYERS[layer].properties)},
            ),
        ] = None,
    ) -> Response:
        def render() -> bytes:
            page = collection(store, LAYERS[layer], flt, limit, offset, properties)
            page["links"] = page_links(request.url, page, limit, offset)
            return orjson.dumps(page)

        return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)

    return handler


def _item(layer: LayerName):
    async def handler(request: Request, store: StoreDep, feature_id: Annotated[str, Path(max_length=64)]) -> Response:
        render = partial(one, store, LAYERS[layer], feature_id)
        return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)

    return handler


def _clusters(layer: LayerName):
    async def handler(
        request: Request,
        store: StoreDep,
        flt: Annotated[FeatureFilter, Depends(FILTERS[layer])],
        zoom: Annotated[int, Query(ge=0, le=MAX_ZOOM, description="map zoom; cells are a quarter tile wide")],
    ) -> Response:
        render = partial(clusters, store, LAYERS[layer], flt, zoom)
        return await versioned(request, store, render, GEOJSON, response_class=GeoJSONResponse)

    return handler


for _layer in LayerName:
    router.add_api_route(
        f"/{_layer.value}/clusters",
        _clusters(_layer),
        methods=["GET"],
        summary=f"{_layer.value.capitalize()} counted per grid cell at a zoom (for maps of any size)",
        response_class=GeoJSONResponse,
        responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
    )
    router.add_api_route(
        f"/{_layer.value}",
        _list(_layer),
        methods=["GET"],
        summary=f"{_layer.value.capitalize()} as a GeoJSON FeatureCollection (filters, paging)",
        response_class=GeoJSONResponse,
        responses=geojson_doc(FEATURE_COLLECTION_SCHEMA),
        description="Personal contact fields are not included. numberMatched is the total for the filter.",
    )
    router.add_api_route(
        f"/{_layer.value}/{{feature_id}}",
        _item(_layer),
        methods=["GET"],
        summary=f"One of the {_layer.value} as a GeoJSON Feature",
        response_class=GeoJSONResponse,
        responses=geojson_doc(FEATURE_SCHEMA),
    )
