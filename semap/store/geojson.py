"""Assemble GeoJSON from rows whose geometry JSON the database already wrote (no per-geometry parsing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson


def feature_collection(properties: Sequence[str], rows: Iterable[Sequence[Any]], id_field: str | None = None) -> bytes:
    """Rows are (*property values, geometry GeoJSON text). Geometry text is embedded as-is via orjson.Fragment."""
    features = []
    for row in rows:
        props = dict(zip(properties, row[:-1], strict=True))
        feature: dict[str, Any] = {"type": "Feature"}
        if id_field is not None:
            feature["id"] = props[id_field]
        feature["properties"] = props
        geometry = row[-1]
        feature["geometry"] = orjson.Fragment(geometry) if geometry is not None else None
        features.append(feature)
    return orjson.dumps({"type": "FeatureCollection", "features": features})
