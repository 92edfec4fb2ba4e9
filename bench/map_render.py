"""Benchmark: the citizen map's first render in headless Chromium, against a peer, as a ratio.

Peer: the usual Folium way — one folium.CircleMarker per organization inside a MarkerCluster, all in the HTML.
SeMap: a small page whose data layers load from the API for the view (server-side clusters past 2,000).

Measured per page, median of N runs: HTML size, and milliseconds from navigation start until the data is on
the map (SeMap: window.semapState.readyMs; peer: the load event, when Folium's markers have been added).
Then SeMap alone with 100,000 synthetic organizations, to show it stays usable.

Run: python bench/map_render.py [--runs 5]   (needs Debian's chromium and chromium-driver)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import folium
import httpx
import numpy as np
import orjson
import pandas as pd
from folium.plugins import MarkerCluster

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


def synthetic_store(settings: StoreSettings, geodata: GeodataSettings, n: int, seed: int = 7):
    """The demo store with its organizations replaced by ``n`` random points inside Seoul's districts."""
    store = open_store(settings)
    build(store, geodata)
    rng = np.random.default_rng(seed)
    districts = store.fetch(
        "SELECT adm_code, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM districts"
    )
    template = pd.DataFrame(store.fetch("SELECT * EXCLUDE (geom) FROM organizations LIMIT 1"))
    columns = [
        r[0]
        for r in store.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'organizations' AND column_name <> 'geom' ORDER BY ordinal_position"
        )
    ]
    base = dict(zip(columns, template.iloc[0].tolist(), strict=True))
    picks = rng.integers(0, len(districts), n)
    rows = []
    for i, k in enumerate(picks):
        adm, x0, y0, x1, y1 = districts[k]
        rows.append(
            {
                **base,
                "id": f"syn-{i:06d}",
                "name": f"합성 조직 {i}",
                "district_adm_code": adm,
                "lon": round(float(rng.uniform(x0, x1)), 7),
                "lat": round(float(rng.uniform(y0, y1)), 7),
            }
        )
    frame = pd.DataFrame(rows)
    with store.transaction() as tx:
        tx.execute("DELETE FROM organizations")
        tx.insert_frame("organizations", frame)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "geodata")
    parser.add_argument("--synthetic", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["SEMAP_BASEMAP_URL"] = ""  # measure SeMap and the peer without network tiles
    work = Path(tempfile.mkdtemp(prefix="semap-bench-"))
    geodata = GeodataSettings(geodata_mirror=args.mirror, data_dir=work)
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
