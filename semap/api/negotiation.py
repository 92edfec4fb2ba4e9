"""What the OGC API prefix changes, decided in one place: which representation a request gets — JSON for clients,
HTML for browsers — which the response cache names answers by as well (the same URL answers both), and the status
of a malformed parameter."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs

OGC_PREFIX = "/ogc"


def invalid_parameter_status(path: str) -> int:
    """OGC API – Features answers a malformed or unknown parameter with 400 (/req/core/query-param-invalid);
    SeMap's own API with 422, as FastAPI does."""
    return 400 if path.startswith(OGC_PREFIX) else 422


def prefers_html(path: str, f: str | None, accept: str) -> bool:
    """HTML for ``f=html``, or without ``f`` for a client that asks for text/html (a browser); JSON otherwise, as
    GDAL, QGIS and other clients ask for it (``Accept: application/json``, or nothing in particular)."""
    if not path.startswith(OGC_PREFIX):
        return False
    return f == "html" if f is not None else "text/html" in accept


def cache_variant(path: str, raw_query: str, headers: Mapping[str, str]) -> str:
    """What besides the URL names an answer in the response cache: under the OGC prefix, the representation the
    Accept header chose when the query does not say (``f``)."""
    if not path.startswith(OGC_PREFIX) or "text/html" not in headers.get("accept", ""):
        return ""
    return "" if "f" in parse_qs(raw_query, keep_blank_values=True) else "\nhtml"
