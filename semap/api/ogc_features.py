"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 3 queryables) under /ogc: the landing page,
the conformance declaration, the collections and their items — read with the same queries, filter grammar,
response cache and error shape as /api/v1, so both answer alike on both stores."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from semap.api.deps import get_store
from semap.api.ogc_common import (
    CONFORMANCE,
    CRS84,
    GEOJSON,
    HTML,
    JSON,
    OGC_PREFIX,
    OPENAPI_JSON,
    REL_QUERYABLES,
    REL_TILESETS_VECTOR,
    REL_TILING_SCHEMES,
    SCHEMA_JSON,
    answer,
    base_url,
    item_filter,
    link,
    self_links,
)
from semap.api.paging import page_links
from semap.features.catalog import COLLECTIONS, CollectionInfo, boundary_one, boundary_page, collection_info, extent
from semap.features.queries import MAX_LIMIT, collection, one
from semap.maps.linked_data import dataset_jsonld
from semap.settings import MapSettings, PublicationSettings, load
from semap.store import Store

router = APIRouter(prefix=OGC_PREFIX, include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]
CollectionId = Annotated[str, Path(max_length=64)]
DEFAULT_LIMIT, MAX_OFFSET = 100, 10_000_000


def _landing(request: Request) -> dict[str, Any]:
    base = base_url(request)
    publication = load(PublicationSettings)
    return {
        "title": "SeMap — OGC API",
        "description": "Seoul's social-economy organizations, shared resources, districts and dongs as OGC API – "
        "Features and Tiles: add it to QGIS as an OGC API – Features connection at this address.",
        "links": [
            *self_links(request),
            link(f"{base}/api", "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"),
            link(f"{base}/api.html", "service-doc", HTML, "the API documentation"),
            link(f"{base}/conformance", "conformance", JSON, "the conformance classes SeMap meets"),
            link(f"{base}/collections", "data", JSON, "the collections"),
            link(f"{base}/tileMatrixSets", REL_TILING_SCHEMES, JSON, "the tile matrix sets of the vector tiles"),
            link(publication.data_licence_url, "license", HTML, publication.data_licence),
        ],
    }


@router.get("")
@router.get("/")
async def landing_page(request: Request, store: StoreDep) -> Response:
    def jsonld() -> dict[str, Any]:
        return dataset_jsonld(store.meta(), load(MapSettings).public_url, load(PublicationSettings))

    return await answer(request, store, lambda: _landing(request), "landing", jsonld=jsonld)


@router.get("/conformance")
async def conformance(request: Request, store: StoreDep) -> Response:
    return await answer(request, store, lambda: {"conformsTo": list(CONFORMANCE), "links": self_links(request)}, "")


def collection_document(request: Request, store: Store, info: CollectionInfo) -> dict[str, Any]:
    url = f"{base_url(request)}/collections/{info.id}"
    publication = load(PublicationSettings)
    links = [
        link(url, "self", JSON, info.title),
        link(f"{url}?f=html", "alternate", HTML, info.title),
        link(f"{url}/items", "items", GEOJSON, "the features"),
        link(f"{url}/items?f=html", "items", HTML, "the features"),
        link(f"{url}/queryables", REL_QUERYABLES, SCHEMA_JSON, "what the features may be selected by"),
        link(publication.data_licence_url, "license", HTML, publication.data_licence),
    ]
    if info.layer is not None:
        links.append(link(f"{url}/tiles", REL_TILESETS_VECTOR, JSON, "vector tiles"))
    return {
        "id": info.id,
        "title": info.title,
        "description": info.description,
        "extent": extent(store, info),
        "itemType": "feature",
        "crs": [CRS84],
        "license": publication.data_licence,
        "vintage": store.meta().get(info.vintage_key),
        "links": links,
    }


@router.get("/collections")
async def collections(request: Request, store: StoreDep) -> Response:
    def document() -> dict[str, Any]:
        listed = [collection_document(request, store, info) for info in COLLECTIONS.values()]
        return {"links": self_links(request), "collections": listed}

    return await answer(request, store, document, "collections")


@router.get("/collections/{collection_id}")
async def one_collection(request: Request, store: StoreDep, collection_id: CollectionId) -> Response:
    info = collection_info(collection_id)
    return await answer(request, store, lambda: collection_document(request, store, info), "collection")


@router.get("/collections/{collection_id}/queryables")
async def queryables(request: Request, store: StoreDep, collection_id: CollectionId) -> Response:
    info = collection_info(collection_id)

    def document() -> dict[str, Any]:
        properties = {
            q.property: {"title": q.property, "type": "string", **({"enum": list(q.values)} if q.values else {})}
            for q in info.queryables
        }
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{base_url(request)}/collections/{info.id}/queryables",
            "type": "object",
            "title": info.title,
            "description": "Each may be a query parameter of the items (category=교육·학원), or an equality in a "
            "CQL2 text filter joined by AND (filter=type='협동조합' AND status='operating').",
            "properties": properties,
            "additionalProperties": True,
        }

    return await answer(request, store, document, "queryables", SCHEMA_JSON)


@router.get("/collections/{collection_id}/items")
async def items(
    request: Request,
    store: StoreDep,
    collection_id: CollectionId,
    limit: Annotated[int, Query(ge=1)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    info = collection_info(collection_id)
    flt = item_filter(info, request)
    size = min(limit, MAX_LIMIT)  # above the maximum a client gets the maximum, not a refusal

    def document() -> dict[str, Any]:
        if info.layer is not None:
            page = collection(store, info.layer, flt, size, offset, request.query_params.get("properties"))
        else:
            assert info.boundaries is not None
            page = boundary_page(store, info.boundaries, flt, size, offset)
        url = f"{base_url(request)}/collections/{info.id}"
        paging = [x for x in page_links(request.url, page, size, offset) if x["rel"] != "self"]
        page["links"] = [*self_links(request, GEOJSON), *paging, link(url, "collection", JSON, info.title)]
        return page

    return await answer(request, store, document, "items", GEOJSON)


@router.get("/collections/{collection_id}/items/{feature_id}")
async def item(
    request: Request, store: StoreDep, collection_id: CollectionId, feature_id: Annotated[str, Path(max_length=64)]
) -> Response:
    info = collection_info(collection_id)

    def document() -> dict[str, Any]:
        if info.layer is not None:
            feature = orjson.loads(one(store, info.layer, feature_id))
        else:
            assert info.boundaries is not None
            feature = orjson.loads(boundary_one(store, info.boundaries, feature_id))
        url = f"{base_url(request)}/collections/{info.id}"
        feature["links"] = [*self_links(request, GEOJSON), link(url, "collection", JSON, info.title)]
        return feature

    return await answer(request, store, document, "item", GEOJSON)
