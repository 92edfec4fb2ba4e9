"""The floor: the least a Python server can do to serve SeMap's tiles and feature pages from PostGIS.

Plain ASGI, an asyncpg pool, and SeMap's own SQL (written by bench/compare.py into FLOOR_SQL, a JSON file): no
framework, no validation, no cache. What SeMap spends above this is the cost of being a product.

Run by bench/compare.py: uvicorn floor_app:app --app-dir bench (env DATABASE_URL, FLOOR_SQL).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import orjson

SQL: dict[str, Any] = orjson.loads(Path(os.environ["FLOOR_SQL"]).read_bytes())
_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_pool: asyncpg.Pool | None = None


def positional(sql: str) -> tuple[str, list[str]]:
    """:name parameters as asyncpg's $n, and the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED.sub(number, sql), names


MVT = {layer: positional(sql) for layer, sql in SQL["mvt"].items()}
PAGE = positional(SQL["page"])
COUNT = positional(SQL["count"])
PAGE_BBOX = positional(SQL["page_bbox"])
COUNT_BBOX = positional(SQL["count_bbox"])


async def _respond(send: Any, status: int, body: bytes, media_type: bytes) -> None:
    headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=16, max_size=16)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                assert _pool is not None
                await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert _pool is not None
    parts = scope["path"].strip("/").split("/")
    if len(parts) == 5 and parts[0] == "tiles":  # /tiles/{layer}/{z}/{x}/{y}.mvt
        layer, z, x, y = parts[1], int(parts[2]), int(parts[3]), int(parts[4].split(".")[0])
        sql, names = MVT[layer]
        bounds = SQL["bounds"][f"{z}/{x}/{y}"]
        values = {"z": z, "x": x, "y": y, **bounds}
        tile = await _pool.fetchval(sql, *[values[n] for n in names])
        await _respond(send, 200, tile or b"", b"application/vnd.mapbox-vector-tile")
    elif parts == ["features"]:  # /features?district=ADM&limit=N or ?bbox=minx,miny,maxx,maxy&limit=N
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        values: dict[str, Any] = {"limit": int(query.get("limit", 100)), "offset": 0}
        if "bbox" in query:
            minx, miny, maxx, maxy = (float(v) for v in query["bbox"].split(","))
            values.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy)
            page, count = PAGE_BBOX, COUNT_BBOX
        else:
            values["district"] = query["district"]
            page, count = PAGE, COUNT
        async with _pool.acquire() as connection:
            rows = await connection.fetch(page[0], *[values[n] for n in page[1]])
            matched = await connection.fetchval(count[0], *[values[n] for n in count[1]])
        properties, json_properties = SQL["properties"], set(SQL["json_properties"])
        features = []
        for row in rows:
            props = {
                name: orjson.Fragment(row[i]) if name in json_properties and row[i] is not None else row[i]
                for i, name in enumerate(properties)
            }
            geometry = row[len(properties)]
            features.append(
                {"type": "Feature", "id": props["id"], "geometry": orjson.Fragment(geometry), "properties": props}
            )
        body = {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(rows),
            "features": features,
        }
        await _respond(send, 200, orjson.dumps(body), b"application/geo+json")
    else:
        await _respond(send, 404, b"not found", b"text/plain")
