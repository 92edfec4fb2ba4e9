"""SeMap against its peers in one run: tipg, and the floor (bench/floor_app.py: asyncpg + SeMap's own SQL).

One PostGIS database per size (the demo build; then 100k and 1M synthetic organizations, copies of the demo's rows
at normally scattered points), the same table behind every server. Servers: SeMap on PostGIS (its response cache
on, and off), SeMap on the embedded DuckDB (demo size only), tipg, the floor; one process each. Workloads: 16
non-empty vector tiles at z12, z14 and z16 (identical features checked across servers before measuring), and a
~100-feature GeoJSON page (the first 100 organizations of 서초구). Each workload is driven by wrk (16 connections,
fixed time, after a warm-up) round-robin over the servers for several rounds; medians are reported, with p50/p99
latency, server CPU per request and RSS, and the ratios per round. Then the distinct workloads (bench/distinct.py,
demo size): every non-empty z14-z16 tile once, and 100 distinct pages, on freshly started servers — SeMap on each
store with one worker and with two (`semap serve --workers 2`), tipg and the floor.

Run: python bench/compare.py [--sizes demo,100k,1m] [--rounds 3] [--seconds 5] [--distinct-rounds 3]
Needs: wrk (Debian package), a PostgreSQL with PostGIS (BENCH_PG, default postgresql://postgres@127.0.0.1:5432),
SEMAP_GEODATA_MIRROR (default ../shared/geodata). Peers are installed into bench/.peers on first run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import mapbox_vector_tile
import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distinct import distinct_pages, distinct_tiles, fresh, page_path, tile_path, wrk_once
from load import Series, Server, wrk

from semap.features.filters import FeatureFilter, where_clause
from semap.features.layers import ORGANIZATIONS
from semap.features.queries import PAGE_TAIL, count_sql, features_sql
from semap.features.tiles import mvt_sql, tile_params, web_mercator_quad
from semap.store.postgis_store import PostGISStore

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / ".peers"
BIN = Path(sys.executable).parent  # SeMap's own environment (semap, uvicorn)
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SIZES = {"demo": 0, "100k": 100_000, "1m": 1_000_000}
ZOOMS = (12, 14, 16)
DISTRICT = "11650"  # 서초구 (adm code): about a hundred organizations in the demo
TILE_FIELDS = ",".join(ORGANIZATIONS.tile_properties)


def sh(*command: str, env: dict[str, str] | None = None) -> None:
    quiet = subprocess.DEVNULL
    subprocess.run(command, check=True, env={**os.environ, **(env or {})}, cwd=REPO, stdout=quiet, stderr=quiet)


def admin(sql: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def ensure_peers() -> None:
    if not (PEERS / "bin" / "uvicorn").exists():
        sh(sys.executable, "-m", "venv", str(PEERS))
        sh(str(PEERS / "bin" / "pip"), "install", "-q", "tipg==1.6.1", "asyncpg", "uvicorn[standard]", "orjson")


def build_demo(database: str, duckdb_dir: Path) -> None:
    admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin(f"CREATE DATABASE {database}")
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        connection.execute("CREATE EXTENSION postgis")
    semap = str(BIN / "semap")
    sh(semap, "build", env={"SEMAP_DATABASE_URL": f"{PG}/{database}"})
    sh(semap, "build", env={"SEMAP_DATABASE_URL": f"duckdb:///{duckdb_dir / 'semap.duckdb'}"})


def add_synthetic(template: str, database: str, count: int) -> None:
    """The demo's organizations copied ``count`` times over in all, at points scattered around central Seoul."""
    admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin(f"CREATE DATABASE {database} TEMPLATE {template}")
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        columns = [
            r[0]
            for r in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'organizations' "
                "AND column_name NOT IN ('id', 'geom') ORDER BY ordinal_position"
            )
        ]
        listed = ", ".join(columns)
        connection.execute("SELECT setseed(0.13)")
        connection.execute(
            f"INSERT INTO organizations (id, geom, {listed}) "
            f"SELECT 'synthetic-' || g || '-' || o.id, "
            "ST_SetSRID(ST_Point(126.99 + 0.08 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()), "
            "37.55 + 0.05 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())), 4326), "
            f"{', '.join('o.' + c for c in columns)} "
            "FROM generate_series(1, %(copies)s) g CROSS JOIN organizations o WHERE o.id NOT LIKE 'synthetic-%%' "
            "LIMIT %(count)s",
            {"copies": count // 1000 + 1, "count": count},
        )
        connection.execute("VACUUM ANALYZE organizations")
        connection.execute("UPDATE dataset_meta SET value = md5(random()::text) WHERE key = 'data_version'")


def pick_tiles(database: str, zoom: int, count: int = 16) -> list[tuple[int, int, int]]:
    """The most populated tiles around sampled organizations: tiles a map of Seoul really asks for."""
    with psycopg.connect(f"{PG}/{database}") as connection:
        points = connection.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL ORDER BY md5(id) LIMIT 400"
        ).fetchall()
    tally: dict[tuple[int, int, int], int] = {}
    for lon, lat in points:
        tile = web_mercator_quad().tile(lon, lat, zoom)
        tally[(tile.z, tile.x, tile.y)] = tally.get((tile.z, tile.x, tile.y), 0) + 1
    return sorted(tally, key=lambda t: -tally[t])[:count]


def floor_sql(tiles: list[tuple[int, int, int]]) -> dict[str, object]:
    dialect = PostGISStore.dialect
    mvt, _ = mvt_sql(dialect, ORGANIZATIONS, FeatureFilter())
    where, _ = where_clause(FeatureFilter.of(district=f"adm:{DISTRICT}"), ORGANIZATIONS, dialect.envelope)
    in_box, _ = where_clause(FeatureFilter.of(bbox="0,0,1,1"), ORGANIZATIONS, dialect.envelope)
    bounds = {f"{z}/{x}/{y}": {k: v for k, v in tile_params(z, x, y).items() if k.startswith("t")} for z, x, y in tiles}
    return {
        "mvt": {"organizations": mvt},
        "bounds": bounds,
        "page": features_sql(ORGANIZATIONS, where, PAGE_TAIL),
        "count": count_sql(ORGANIZATIONS, where),
        "page_bbox": features_sql(ORGANIZATIONS, in_box, PAGE_TAIL),
        "count_bbox": count_sql(ORGANIZATIONS, in_box),
        "properties": list(ORGANIZATIONS.properties),
        "json_properties": list(ORGANIZATIONS.json_properties),
    }


def servers(database: str, duckdb_dir: Path | None, sql_file: Path) -> list[Server]:
    url = f"{PG}/{database}"
    semap = [str(BIN / "uvicorn"), "semap.api.app:create_app", "--factory"]
    peers = str(PEERS / "bin" / "uvicorn")
    found = [
        Server("semap", semap, {"SEMAP_DATABASE_URL": url}),
        Server("semap-uncached", semap, {"SEMAP_DATABASE_URL": url, "SEMAP_RESPONSE_CACHE_MB": "0"}),
        Server(
            "tipg",
            [peers, "tipg.main:app"],
            {
                "DATABASE_URL": url,
                "TIPG_DB_TABLES": '["public.organizations"]',
                "TIPG_MAX_FEATURES_PER_TILE": "10000000",
                "TIPG_TILE_BUFFER": "64",
                "TIPG_DB_MIN_CONN_SIZE": "16",
                "TIPG_DB_MAX_CONN_SIZE": "16",
            },
        ),
        Server(
            "floor",
            [peers, "floor_app:app", "--app-dir", str(REPO / "bench")],
            {"DATABASE_URL": url, "FLOOR_SQL": str(sql_file)},
        ),
    ]
    if duckdb_dir is not None:
        local = {"SEMAP_DATABASE_URL": f"duckdb:///{duckdb_dir / 'semap.duckdb'}"}
        found.append(Server("semap-duckdb", semap, local))
        found.append(Server("semap-duckdb-uncached", semap, {**local, "SEMAP_RESPONSE_CACHE_MB": "0"}))
    return found


def paths(server: Server, workload: str, tiles: dict[int, list[tuple[int, int, int]]]) -> list[str]:
    if workload == "page":
        if server.name == "tipg":
            fields = ",".join(p for p in ORGANIZATIONS.properties if p != "district_ko")
            return [
                f"/collections/public.organizations/items?district_adm_code={DISTRICT}&limit=100&sortby=id"
                f"&properties={fields}"
            ]
        if server.name == "floor":
            return [f"/features?district={DISTRICT}&limit=100"]
        return [f"/api/v1/organizations?district=adm:{DISTRICT}&limit=100"]
    zoom = int(workload[1:])
    if server.name == "tipg":
        return [
            f"/collections/public.organizations/tiles/WebMercatorQuad/{z}/{x}/{y}?properties={TILE_FIELDS}"
            for z, x, y in tiles[zoom]
        ]
    return [f"/tiles/organizations/{z}/{x}/{y}.mvt" for z, x, y in tiles[zoom]]


def same_content(running: list[Server], workload: str, tiles: dict[int, list[tuple[int, int, int]]]) -> int:
    """Every server answers the workload's first requests with the same features; returns the feature count."""
    seen: dict[str, list[str]] = {}
    for server in running:
        ids: list[str] = []
        for path in paths(server, workload, tiles)[:3]:
            body = httpx.get(server.url + path, timeout=120).raise_for_status().content
            if workload == "page":
                ids += [f["properties"]["id"] for f in orjson.loads(body)["features"]]
            else:
                for layer in mapbox_vector_tile.decode(body).values():
                    ids += [str(f["properties"]["id"]) for f in layer["features"]]
        seen[server.name] = sorted(ids)
    reference = seen["floor"]
    differing = [name for name, ids in seen.items() if ids != reference]
    if differing:
        raise SystemExit(f"{workload}: {', '.join(differing)} answer other features than the floor")
    return len(reference)


def measure(running: list[Server], workloads: list[str], tiles: dict, rounds: int, seconds: int) -> dict:
    results: dict[tuple[str, str], Series] = {}
    for workload in workloads:
        features = same_content(running, workload, tiles)
        print(f"  {workload}: {features} features in the first requests, identical on every server", flush=True)
        for server in running:
            wrk(server, paths(server, workload, tiles), 2, 16)  # warm-up: connections, caches, plans
        for number in range(1, rounds + 1):
            # Interleaved: each round gives every server the same slice of the machine's weather.
            for server in running:
                results.setdefault((workload, server.name), Series()).runs.append(
                    wrk(server, paths(server, workload, tiles), seconds, 16)
                )
            got = {s.name: results[(workload, s.name)].runs[-1].rps for s in running}
            ratios = "  ".join(
                f"{n}/tipg {ratio(got[n], got['tipg'])} /floor {ratio(got[n], got['floor'])}"
                for n in got
                if n.startswith("semap")
            )
            print(f"    round {number}: {ratios}", flush=True)
    return results


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "∞ (the peer completed no request)"


def report(size: str, running: list[Server], workloads: list[str], results: dict) -> str:
    names = [s.name for s in running]
    head = "| workload | " + " | ".join(f"{n} req/s" for n in names) + " | semap/tipg | semap/floor | "
    head += "uncached/tipg | uncached/floor | " + (
        "duckdb/postgis | duckdb uncached/postgis uncached | " if "semap-duckdb" in names else ""
    )
    head += "semap p99/p50 | uncached p99/p50 | CPU ms/request (" + ", ".join(names) + ") |"
    lines = [f"\n### {size}\n", head, "|" + "---|" * (head.count("|") - 1)]
    for workload in workloads:
        rps = {n: results[(workload, n)].median("rps") for n in names}
        p50 = {n: results[(workload, n)].median("p50_ms") for n in names}
        p99 = {n: results[(workload, n)].median("p99_ms") for n in names}
        cpu = {n: results[(workload, n)].median("cpu_ms") for n in names}
        cells = [f"{rps[n]:,.0f}" for n in names]
        cells += [
            ratio(rps["semap"], rps["tipg"]),
            ratio(rps["semap"], rps["floor"]),
            ratio(rps["semap-uncached"], rps["tipg"]),
            ratio(rps["semap-uncached"], rps["floor"]),
        ]
        if "semap-duckdb" in names:
            cells += [
                ratio(rps["semap-duckdb"], rps["semap"]),
                ratio(rps["semap-duckdb-uncached"], rps["semap-uncached"]),
            ]
        cells += [
            f"{p99['semap'] / p50['semap']:.1f} ({p50['semap']:.1f}/{p99['semap']:.1f} ms)",
            f"{p99['semap-uncached'] / p50['semap-uncached']:.1f} "
            f"({p50['semap-uncached']:.1f}/{p99['semap-uncached']:.1f} ms)",
            ", ".join(f"{cpu[n]:.2f}" for n in names),
        ]
        lines.append(f"| {workload} | " + " | ".join(cells) + " |")
    memory = ", ".join(f"{s.name} {s.rss_idle_mb:.0f}/{s.rss_peak_mb:.0f}" for s in running)
    lines.append(f"\nRSS idle/peak MB: {memory}")
    return "\n".join(lines)


# --- the distinct workloads (bench/distinct.py) ------------------------------------------------------------------
WARM_TILE = (12, 3492, 1587)  # not among the distinct ones: warms connections, imports and plans
WARM_PAGE = {
    "semap": "/api/v1/organizations?limit=1",
    "tipg": "/collections/public.organizations/items?limit=1",
    "floor": "/features?district=0&limit=1",
}


def distinct_servers(database: str, duckdb_dir: Path, sql_file: Path) -> list[Server]:
    """SeMap on each store with one worker and with two, tipg and the floor."""
    found = [s for s in servers(database, duckdb_dir, sql_file) if not s.name.endswith("uncached")]
    for one in [s for s in found if s.name.startswith("semap")]:
        found.append(Server(f"{one.name}-2w", [*one.command, "--workers", "2"], {**one.env, "SEMAP_WORKERS": "2"}))
    return found


def _probe(server: Server) -> str:
    if server.name.startswith("semap"):
        return "/tiles/organizations.json"
    return "/collections" if server.name == "tipg" else "/features?district=0"


def _distinct_paths(server: Server, workload: str, tiles: list, pages: list) -> list[str]:
    fields = ",".join(p for p in ORGANIZATIONS.properties if p != "district_ko")
    if workload == "distinct tiles":
        return [tile_path(server.name, tile, TILE_FIELDS) for tile in tiles]
    return [page_path(server.name, page, fields) for page in pages]


def _same_distinct_answers(running: list[Server], tiles: list, pages: list) -> None:
    """The first tiles and pages (a district's and a box's) hold the same features on every server."""
    seen: dict[str, list[str]] = {}
    for server in running:
        ids: list[str] = []
        for path in _distinct_paths(server, "distinct tiles", tiles[:3], []):
            for layer in mapbox_vector_tile.decode(httpx.get(server.url + path, timeout=60).content).values():
                ids += [str(f["properties"]["id"]) for f in layer["features"]]
        for path in _distinct_paths(server, "distinct pages", [], [pages[0], pages[-1]]):
            ids += [f["properties"]["id"] for f in httpx.get(server.url + path, timeout=60).json()["features"]]
        seen[server.name] = sorted(ids)
    differing = [name for name, ids in seen.items() if ids != seen["floor"]]
    if differing or not seen["floor"]:
        raise SystemExit(f"distinct: {', '.join(differing)} answer other features than the floor")
    print(f"  distinct: {len(seen['floor'])} features in the first answers, identical on every server", flush=True)


def measure_distinct(running: list[Server], tiles: list, pages: list, rounds: int) -> dict:
    for server in running:
        server.start(_probe(server), REPO)
    _same_distinct_answers(running, tiles, pages)
    warm_tile = tile_path("x", WARM_TILE, TILE_FIELDS)
    results: dict[tuple[str, str], Series] = {}
    for number in range(1, rounds + 1):
        for workload in ("distinct tiles", "distinct pages"):
            for server in running:  # interleaved, each on a server started afresh
                warm = [
                    tile_path(server.name, WARM_TILE, TILE_FIELDS) if server.name == "tipg" else warm_tile,
                    WARM_PAGE.get(server.name, WARM_PAGE["semap"]),
                ]
                fresh(server, _probe(server), warm, REPO)
                run = wrk_once(server, _distinct_paths(server, workload, tiles, pages))
                results.setdefault((workload, server.name), Series()).runs.append(run)
            got = {s.name: results[(workload, s.name)].runs[-1].rps for s in running}
            print(
                f"    round {number}, {workload}: "
                + ", ".join(f"{name} {rps:,.0f}" for name, rps in got.items())
                + f"; semap/floor {ratio(got['semap'], got['floor'])}, duckdb/postgis "
                f"{ratio(got['semap-duckdb'], got['semap'])}",
                flush=True,
            )
    return results


def report_distinct(running: list[Server], results: dict, tiles: list, pages: list) -> str:
    names = [s.name for s in running]
    head = (
        "| workload | "
        + " | ".join(f"{n} req/s" for n in names)
        + " | semap/floor | semap/tipg | duckdb/postgis | 2 workers/1: postgis, duckdb | "
        + "CPU ms/request ("
        + ", ".join(names)
        + ") | p50/p99 ms (semap, semap-duckdb) |"
    )
    lines = [f"\n### distinct answers ({len(tiles):,} tiles, {len(pages)} pages)\n", head]
    lines.append("|" + "---|" * (head.count("|") - 1))
    for workload in ("distinct tiles", "distinct pages"):
        rps = {n: results[(workload, n)].median("rps") for n in names}
        cpu = {n: results[(workload, n)].median("cpu_ms") for n in names}
        p50 = {n: results[(workload, n)].median("p50_ms") for n in names}
        p99 = {n: results[(workload, n)].median("p99_ms") for n in names}
        cells = [f"{rps[n]:,.0f}" for n in names]
        cells += [
            ratio(rps["semap"], rps["floor"]),
            ratio(rps["semap"], rps["tipg"]),
            ratio(rps["semap-duckdb"], rps["semap"]),
            f"{ratio(rps['semap-2w'], rps['semap'])}, {ratio(rps['semap-duckdb-2w'], rps['semap-duckdb'])}",
            ", ".join(f"{cpu[n]:.2f}" for n in names),
            f"{p50['semap']:.1f}/{p99['semap']:.1f}, {p50['semap-duckdb']:.1f}/{p99['semap-duckdb']:.1f}",
        ]
        lines.append(f"| {workload} | " + " | ".join(cells) + " |")
    memory = ", ".join(f"{s.name} {s.rss_peak_mb:.0f}" for s in running)
    lines.append(f"\nRSS peak MB (all of a server's processes): {memory}")
    return "\n".join(lines)


def other_targets(running: list[Server]) -> str:
    """Statistics after their first call and after a restart, and the CLI's start-up."""
    semap = next(s for s in running if s.name == "semap")
    lines = []
    # One client, as a browser keeps its connection: a client made per request costs ~40 ms of its own here.
    client = httpx.Client(timeout=120)
    for path in ("/api/v1/stats/lq?level=dong", "/api/v1/stats/lq", "/districts/서초구"):
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            client.get(semap.url + path).raise_for_status()
            timings.append(1000 * (time.perf_counter() - started))
        lines.append(f"- `{path}`: first {timings[0]:.0f} ms, then median {statistics.median(timings[1:]):.1f} ms")
    # A restart empties the server's memory; the statistics tables it computed are kept in the store.
    semap.stop()
    semap.start("/tiles/organizations.json", REPO)
    for path in ("/api/v1/stats/lq?level=dong", "/api/v1/stats/lq"):
        started = time.perf_counter()
        client.get(semap.url + path).raise_for_status()
        lines.append(f"- `{path}` after a restart: {1000 * (time.perf_counter() - started):.0f} ms")
    client.close()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([str(BIN / "semap"), "--help"], check=True, stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - started)
    lines.append(f"- `semap --help`: median {statistics.median(runs):.2f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="demo,100k,1m")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--distinct-rounds", type=int, default=3, help="0: skip the distinct workloads")
    args = parser.parse_args()
    os.environ.setdefault("SEMAP_GEODATA_MIRROR", str(REPO.parent / "shared" / "geodata"))
    ensure_peers()
    output = [
        f"SeMap vs tipg vs floor: wrk, 16 connections, {args.rounds} interleaved rounds of {args.seconds:g} s, "
        f"medians; {os.cpu_count()} cores, the load generator on the same machine."
    ]
    with tempfile.TemporaryDirectory() as scratch:
        duckdb_dir = Path(scratch) / "duckdb"
        print("building the demo (PostGIS and DuckDB) …", flush=True)
        build_demo("semap_bench_demo", duckdb_dir)
        for size in args.sizes.split(","):
            database = "semap_bench_demo" if size == "demo" else f"semap_bench_{size}"
            if size != "demo":
                print(f"adding {SIZES[size]:,} synthetic organizations …", flush=True)
                add_synthetic("semap_bench_demo", database, SIZES[size])
            tiles = {z: pick_tiles(database, z) for z in ZOOMS}
            sql_file = Path(scratch) / f"floor-{size}.json"
            every = [t for z in ZOOMS for t in tiles[z]]
            if size == "demo":
                every += [*distinct_tiles(PG, database), WARM_TILE]
            sql_file.write_bytes(orjson.dumps(floor_sql(every)))
            if size == "demo" and args.distinct_rounds:
                some_tiles, some_pages = distinct_tiles(PG, database), distinct_pages(PG, database)
                running = distinct_servers(database, duckdb_dir, sql_file)
                try:
                    results = measure_distinct(running, some_tiles, some_pages, args.distinct_rounds)
                    output.append(report_distinct(running, results, some_tiles, some_pages))
                    print(output[-1], flush=True)
                finally:
                    for server in running:
                        server.stop()
            running = servers(database, duckdb_dir if size == "demo" else None, sql_file)
            workloads = [f"z{z}" for z in ZOOMS] + ["page"]
            if not args.rounds:
                continue  # --rounds 0: the distinct workloads alone
            try:
                for server in running:
                    server.start(
                        "/tiles/organizations.json"
                        if server.name.startswith("semap")
                        else "/collections"
                        if server.name == "tipg"
                        else "/features?district=0",
                        REPO,
                    )
                print(f"{size}: " + ", ".join(f"{s.name} {s.url}" for s in running), flush=True)
                results = measure(running, workloads, tiles, args.rounds, args.seconds)
                output.append(report(size, running, workloads, results))
                if size == "demo":
                    output.append("\n" + other_targets(running))
                print(output[-1] if size != "demo" else "\n".join(output[-2:]), flush=True)  # kept if a size fails
            finally:
                for server in running:
                    server.stop()
    print("\n".join(output))


if __name__ == "__main__":
    main()
