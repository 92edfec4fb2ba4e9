"""Benchmark: the citizen map's first render in headless Chromium, against a peer, as a ratio.

Peer: the usual Folium way — one folium.CircleMarker per organization inside a MarkerCluster, all in the HTML —
made to work on a closed network: Leaflet and MarkerCluster from SeMap's vendored copies (Folium's defaults are
CDN URLs), and a ``maxZoom`` (MarkerCluster throws without one when a map has no tile layer). Before it is timed
the peer is checked to have drawn: its cluster holds every organization and cluster icons are on the page.
SeMap: a small page whose data layers load from the API for the view (server-side clusters past 2,000).

Measured, median of N runs, all in one run on the same machine:
- cold server: a freshly started ``semap serve`` process, the time of its first ``/`` once it accepts connections;
- cold render: a new browser (empty cache) per run, navigation start until the data are on the map (SeMap:
  ``window.semapState.readyMs``; peer: the load event, after its inline script added every marker);
- warm render: the same browser again (HTTP cache and, for SeMap, its service worker in place).
Then SeMap alone with 100,000 synthetic organizations, to show it stays usable (``--synthetic 0`` skips it).

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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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
PEERS = REPO / "bench" / ".peers"  # peers' code from npm: measured, not shipped


PEER_CLUSTER = "marker_cluster_0"


def peer_page(store) -> str:
    """A Folium map with one marker object per organization (what most Folium maps do), on local assets."""
    from folium.elements import JSCSSMixin

    from semap.maps.shell import VENDOR_CSS, VENDOR_JS

    rows = store.fetch("SELECT name, category, ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL")
    # maxZoom: Leaflet takes it from a tile layer; without one MarkerCluster throws before drawing anything.
    fmap = folium.Map(location=[37.5565, 126.978], zoom_start=11, tiles=None, maxZoom=19)
    # Folium's popups are built with jQuery (its 3.7.1, from npm like the MVT peer's plugin): served beside the page.
    fmap.default_js = [(name, url) for name, url in VENDOR_JS if name == "leaflet"] + [("jquery", "/bench/jquery.js")]
    fmap.default_css = [(name, url) for name, url in VENDOR_CSS if name == "leaflet_css"]
    cluster = MarkerCluster()
    assert isinstance(cluster, JSCSSMixin)
    cluster.default_js = [(name, url) for name, url in VENDOR_JS if name == "markercluster"]
    cluster.default_css = [(name, url) for name, url in VENDOR_CSS if name.startswith("markercluster")]
    cluster._id = "0"  # a known global name, to check what it drew
    assert cluster.get_name() == PEER_CLUSTER
    cluster.add_to(fmap)
    for name, category, lon, lat in rows:
        folium.CircleMarker([lat, lon], radius=6, popup=f"{name} ({category})").add_to(cluster)
    html = fmap.get_root().render()
    assert "cdn" not in html.lower() and "https://" not in html.split("<body>")[0], "the peer must not need a CDN"
    return html


JQUERY = PEERS / "jquery" / "package" / "dist" / "jquery.min.js"


def jquery() -> Path:
    """jQuery 3.7.1 from the npm registry, into bench/.peers (the version Folium names)."""
    if not JQUERY.exists():
        folder = JQUERY.parents[2]
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "jquery@3.7.1"], cwd=folder, check=True, capture_output=True)
        subprocess.run(["tar", "xzf", "jquery-3.7.1.tgz"], cwd=folder, check=True)
    return JQUERY


def with_peer_page(app, html: str):
    script = jquery().read_bytes()
    app.add_route("/bench/jquery.js", lambda _: Response(script, media_type="text/javascript"))
    policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src * data:"
    app.add_route("/bench/peer.html", lambda _: HTMLResponse(html, headers={"Content-Security-Policy": policy}))
    return app


def time_semap(driver, url: str) -> float:
    driver.get(url)
    return float(wait_for(driver, "var s = window.semapState; return s && s.readyMs;", timeout=120))


def time_peer(driver, url: str, organizations: int) -> float:
    driver.get(url)
    wait_for(driver, "return document.readyState === 'complete'", timeout=300)
    drawn = driver.execute_script(
        f"var c = window.{PEER_CLUSTER}; return c ? [c.getLayers().length, "
        "document.querySelectorAll('.marker-cluster').length] : null"
    )
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    # Proven to draw: every organization is in its cluster layer and cluster icons are on the map, no errors.
    assert drawn and drawn[0] == organizations and drawn[1] > 0 and not errors, (drawn, errors[:3])
    return float(driver.execute_script("return performance.timing.loadEventEnd - performance.timing.navigationStart"))


def cold_first_page(data_dir: Path, runs: int) -> list[float]:
    """A fresh ``semap serve`` per run: milliseconds of its first ``/`` once it accepts connections."""
    times = []
    for _ in range(runs):
        port = _free_port()
        env = {**os.environ, "SEMAP_DATA_DIR": str(data_dir), "SEMAP_BASEMAP_URL": "", "PYTHONPATH": str(REPO)}
        env.pop("SEMAP_DATABASE_URL", None)
        command = [sys.executable, "-m", "semap.cli.main", "serve", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            started = time.perf_counter()
            answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200 and "semap-map.js" in answer.text
        finally:
            server.terminate()
            server.wait(timeout=30)
    return times


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    organizations = int(store.fetch("SELECT count(*) FROM organizations WHERE geom IS NOT NULL")[0][0])
    peer_html = peer_page(store)
    cold_server = cold_first_page(work / "demo", args.runs)

    results = {}
    try:
        with live_server(with_peer_page(create_app(store), peer_html)) as url:
            semap_html = httpx.get(url + "/").content
            cold = {"semap": [], "peer": []}
            for _ in range(args.runs):  # a new browser each time: nothing cached
                for name in ("semap", "peer"):
                    driver = chrome()
                    try:
                        if name == "semap":
                            cold[name].append(time_semap(driver, url + "/"))
                        else:
                            cold[name].append(time_peer(driver, url + "/bench/peer.html", organizations))
                    finally:
                        driver.quit()
            driver = chrome()
            try:
                time_semap(driver, url + "/")  # the first visit: caches filled, service worker installed
                wait_for(driver, "var a = window.semapApp; return a && a.kept && navigator.serviceWorker.controller")
                time_peer(driver, url + "/bench/peer.html", organizations)
                warm = {"semap": [], "peer": []}
                for _ in range(args.runs):
                    warm["semap"].append(time_semap(driver, url + "/"))
                    warm["peer"].append(time_peer(driver, url + "/bench/peer.html", organizations))
            finally:
                driver.quit()
        results["demo"] = {
            "organizations": organizations,
            "semap_html_bytes": len(semap_html),
            "peer_html_bytes": len(peer_html.encode()),
            "cold_first_page_ms": statistics.median(cold_server),
            "cold_first_page_runs_ms": cold_server,
            **{f"{name}_cold_render_ms": statistics.median(cold[name]) for name in cold},
            **{f"{name}_warm_render_ms": statistics.median(warm[name]) for name in warm},
            "runs_ms": {"cold": cold, "warm": warm},
        }
        store.close()
        if args.synthetic:
            driver = chrome()
            try:
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
    finally:
        (work / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    report(results, args.runs)


def report(results: dict, runs: int) -> None:
    demo = results["demo"]
    print(f"demo registry ({demo['organizations']:,} organizations), median of {runs} runs (one run, same machine):")
    print(
        f"  HTML: SeMap {demo['semap_html_bytes']:,} B, peer {demo['peer_html_bytes']:,} B "
        f"(peer / SeMap = {demo['peer_html_bytes'] / demo['semap_html_bytes']:.1f}x)"
    )
    print(f"  cold server, first / after `semap serve` accepts connections: {demo['cold_first_page_ms']:.0f} ms")
    for kind in ("cold", "warm"):
        semap_ms, peer_ms = demo[f"semap_{kind}_render_ms"], demo[f"peer_{kind}_render_ms"]
        print(
            f"  {kind} render (navigation start to data on the map): SeMap {semap_ms:.0f} ms, peer {peer_ms:.0f} ms "
            f"(SeMap / peer = {semap_ms / peer_ms:.2f}x)"
        )
    if "synthetic" in results:
        big = results["synthetic"]
        print(
            f"synthetic ({big['organizations']:,} organizations): first render {big['semap_first_render_ms']:.0f} ms "
            f"(server clusters); zoomed in to a street: {big['semap_zoomed_in_render_ms']:.0f} ms "
            f"({big['zoomed_in_mode']})"
        )


if __name__ == "__main__":
    main()
