"""The distinct workloads of bench/compare.py: answers nobody asked for since the server started.

- distinct tiles: every non-empty z14-z16 tile of the organizations (a point in it), each requested once
- distinct pages: 100 pages of ``limit=100``, the 25 districts and 75 map views (boxes around sampled organizations)

Each round starts every server afresh (no answer in any memory), warms its connections on other requests, then
wrk sends each path exactly once, 16 at a time, and stops when the last answer arrived (``wrk_once``).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
from load import Run, Server, _ms

from semap.features.tiles import TMS

ONCE_SCRIPT = """
local paths = {{{paths}}}
local counter = 1
local threads = {{}}
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
init = function()
  mine = {{}}
  for i = id, #paths, {threads} do table.insert(mine, paths[i]) end
  sent, got, bad = 0, 0, 0
end
delay = function()
  if sent >= #mine then return 3600000 end  -- nothing left to send: this connection waits for the end
  return 0
end
request = function()
  sent = sent + 1
  return wrk.format("GET", mine[math.min(sent, #mine)])
end
response = function(status)
  got = got + 1
  if status ~= 200 then bad = bad + 1 end
  if got >= #mine then wrk.thread:stop() end
end
done = function()
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write("BAD " .. total .. "\\n")
end
"""
THREADS = 2


def wrk_once(server: Server, paths: list[str], connections: int = 16) -> Run:
    """Each of ``paths`` requested exactly once, ``connections`` at a time; req/s over the whole run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{quote(p, safe="/?=&,:.")}"' for p in paths)
        script.write(ONCE_SCRIPT.format(paths=quoted, threads=THREADS))
    before, peak = server.cpu_seconds(), server.rss_mb()
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", "-d600s", "--timeout", "60s", "--latency"]
    process = subprocess.Popen([*command, "-s", script.name, server.url], stdout=subprocess.PIPE, text=True)
    while process.poll() is None:
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            peak = max(peak, server.rss_mb())
    out = process.stdout.read() if process.stdout else ""
    os.unlink(script.name)
    server.rss_peak_mb = max(server.rss_peak_mb, peak, server.rss_mb())
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = int(re.search(r"BAD (\d+)", out).group(1))  # type: ignore[union-attr]
    if requests != len(paths) or bad:
        raise SystemExit(f"{server.name}: {requests} answers to {len(paths)} requests, {bad} not 200:\n{out}")

    def percentile(name: str) -> float:
        found = re.search(rf"^\s+{name}%\s+(\S+)", out, re.M)
        return _ms(found.group(1)) if found else float("nan")

    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=percentile("50"),
        p99_ms=percentile("99"),
        cpu_ms=1000 * (server.cpu_seconds() - before) / len(paths),
        errors=bad,
    )


def distinct_tiles(pg: str, database: str) -> list[tuple[int, int, int]]:
    """Every z14-z16 tile holding an organization: what a map of all Seoul asks for at street level."""
    with psycopg.connect(f"{pg}/{database}") as connection:
        points = connection.execute("SELECT ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL")
        found = {(z, t.x, t.y) for lon, lat in points for z in (14, 15, 16) for t in [TMS.tile(lon, lat, z)]}
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


def fresh(server: Server, probe: str, warm: list[str], cwd: Path) -> None:
    """The server restarted (nothing in its memory), its connections and first imports warmed on ``warm``."""
    server.stop()
    server.start(probe, cwd)
    import httpx

    with httpx.Client(base_url=server.url, timeout=60) as client:
        for path in warm:
            client.get(path).raise_for_status()
