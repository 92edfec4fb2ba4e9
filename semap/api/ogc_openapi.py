"""The OGC API's own OpenAPI 3.0 document (``/ogc/api``): paths relative to the landing page (the prefix is in
``servers``), and each collection's items path declaring its filters and queryables as query parameters — how GDAL
learns which ``-where`` equalities it may send to the server. The filters' documentation is the one FastAPI writes
for /api/v1 from semap.api.params (OpenAPI 3.1), turned into 3.0."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

import semap
from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.ogc_common import GEOJSON, HTML, JSON, MVT, OGC_PREFIX, OPENAPI_JSON, SCHEMA_JSON, base_url, wants_html
from semap.api.routes_docs import docs_page
from semap.features.catalog import COLLECTIONS, CollectionInfo
from semap.features.queries import MAX_LIMIT
from semap.features.tiles import MAX_ZOOM
from semap.store import Store

router = APIRouter(prefix=OGC_PREFIX, include_in_schema=False)

OWN_PARAMETERS = {"bbox", "datetime"}  # written as OGC API – Features defines them, not taken from /api/v1
_FORM = {"in": "query", "required": False, "style": "form", "explode": False}
ERROR = {
    "description": "A malformed or unknown parameter (400), or no such collection or feature (404)",
    "content": {
        JSON: {
            "schema": {
                "type": "object",
                "required": ["error", "detail"],
                "properties": {
                    "error": {"type": "string"},
                    "detail": {"type": "string"},
                    "parameter": {"type": "string", "nullable": True},
                },
            }
        }
    },
}
STANDARD = {
    "f": {
        "name": "f",
        **_FORM,
        "description": "json (default for clients) or html",
        "schema": {"type": "string", "enum": ["json", "html"]},
    },
    "lang": {
        "name": "lang",
        **_FORM,
        "description": "the HTML pages' language",
        "schema": {"type": "string", "enum": ["ko", "en"]},
    },
    "limit": {
        "name": "limit",
        **_FORM,
        "description": f"features per page; more than {MAX_LIMIT} gets {MAX_LIMIT}",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
    },
    "offset": {
        "name": "offset",
        **_FORM,
        "description": "features to skip (the next and prev links carry it)",
        "schema": {"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0},
    },
    "bbox": {
        "name": "bbox",
        **_FORM,
        "description": "minx,miny,maxx,maxy in CRS84 (longitude, latitude)",
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
    },
    "datetime": {
        "name": "datetime",
        **_FORM,
        "description": "verified (verified_at) at an instant or within an interval: 2013-12-31, 2013-01-01/2013-12-31, "
        "2013-06-01/.. (boundaries have no time: every one matches)",
        "schema": {"type": "string"},
    },
    "filter": {
        "name": "filter",
        **_FORM,
        "description": "CQL2 text, equalities of queryables joined by AND: type='협동조합' AND status='operating'",
        "schema": {"type": "string"},
    },
    "filter-lang": {"name": "filter-lang", **_FORM, "schema": {"type": "string", "enum": ["cql2-text"]}},
}


def _oas30(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter schema FastAPI wrote for OpenAPI 3.1 (``anyOf`` with null, ``examples``), as OpenAPI 3.0."""
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    merged = {
        **{k: v for k, v in schema.items() if k not in ("anyOf", "title", "examples")},
        **(branches[0] if branches else {}),
    }
    return merged


def _filters(info: CollectionInfo, source: dict[str, Any]) -> list[dict[str, Any]]:
    path = {"organizations": "/api/v1/organizations", "resources": "/api/v1/resources", "dongs": "/api/v1/dongs"}.get(
        info.id
    )
    documented = source["paths"][path]["get"]["parameters"] if path else []
    wanted = info.filters - OWN_PARAMETERS
    taken = [
        {"name": p["name"], **_FORM, "description": p.get("description", ""), "schema": _oas30(p["schema"])}
        for p in documented
        if p["name"] in wanted
    ]
    names = {p["name"] for p in taken}
    for q in info.queryables:
        if q.property not in names:
            schema: dict[str, Any] = {"type": "string", **({"enum": list(q.values)} if q.values else {})}
            taken.append(
                {"name": q.property, **_FORM, "description": f"{q.property} equals (queryable)", "schema": schema}
            )
    if info.layer is not None:
        properties = next((p for p in documented if p["name"] == "properties"), None)
        if properties:
            taken.append(
                {
                    "name": "properties",
                    **_FORM,
                    "description": properties.get("description", ""),
                    "schema": _oas30(properties["schema"]),
                }
            )
    return taken


def _ok(description: str, *media_types: str) -> dict[str, Any]:
    content = {m: {"schema": {"type": "string"} if m in (HTML, MVT) else {"type": "object"}} for m in media_types}
    return {"200": {"description": description, "content": content}, "400": ERROR, "404": ERROR}


def _get(summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
    operation_id = "".join(w.capitalize() for w in summary.split()[:6] if w.isalpha())
    return {"get": {"summary": summary, "operationId": operation_id, "parameters": parameters, "responses": responses}}


def _path(name: str, values: list[str] | None = None, description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", **({"enum": values} if values else {})}
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def openapi_document(source: dict[str, Any], landing_url: str, version: str) -> dict[str, Any]:
    """``source``: the app's own OpenAPI document (semap.api.params documents the filters there)."""
    page = [STANDARD["f"], STANDARD["lang"]]
    paths: dict[str, Any] = {
        "/": _get("The landing page", page, _ok("links to everything else", JSON, HTML)),
        "/conformance": _get("The conformance classes SeMap meets", page, _ok("conformsTo", JSON, HTML)),
        "/api": _get("This document", [STANDARD["f"]], _ok("OpenAPI 3.0", OPENAPI_JSON, HTML)),
        "/collections": _get("The collections", page, _ok("the collections", JSON, HTML)),
        "/collections/{collectionId}": _get(
            "One collection", [_path("collectionId", list(COLLECTIONS)), *page], _ok("a collection", JSON, HTML)
        ),
        "/collections/{collectionId}/queryables": _get(
            "What a collection's features may be selected by",
            [_path("collectionId", list(COLLECTIONS)), *page],
            _ok("a JSON Schema", SCHEMA_JSON, HTML),
        ),
    }
    common = [STANDARD[n] for n in ("limit", "offset", "bbox", "datetime", "filter", "filter-lang", "f", "lang")]
    for info in COLLECTIONS.values():
        paths[f"/collections/{info.id}/items"] = _get(
            f"Features of {info.id}", [*common, *_filters(info, source)], _ok("a FeatureCollection", GEOJSON, HTML)
        )
        paths[f"/collections/{info.id}/items/{{featureId}}"] = _get(
            f"One feature of {info.id}", [_path("featureId"), *page], _ok("a Feature", GEOJSON, HTML)
        )
    tiled = [c.id for c in COLLECTIONS.values() if c.layer is not None]
    matrix_set = _path("tileMatrixSetId", ["WebMercatorQuad"])
    paths.update(
        {
            "/tileMatrixSets": _get("The tile matrix sets", page, _ok("the list", JSON, HTML)),
            "/tileMatrixSets/{tileMatrixSetId}": _get(
                "A tile matrix set", [matrix_set, *page], _ok("its definition", JSON, HTML)
            ),
            "/collections/{collectionId}/tiles": _get(
                "A collection's vector tilesets", [_path("collectionId", tiled), *page], _ok("the tilesets", JSON, HTML)
            ),
            "/collections/{collectionId}/tiles/{tileMatrixSetId}": _get(
                "A vector tileset", [_path("collectionId", tiled), matrix_set, *page], _ok("the tileset", JSON, HTML)
            ),
            "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": _get(
                "A vector tile (Mapbox Vector Tile)",
                [
                    _path("collectionId", tiled),
                    matrix_set,
                    _path("tileMatrix", [str(z) for z in range(MAX_ZOOM + 1)], "the zoom level"),
                    {**_path("tileRow"), "schema": {"type": "integer", "minimum": 0}},
                    {**_path("tileCol"), "schema": {"type": "integer", "minimum": 0}},
                ],
                _ok("a tile; empty when no feature lies in it", MVT),
            ),
        }
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SeMap — OGC API – Features and Tiles",
            "version": version,
            "description": "Seoul's social-economy organizations, shared resources, districts and dongs.",
        },
        "servers": [{"url": landing_url}],
        "paths": paths,
    }


@router.get("/api")
async def api_document(request: Request, store: Annotated[Store, Depends(get_store)]) -> Response:
    if wants_html(request):
        return api_page()

    def render() -> bytes:
        return orjson.dumps(openapi_document(request.app.openapi(), base_url(request), semap.__version__))

    return await versioned(request, store, render, OPENAPI_JSON, headers={"Vary": "Accept"})


@router.get("/api.html")
def api_page() -> Response:
    return docs_page("swagger", "SeMap — OGC API", f"{OGC_PREFIX}/api?f=json")
