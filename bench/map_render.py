"""Benchmark: the citizen map's first render in headless Chromium, against a peer, as a ratio.

Peer: the usual Folium way — one folium.CircleMarker per organization inside a MarkerCluster, all in the HTML.
SeMap: a small page whose data layers load from the API for the view (server-side clusters past 2,000).

Measured per page, median of N runs: HTML size, and milliseconds from navigation start until the data is on
the map (SeMap: window.semapState.readyMs; peer: the load event, when Folium's markers have been added).
Then SeMap alone with 100,000 synthetic organizations, to show it stays usable.

``--formats``: which data format the map should draw, GeoJSON (today's page: pages of features, server-side grid
clusters past 2,000 in view) or SeMap's own vector tiles (Leaflet.VectorGrid from npm, the usual Leaflet MVT
plugin), at the demo size, 100,000 and 1,000,000 organizations: first render (navigation start to data drawn) and
the cost of a pan and a zoom (the call to data drawn), from Seoul's overview (zoom 11) and a street (zoom 16).

Run: python bench/map_render.py [--runs 5] [--formats]   (needs Debian's chromium and chromium-driver; --formats
needs npm)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import folium
import httpx
import orjson
from folium.plugins import MarkerCluster
from starlette.responses import HTMLResponse, Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from semap.api.app import create_app
from semap.pipeline.build import build
from semap.settings import GeodataSettings, StoreSettings
from semap.store import open_store
from tests.browser import chrome, live_server, wait_for

REPO = Path(__file__).resolve().parent.parent


def peer_page(store) -> str:
    """A Folium map with one marker object per organization (what most Folium maps do)."""
    rows = store.fetch("SELECT name, category, ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL")
    fmap = folium.Map(location=[37.5565, 126.978], zoom_start=11, tiles=None)
    cluster = MarkerCluster().add_to(fmap)
    for name, category, lon, lat in rows:
        folium.CircleMarker([lat, lon], radius=6, popup=f"{name} ({category})").add_to(cluster)
    return fmap.get_root().render()


def time_semap(driver, url: str) -> float:
    driver.get(url)
    return float(wait_for(driver, "var s = window.semapState; return s && s.readyMs;", timeout=120))


def time_peer(driver, url: str) -> float:
    driver.get(url)
    wait_for(driver, "return document.readyState === 'complete'", timeout=300)
    return float(driver.execute_script("return performance.timing.loadEventEnd - performance.timing.navigationStart"))


def synthetic_sql(store, n: int) -> None:
    """Replace the organizations by ``n`` copies of the first, at random points over Seoul (in SQL: a million
    rows as Python objects would not fit)."""
    with store.patching() as target, target.transaction() as tx:
        tx.execute("CREATE TEMP TABLE template AS SELECT * FROM organizations ORDER BY id LIMIT 1")
        tx.execute("DELETE FROM organizations")
        tx.execute(
            "INSERT INTO organizations SELECT template.* REPLACE ("
            "'syn-' || lpad(r.range::VARCHAR, 7, '0') AS id, '합성 조직 ' || r.range AS name, "
            "ST_Point(126.99 + 0.08 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()), "
            "37.55 + 0.05 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS geom) "
            f"FROM template, range({int(n)}) r"
        )


def synthetic_store(settings: StoreSettings, geodata: GeodataSettings, n: int):
    """The demo store with its organizations replaced by ``n`` synthetic ones (``synthetic_sql``)."""
    store = open_store(settings)
    build(store, geodata)
    synthetic_sql(store, n)
    return store


PEERS = REPO / "bench" / ".peers"
VECTORGRID = PEERS / "vectorgrid" / "package" / "dist" / "Leaflet.VectorGrid.bundled.min.js"
MVT_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/vendor/leaflet-1.9.4/leaflet.css">
<script src="/static/vendor/leaflet-1.9.4/leaflet.js"></script><script src="/bench/vectorgrid.js"></script>
<style>html,body,#map{margin:0;height:100%}</style></head><body><div id="map"></div><script>
var q = new URLSearchParams(location.search), at = (q.get("at") || "37.5565,126.978,11").split(",");
var map = L.map("map").setView([+at[0], +at[1]], +at[2]);
window.mvtState = {};
var dots = {radius: 4, fill: true, fillColor: "#1f78b4", fillOpacity: 0.8, color: "#fff", weight: 1};
L.vectorGrid.protobuf("/tiles/organizations/{z}/{x}/{y}.mvt", {
  rendererFactory: L.canvas.tile, vectorTileLayerStyles: {organizations: dots}, maxNativeZoom: 22
}).on("load", function () { window.mvtState.readyMs = performance.now(); }).addTo(map);
window.mvtMap = map;
</script></body></html>"""
VIEWS = {"overview": (37.5565, 126.978, 11), "street": (37.5665, 126.978, 16)}
MOVES = {"overview": (37.52, 127.05, 12), "street": (37.5700, 126.985, 17)}  # a pan plus a zoom in


def vectorgrid() -> Path:
    """Leaflet.VectorGrid 1.3.0 from the npm registry, into bench/.peers (a peer's code: measured, not shipped)."""
    if not VECTORGRID.exists():
        folder = VECTORGRID.parents[2]
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "leaflet.vectorgrid@1.3.0"], cwd=folder, check=True, capture_output=True)
        subprocess.run(["tar", "xzf", "leaflet.vectorgrid-1.3.0.tgz"], cwd=folder, check=True)
    return VECTORGRID


def with_mvt_page(app):
    """SeMap's app plus the MVT page and its plugin (same origin, so the page reads SeMap's own tiles)."""
    policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src * data:"
    script = vectorgrid().read_bytes()
    app.add_route("/bench/mvt.html", lambda _: HTMLResponse(MVT_PAGE, headers={"Content-Security-Policy": policy}))
    app.add_route("/bench/vectorgrid.js", lambda _: Response(script, media_type="text/javascript"))
    return app


def time_view(driver, url: str, state: str, move_js: str) -> tuple[float, float]:
    """(first render ms, pan + zoom ms) of one page: navigation to data drawn, then the move to data drawn."""
    driver.get(url)
    first = float(wait_for(driver, f"var s = window.{state}; return s && s.readyMs;", timeout=300))
    started = float(driver.execute_script(f"var t = performance.now(); {move_js}; return t;"))
    done = float(wait_for(driver, f"var s = window.{state}; return s.readyMs > {started} && s.readyMs;", timeout=300))
    return first, done - started


def compare_formats(args, geodata: GeodataSettings, work: Path) -> None:
    driver = chrome()
    print("| organizations | view | GeoJSON first render | MVT first render | GeoJSON pan+zoom | MVT pan+zoom |")
    print("|---|---|---|---|---|---|")
    try:
        for n in (int(size) for size in args.sizes.split(",")):
            store = open_store(StoreSettings(data_dir=work / f"formats-{n}"))
            build(store, geodata)
            if n:
                synthetic_sql(store, n)
            count = int(store.fetch("SELECT count(*) FROM organizations")[0][0])
            with live_server(with_mvt_page(create_app(store))) as url:
                for view, (lat, lon, zoom) in VIEWS.items():
                    to = MOVES[view]
                    at = f"at={lat},{lon},{zoom}"
                    geojson = [
                        time_view(
                            driver,
                            f"{url}/?{at}",
                            "semapState",
                            f"window.semapView.map.setView([{to[0]}, {to[1]}], {to[2]})",
                        )
                        for _ in range(args.runs)
                    ]
                    mvt = [
                        time_view(
                            driver,
                            f"{url}/bench/mvt.html?{at}",
                            "mvtState",
                            f"window.mvtMap.setView([{to[0]}, {to[1]}], {to[2]})",
                        )
                        for _ in range(args.runs)
                    ]
                    cells = [statistics.median(t[k] for t in runs) for k in (0, 1) for runs in (geojson, mvt)]
                    print(
                        f"| {count:,} | {view} (z{zoom}) | " + " | ".join(f"{c:,.0f} ms" for c in cells) + " |",
                        flush=True,
                    )
            store.close()
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "geodata")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--formats", action="store_true", help="GeoJSON against vector tiles on the map")
    parser.add_argument(
        "--sizes", default="0,100000,1000000", help="--formats: organizations to time at, comma-separated (0: demo)"
    )
    args = parser.parse_args()
    os.environ["SEMAP_BASEMAP_URL"] = ""  # measure SeMap and the peer without network tiles
    work = Path(tempfile.mkdtemp(prefix="semap-bench-"))
    geodata = GeodataSettings(geodata_mirror=args.mirror, data_dir=work)
    if args.formats:
        compare_formats(args, geodata, work)
        return
    store = open_store(StoreSettings(data_dir=work / "demo"))
    build(store, geodata)
    peer_html = peer_page(store)
    (work / "peer.html").write_text(peer_html, encoding="utf-8")

    results = {}
    driver = chrome()
    try:
        with live_server(create_app(store)) as url:
            semap_html = httpx.get(url + "/").content
            semap_ms = [time_semap(driver, url + "/") for _ in range(args.runs)]
            peer_ms = [time_peer(driver, (work / "peer.html").as_uri()) for _ in range(args.runs)]
        results["demo"] = {
            "organizations": store.count("districts") and int(store.fetch("SELECT count(*) FROM organizations")[0][0]),
            "semap_html_bytes": len(semap_html),
            "peer_html_bytes": len(peer_html.encode()),
            "semap_first_render_ms": statistics.median(semap_ms),
            "peer_first_render_ms": statistics.median(peer_ms),
        }
        store.close()
        big = synthetic_store(StoreSettings(data_dir=work / "big"), geodata, args.synthetic)
        with live_server(create_app(big)) as url:
            big_ms = [time_semap(driver, url + "/") for _ in range(args.runs)]
            zoomed = time_semap(driver, url + "/?at=37.5665,126.978,16")
            state = driver.execute_script("return window.semapState")
        results["synthetic"] = {
            "organizations": args.synthetic,
            "semap_first_render_ms": statistics.median(big_ms),
            "semap_zoomed_in_render_ms": zoomed,
            "zoomed_in_mode": state["mode"],
        }
        big.close()
    finally:
        driver.quit()
    demo = results["demo"]
    print(f"demo registry ({demo['organizations']} organizations), median of {args.runs} runs:")
    print(
        f"  HTML: SeMap {demo['semap_html_bytes']:,} B, peer {demo['peer_html_bytes']:,} B "
        f"(peer / SeMap = {demo['peer_html_bytes'] / demo['semap_html_bytes']:.1f}x)"
    )
    print(
        f"  first render: SeMap {demo['semap_first_render_ms']:.0f} ms, peer {demo['peer_first_render_ms']:.0f} ms "
        f"(peer / SeMap = {demo['peer_first_render_ms'] / demo['semap_first_render_ms']:.2f}x)"
    )
    big = results["synthetic"]
    print(
        f"synthetic ({big['organizations']:,} organizations): first render {big['semap_first_render_ms']:.0f} ms "
        f"(server clusters); zoomed in to a street: {big['semap_zoomed_in_render_ms']:.0f} ms ({big['zoomed_in_mode']})"
    )
    (work / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
