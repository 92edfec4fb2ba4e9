"""Response classes for bytes the store already serialized, and their OpenAPI documentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response


def attachment(name: str, ascii_name: str | None = None) -> str:
    """Content-Disposition for a download: the UTF-8 name (RFC 6266/5987), and an ASCII one for old clients."""
    fallback = f'; filename="{ascii_name}"' if ascii_name else ""
    return f"attachment{fallback}; filename*=UTF-8''{quote(name)}"


@dataclass(frozen=True)
class Body:
    """A rendered body with headers that depend on it (a page's Content-Security-Policy with its script hashes),
    and once a client asked for it, the body gzip-compressed."""

    content: bytes
    headers: dict[str, str] = field(default_factory=dict)  # kept ones: names in lower case, as Starlette sends
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.content) + len(self.gzipped or b"")

    @classmethod
    def sent(cls, content: bytes, media_type: str, headers: dict[str, str]) -> Body:
        """``content`` with the headers a Starlette Response sends it with (``headers`` in lower case)."""
        return cls(content, {**headers, "content-length": str(len(content)), "content-type": media_type})


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
