"""The distinct workloads of bench/compare.py: answers nobody asked for since the server started.

- distinct tiles: every non-empty z14-z16 tile of the organizations (a point in it), each requested once
- distinct pages: 100 pages of ``limit=100``, the 25 districts and 75 map views (boxes around sampled organizations)

Each round starts every server afresh (no answer in any memory), warms its connections on other requests, then
sends each path exactly once, 16 at a time, and stops when the last answer arrived (``wrk_once``).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
from load import Run, Server

from semap.features.tiles import web_mercator_quad


def _head(raw: bytes) -> tuple[int, dict[bytes, bytes]]:
    lines = raw.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def _body(reader: asyncio.StreamReader, headers: dict[bytes, bytes]) -> int:
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        size = 0
        while True:
            length = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(length + 2)
            size += length
            if length == 0:
                return size
    length = int(headers.get(b"content-length", b"0"))
    await reader.readexactly(length)
    return length


async def _drive(host: str, port: int, paths: list[str], connections: int) -> tuple[float, list[float], int]:
    queue = list(reversed(paths))
    latencies: list[float] = []
    bad = 0

    async def client() -> None:
        nonlocal bad
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while queue:
                path = queue.pop()
                sent = time.perf_counter()
                writer.write(f"GET {quote(path, safe='/?=&,:.')} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                status, headers = _head(await reader.readuntil(b"\r\n\r\n"))
                await _body(reader, headers)
                latencies.append(time.perf_counter() - sent)
                bad += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    return time.perf_counter() - started, latencies, bad


def wrk_once(server: Server, paths: list[str], connections: int = 16) -> Run:
    """Each of ``paths`` requested exactly once, ``connections`` keep-alive clients at a time (a small asyncio
    client: wrk cannot stop when a list is done); req/s over the whole run."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    before, peak = server.cpu_seconds(), server.rss_mb()
    elapsed, latencies, bad = asyncio.run(_drive(host, int(port), paths, connections))
    server.rss_peak_mb = max(server.rss_peak_mb, peak, server.rss_mb())
    if len(latencies) != len(paths) or bad:
        raise SystemExit(f"{server.name}: {len(latencies)} answers to {len(paths)} requests, {bad} not 200")
    ordered = sorted(latencies)
    return Run(
        rps=len(paths) / elapsed,
        p50_ms=1000 * ordered[len(ordered) // 2],
        p99_ms=1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        cpu_ms=1000 * (server.cpu_seconds() - before) / len(paths),
        errors=bad,
    )


def distinct_tiles(pg: str, database: str) -> list[tuple[int, int, int]]:
    """Every z14-z16 tile holding an organization: what a map of all Seoul asks for at street level."""
    with psycopg.connect(f"{pg}/{database}") as connection:
        points = connection.execute("SELECT ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL")
        tms = web_mercator_quad()
        found = {(z, t.x, t.y) for lon, lat in points for z in (14, 15, 16) for t in [tms.tile(lon, lat, z)]}
    return sorted(found, key=lambda t: hash(t))  # mixed zooms, as many maps at once ask


def distinct_pages(pg: str, database: str) -> list[dict[str, str]]:
    """25 districts and 75 map views (a phone's street view, ~0.02 x 0.015 degrees, around sampled organizations)."""
    with psycopg.connect(f"{pg}/{database}") as connection:
        districts = [r[0] for r in connection.execute("SELECT adm_code FROM districts ORDER BY adm_code")]
        points = connection.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL "
            "ORDER BY md5(id || 'view') LIMIT 75"
        ).fetchall()
    pages = [{"district": code} for code in districts]
    pages += [{"bbox": f"{x - 0.01:.5f},{y - 0.0075:.5f},{x + 0.01:.5f},{y + 0.0075:.5f}"} for x, y in points]
    return pages


def page_path(server: str, page: dict[str, str], tipg_fields: str) -> str:
    (kind, value), limit = next(iter(page.items())), "limit=100"
    if server == "tipg":
        where = f"district_adm_code={value}" if kind == "district" else f"bbox={value}"
        return f"/collections/public.organizations/items?{where}&{limit}&sortby=id&properties={tipg_fields}"
    if server == "floor":
        return f"/features?{kind}={value}&{limit}"
    return f"/api/v1/organizations?{kind}={'adm:' + value if kind == 'district' else value}&{limit}"


def tile_path(server: str, tile: tuple[int, int, int], tipg_fields: str) -> str:
    z, x, y = tile
    if server == "tipg":
        return f"/collections/public.organizations/tiles/WebMercatorQuad/{z}/{x}/{y}?properties={tipg_fields}"
    return f"/tiles/organizations/{z}/{x}/{y}.mvt"


def fresh(server: Server, probe: str, warm: list[str], cwd: Path, connections: int = 16) -> None:
    """The server restarted (nothing in its memory), then ``warm`` sent on ``connections`` connections at once, so
    every worker process of it has its connections, imports and plans warm before the measured requests."""
    server.stop()
    server.start(probe, cwd)
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    _, _, bad = asyncio.run(_drive(host, int(port), warm * connections, connections))
    if bad:
        raise SystemExit(f"{server.name}: the warm-up requests {warm} were not all answered 200")
    if server.name.startswith("semap"):
        made_ahead(server, warm)


def made_ahead(server: Server, warm: list[str], in_a_row: int = 16, timeout_s: float = 60.0) -> None:
    """Until what the server makes ahead is made (the embedded store's tiles and records, started by a worker's first
    tile and page: see semap.api.ahead), as a server that has run for a second has them: ``in_a_row`` health checks
    saying so, each after ``warm`` (new connections, which reach each worker in turn). A server that makes nothing
    ahead says nothing of it."""
    deadline, streak = time.monotonic() + timeout_s, 0
    while streak < in_a_row:
        for path in warm:
            httpx.get(server.url + path, timeout=10).raise_for_status()
        health = httpx.get(server.url + "/healthz", timeout=10).json()
        made = [health[name] for name in ("tiles_ahead", "records_ahead") if name in health]
        if not made:
            return
        streak = streak + 1 if all(made) else 0
        if time.monotonic() > deadline:
            raise SystemExit(f"{server.name}: its tiles and records were not made within {timeout_s:g} s")
        time.sleep(0.05)
