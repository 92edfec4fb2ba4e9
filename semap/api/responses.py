"""Response classes for bytes the store already serialized, and their OpenAPI documentation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.responses import Response


def attachment(name: str, ascii_name: str | None = None) -> str:
    """Content-Disposition for a download: the UTF-8 name (RFC 6266/5987), and an ASCII one for old clients."""
    fallback = f'; filename="{ascii_name}"' if ascii_name else ""
    return f"attachment{fallback}; filename*=UTF-8''{quote(name)}"


class GeoJSONResponse(Response):
    media_type = "application/geo+json"


FEATURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "id": {"type": ["string", "number"]},
        "geometry": {"type": ["object", "null"]},
        "properties": {"type": ["object", "null"]},
    },
}
FEATURE_COLLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": FEATURE_SCHEMA},
        "numberMatched": {"type": "integer", "description": "features the filter selects, over all pages"},
        "numberReturned": {"type": "integer"},
        "links": {"type": "array", "items": {"type": "object"}},
    },
}


def geojson_doc(schema: dict[str, Any], example: Any = None) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {200: {"content": {"application/geo+json": content}, "description": "GeoJSON (RFC 7946)"}}
