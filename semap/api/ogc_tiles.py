"""OGC API – Tiles for the vector tiles: the WebMercatorQuad tile matrix set, a tileset per point collection, and
tiles at the standard path (``…/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}``, the names GDAL's OGCAPI
driver reads) — the same tile bodies as /tiles/{layer}/{z}/{x}/{y}.mvt, filters included."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.ogc_common import (
    CRS84,
    JSON,
    MVT,
    OGC_PREFIX,
    REL_TILING_SCHEME,
    answer,
    base_url,
    item_filter,
    link,
    self_links,
)
from semap.errors import NotFound
from semap.features.catalog import CollectionInfo, collection_info
from semap.features.layers import Layer
from semap.features.tiles import MAX_ZOOM, SEOUL_BOUNDS, mvt_tile, web_mercator_quad
from semap.store import Store

router = APIRouter(prefix=OGC_PREFIX, include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]
MATRIX_SET = "WebMercatorQuad"
MATRIX_SET_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
TILE_PATH = "{tileMatrix}/{tileRow}/{tileCol}"
WEB_MERCATOR = "http://www.opengis.net/def/crs/EPSG/0/3857"


def _tiled(collection_id: str) -> tuple[CollectionInfo, Layer]:
    info = collection_info(collection_id)
    if info.layer is None:
        raise NotFound(f"{collection_id} has no vector tiles; the tiled collections are organizations and resources")
    return info, info.layer


def _matrix_set(tile_matrix_set_id: str) -> None:
    if tile_matrix_set_id != MATRIX_SET:
        raise NotFound(f"no tile matrix set {tile_matrix_set_id!r}; SeMap's tiles are in {MATRIX_SET}")


@lru_cache(maxsize=1)
def matrix_set_limits() -> list[dict[str, Any]]:
    """The tiles of each zoom that cover Seoul: a client asks for these and no others."""
    west, south, east, north = SEOUL_BOUNDS
    tms, limits = web_mercator_quad(), []
    for z in range(MAX_ZOOM + 1):
        top_left, bottom_right = tms.tile(west, north, z), tms.tile(east, south, z)
        limits.append(
            {
                "tileMatrix": str(z),
                "minTileRow": top_left.y,
                "maxTileRow": bottom_right.y,
                "minTileCol": top_left.x,
                "maxTileCol": bottom_right.x,
            }
        )
    return limits


@lru_cache(maxsize=1)
def matrix_set_document() -> dict[str, Any]:
    """WebMercatorQuad in the TMS 2.0 JSON encoding (morecantile's), with the 1.0 encoding's members beside it:
    GDAL before 3.7 reads only 1.0 (``type: TileMatrixSetType``), later versions and other clients read 2.0."""
    tms = web_mercator_quad()
    current = tms.model_dump(mode="json", exclude_none=True)
    left, bottom, right, top = tms.xy_bbox
    earlier = {
        "type": "TileMatrixSetType",
        "identifier": current["id"],
        "supportedCRS": current["crs"],
        "boundingBox": {
            "type": "BoundingBoxType",
            "crs": current["crs"],
            "lowerCorner": [left, bottom],
            "upperCorner": [right, top],
        },
        "tileMatrix": [
            {
                "type": "TileMatrixType",
                "identifier": matrix["id"],
                "scaleDenominator": matrix["scaleDenominator"],
                "topLeftCorner": matrix["pointOfOrigin"],
                **{k: matrix[k] for k in ("tileWidth", "tileHeight", "matrixWidth", "matrixHeight")},
            }
            for matrix in current["tileMatrices"]
        ],
    }
    return {**current, **earlier}


@router.get("/tileMatrixSets")
async def tile_matrix_sets(request: Request, store: StoreDep) -> Response:
    def document() -> dict[str, Any]:
        title = web_mercator_quad().title
        own = link(f"{base_url(request)}/tileMatrixSets/{MATRIX_SET}", "self", JSON, title)
        listed = {"id": MATRIX_SET, "title": title, "uri": MATRIX_SET_URI, "links": [own]}
        return {"tileMatrixSets": [listed], "links": self_links(request)}

    return await answer(request, store, document, "")


@router.get("/tileMatrixSets/{tile_matrix_set_id}")
async def tile_matrix_set(request: Request, store: StoreDep, tile_matrix_set_id: str) -> Response:
    _matrix_set(tile_matrix_set_id)
    return await answer(request, store, matrix_set_document, "")


def _tileset_url(request: Request, info: CollectionInfo) -> str:
    return f"{base_url(request)}/collections/{info.id}/tiles/{MATRIX_SET}"


def _tiling_scheme(request: Request) -> dict[str, Any]:
    return link(f"{base_url(request)}/tileMatrixSets/{MATRIX_SET}", REL_TILING_SCHEME, JSON, MATRIX_SET)


@router.get("/collections/{collection_id}/tiles")
async def tilesets(request: Request, store: StoreDep, collection_id: str) -> Response:
    info, _ = _tiled(collection_id)

    def document() -> dict[str, Any]:
        tileset = {
            "title": f"{info.title} — vector tiles",
            "dataType": "vector",
            "crs": WEB_MERCATOR,
            "tileMatrixSetURI": MATRIX_SET_URI,
            "links": [link(_tileset_url(request, info), "self", JSON, MATRIX_SET), _tiling_scheme(request)],
        }
        return {"tilesets": [tileset], "links": self_links(request)}

    return await answer(request, store, document, "")


@router.get("/collections/{collection_id}/tiles/{tile_matrix_set_id}")
async def tileset(request: Request, store: StoreDep, collection_id: str, tile_matrix_set_id: str) -> Response:
    info, layer = _tiled(collection_id)
    _matrix_set(tile_matrix_set_id)

    def document() -> dict[str, Any]:
        url = _tileset_url(request, info)
        query = request.url.remove_query_params(("f", "lang")).query  # filters carry into the tiles, as in TileJSON
        template = f"{url}/{TILE_PATH}" + (f"?{query}" if query else "")
        west, south, east, north = SEOUL_BOUNDS
        return {
            "title": f"{info.title} — vector tiles",
            "dataType": "vector",
            "crs": WEB_MERCATOR,
            "tileMatrixSetURI": MATRIX_SET_URI,
            "links": [
                *self_links(request),
                _tiling_scheme(request),
                link(template, "item", MVT, "a tile", templated=True),
                link(
                    f"{base_url(request)}/collections/{info.id}", "http://www.opengis.net/def/rel/ogc/1.0/geodata", JSON
                ),
            ],
            "layers": [
                {
                    "id": layer.name,
                    "dataType": "vector",
                    "geometryDimension": 0,
                    "propertiesSchema": {
                        "type": "object",
                        "properties": {name: {"type": "string"} for name in layer.tile_properties},
                    },
                }
            ],
            "boundingBox": {"lowerLeft": [west, south], "upperRight": [east, north], "crs": CRS84},
            "tileMatrixSetLimits": matrix_set_limits(),
        }

    return await answer(request, store, document, "")


@router.get("/collections/{collection_id}/tiles/{tile_matrix_set_id}/{tile_matrix}/{tile_row}/{tile_col}")
async def tile(
    request: Request,
    store: StoreDep,
    collection_id: str,
    tile_matrix_set_id: str,
    tile_matrix: Annotated[int, Path(ge=0)],
    tile_row: Annotated[int, Path(ge=0)],
    tile_col: Annotated[int, Path(ge=0)],
) -> Response:
    info, layer = _tiled(collection_id)
    _matrix_set(tile_matrix_set_id)
    if tile_matrix > MAX_ZOOM:
        raise NotFound(f"no tile matrix {tile_matrix} in {MATRIX_SET} here: zooms run from 0 to {MAX_ZOOM}")
    flt = item_filter(info, request)  # the items' grammar: filters, queryables, CQL2 equalities
    render = partial(mvt_tile, store, layer, flt, tile_matrix, tile_col, tile_row)
    return await versioned(request, store, render, MVT)
