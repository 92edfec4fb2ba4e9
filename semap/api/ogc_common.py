"""What the OGC API routes share: media types, links, the conformance classes SeMap meets, and one answer for a
document as JSON or as an HTML page (semap.api.negotiation decides which)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.html import page_body
from semap.api.negotiation import OGC_PREFIX, prefers_html
from semap.api.responses import Body
from semap.errors import InvalidParameter
from semap.features.catalog import CollectionInfo
from semap.features.cql import equalities
from semap.features.filters import FeatureFilter
from semap.i18n import DEFAULT_LANGUAGE, LANGUAGES
from semap.maps.ogc_page import ogc_page
from semap.store import Store

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
MVT = "application/vnd.mapbox-vector-tile"
REL_TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
REL_TILING_SCHEMES = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_SPEC = "http://www.opengis.net/spec"
CONFORMANCE = (
    f"{_SPEC}/ogcapi-common-1/1.0/conf/core",
    f"{_SPEC}/ogcapi-common-1/1.0/conf/landing-page",
    f"{_SPEC}/ogcapi-common-1/1.0/conf/json",
    f"{_SPEC}/ogcapi-common-1/1.0/conf/html",
    f"{_SPEC}/ogcapi-common-1/1.0/conf/oas30",
    f"{_SPEC}/ogcapi-common-2/1.0/conf/collections",
    f"{_SPEC}/ogcapi-features-1/1.0/conf/core",
    f"{_SPEC}/ogcapi-features-1/1.0/conf/geojson",
    f"{_SPEC}/ogcapi-features-1/1.0/conf/html",
    f"{_SPEC}/ogcapi-features-1/1.0/conf/oas30",
    f"{_SPEC}/ogcapi-features-3/1.0/conf/queryables",
    f"{_SPEC}/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/core",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/tileset",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/tilesets-list",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/mvt",
    f"{_SPEC}/ogcapi-tiles-1/1.0/conf/oas30",
)
FORMATS = ("json", "html")
# Parameters every items (and tile) request may carry besides a collection's filters and queryables.
ITEM_PARAMETERS = frozenset({"limit", "offset", "bbox", "datetime", "f", "lang", "filter", "filter-lang"})
FILTER_LANGUAGE = "cql2-text"


def wants_html(request: Request) -> bool:
    f = request.query_params.get("f")
    if f is not None and f not in FORMATS:
        raise InvalidParameter("f", f"{f!r} is not a format here; formats: {', '.join(FORMATS)}")
    return prefers_html(request.url.path, f, request.headers.get("accept", ""))


def language(request: Request) -> str:
    lang = request.query_params.get("lang", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        raise InvalidParameter("lang", "ko or en")
    return lang


def base_url(request: Request) -> str:
    """The landing page's absolute URL (no trailing slash): every link is absolute, as clients follow them."""
    return str(request.base_url).rstrip("/") + OGC_PREFIX


def link(href: str, rel: str, media_type: str, title: str | None = None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"href": href, "rel": rel, "type": media_type}
    if title:
        found["title"] = title
    return {**found, **extra}


def self_links(request: Request, media_type: str = JSON) -> list[dict[str, Any]]:
    """This document (self, in the representation asked for) and its other representation (alternate)."""
    url = request.url.remove_query_params("f")
    html, machine = str(url.include_query_params(f="html")), str(url.include_query_params(f="json"))
    if wants_html(request):
        return [link(html, "self", HTML), link(machine, "alternate", media_type, "JSON")]
    return [link(str(request.url), "self", media_type), link(html, "alternate", HTML, "HTML")]


async def answer(
    request: Request,
    store: Store,
    document: Callable[[], dict[str, Any]],
    kind: str,
    media_type: str = JSON,
    jsonld: Callable[[], dict[str, Any]] | None = None,
) -> Response:
    """The document as JSON (``media_type``), or as an HTML page for a browser, cached per data version like every
    answer of SeMap (the representation is part of the cache's name for it)."""
    html = wants_html(request)
    lang = language(request)

    def render() -> Body:
        body = orjson.dumps(document())
        if not html:
            return Body(body)
        # The page reads what a client would: the database's JSON (orjson fragments) as data.
        return page_body(ogc_page(kind, orjson.loads(body), lang, jsonld() if jsonld else None))

    chosen = "text/html; charset=utf-8" if html else media_type
    return await versioned(request, store, render, chosen, headers={"Vary": "Accept"})


def item_filter(info: CollectionInfo, request: Request) -> FeatureFilter:
    """The collection's filters, its queryables and a CQL2 text filter of equalities, as one FeatureFilter of the
    grammar; an unknown, repeated or conflicting parameter is refused (400), never ignored."""
    pairs = request.query_params.multi_items()
    queryable = {q.property: q for q in info.queryables}
    allowed = ITEM_PARAMETERS | info.filters | set(queryable) | ({"properties"} if info.layer else set())
    seen: set[str] = set()
    for name, _ in pairs:
        if name not in allowed:
            raise InvalidParameter(
                name, f"is not a parameter of {info.id}'s items; they are {', '.join(sorted(allowed))}"
            )
        if name in seen:
            raise InvalidParameter(name, "is given twice")
        seen.add(name)
    given = dict(pairs)
    values = {name: value for name, value in given.items() if name in info.filters}
    stated = [(name, value) for name, value in given.items() if name in queryable and name not in info.filters]
    if "filter" in given:
        if given.get("filter-lang", FILTER_LANGUAGE) != FILTER_LANGUAGE:
            raise InvalidParameter("filter-lang", f"only {FILTER_LANGUAGE} is read")
        stated += equalities(given["filter"])
    for name, value in stated:
        if name not in queryable:
            raise InvalidParameter("filter", f"{name!r} is not queryable; queryables: {', '.join(queryable) or 'none'}")
        wanted = queryable[name].filter_value(value)
        if values.setdefault(queryable[name].filter, wanted) != wanted:
            raise InvalidParameter(name, f"asks for {value!r} where another parameter asks for something else")
    return FeatureFilter.of(**values)
