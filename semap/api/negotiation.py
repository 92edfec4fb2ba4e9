"""Which representation an OGC API request gets — JSON for clients, HTML for browsers — decided in one place, which
the response cache names answers by as well (the same URL answers both)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs

OGC_PREFIX = "/ogc"


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
