"""GeoJSON and vector tiles for both layers, honouring the filters; TileJSON per layer."""
# No "from __future__ import annotations": FastAPI must see each layer's filter dependency, a closure variable.

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.params import FILTERS
from semap.api.responses import FEATURE_COLLECTION_SCHEMA, GeoJSONResponse, geojson_doc
from semap.features.clusters import cluster_tile
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.tiles import MAX_ZOOM, MVT_MEDIA_TYPE, geojson_tile, mvt_tile, tilejson
from semap.store import Store

router = APIRouter(prefix="/tiles", tags=["tiles"], responses=ERROR_RESPONSES)
StoreDep = Annotated[Store, Depends(get_store)]
Z = Annotated[int, Path(ge=0, le=MAX_ZOOM, description=f"zoom, 0 to {MAX_ZOOM}")]
XY = Annotated[int, Path(ge=0, le=2**MAX_ZOOM - 1)]


@router.get("/{layer}.json", summary="TileJSON 3.0 for a layer (filters carry over into the tile URLs)")
def tilejson_document(layer: LayerName, request: Request) -> JSONResponse:
    base = str(request.base_url).rstrip("/")
    return JSONResponse(tilejson(LAYERS[layer], base, request.url.query))


MVT_DOC: dict[int | str, dict[str, object]] = {
    200: {
        "description": "A Mapbox Vector Tile (empty body: no feature in the tile)",
        "content": {MVT_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


def _tile(layer: LayerName, render: Callable[..., bytes], media_type: str):
    async def handler(
        z: Z, x: XY, y: XY, request: Request, store: StoreDep, flt: Annotated[FeatureFilter, Depends(FILTERS[layer])]
    ) -> Response:
        return await versioned(request, store, partial(render, store, LAYERS[layer], flt, z, x, y), media_type)

    return handler


for _layer in LayerName:
    router.add_api_route(
        f"/{_layer.value}/{{z}}/{{x}}/{{y}}.mvt",
        _tile(_layer, mvt_tile, MVT_MEDIA_TYPE),
        methods=["GET"],
        summary=f"A Mapbox Vector Tile of {_layer.value} made by the database (ST_AsMVT)",
        response_class=Response,
        responses=MVT_DOC,
    )
    router.add_api_route(
        f"/{_layer.value}/clusters/{{z}}/{{x}}/{{y}}.mvt",
        _tile(_layer, cluster_tile, MVT_MEDIA_TYPE),
        methods=["GET"],
        summary=f"A vector tile of {_layer.value} counted per grid cell (layer {_layer.value}_clusters): the "
        "aggregated layer for low zooms, where a tile would otherwise carry every point",
        response_class=Response,
        responses=MVT_DOC,
    )
    router.add_api_route(
        f"/{_layer.value}/{{z}}/{{x}}/{{y}}.geojson",
        _tile(_layer, geojson_tile, "application/geo+json"),
        methods=["GET"],
        summary=f"A GeoJSON tile of {_layer.value}: the features inside the tile's bounds",
        response_class=GeoJSONResponse,
        responses={**geojson_doc(FEATURE_COLLECTION_SCHEMA), 304: {"description": "Not modified"}},
    )
