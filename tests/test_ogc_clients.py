"""The clients GIS users have, against a live SeMap on each store: GDAL's OAPIF driver (Debian's gdal-bin, what
QGIS reads OGC API – Features with), GDAL's OGCAPI driver for the vector tiles (the GDAL in pyogrio's wheel:
Debian's 3.6 build leaves that driver's vector-tile part out), and the `ogctests` verifier of Features Part 1 Core.
The answers are compared with SeMap's own API; one server per store serves the whole module."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import mapbox_vector_tile
import pyogrio
import pytest
from selenium.webdriver.common.by import By

from semap.api.app import create_app
from semap.features.tiles import web_mercator_quad
from semap.store import open_store
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.conftest import BACKENDS, REPO, built_settings_for

OGCTESTS_PYTHON = Path(os.environ.get("SEMAP_OGCTESTS_PYTHON", REPO / ".venv-ogctests" / "bin" / "python"))
# ogctests' test_ast2 asserts the conformance class of Part 2 (CRS by reference), which Part 1 Core does not ask
# for: Part 1's /ats/core/crs84 asks for CRS84 coordinates, which its test_ast15 checks on every feature.
OGCTESTS_OUTSIDE_PART_1 = "features/core/test_crs.py::test_ast2"
TIMEOUT_S = 120


def clients_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("SEMAP_REQUIRE_BROWSER") == "1"


def _require(found: bool, what: str) -> None:
    if not found:
        message = f"{what} is not installed (scripts/test.sh installs it)"
        if clients_required():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    store = open_store(built_settings_for(request.param, request))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SEMAP_BASEMAP_URL", "")  # the closed network refuses tile servers
            with live_server(create_app(store)) as url:
                yield url
    finally:
        store.close()


def gdal(*args: str, debug: bool = False) -> subprocess.CompletedProcess[str]:
    _require(shutil.which(args[0]) is not None, f"GDAL's {args[0]} (Debian: gdal-bin)")
    env = {**os.environ, "CPL_DEBUG": "ON" if debug else "OFF", "GDAL_HTTP_TIMEOUT": "60"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def matched(base: str, layer: str, **params: str) -> int:
    return httpx.get(f"{base}/api/v1/{layer}", params={**params, "limit": 1}).json()["numberMatched"]


def feature_count(gpkg: Path, layer: str) -> int:
    summary = gdal("ogrinfo", "-ro", "-so", str(gpkg), layer).stdout
    return int(re.search(r"Feature Count: (\d+)", summary).group(1))  # type: ignore[union-attr]


def test_gdal_lists_the_collections(served: str) -> None:
    listing = gdal("ogrinfo", "-ro", f"OAPIF:{served}/ogc").stdout
    assert re.findall(r"^\d+: (\w+) ", listing, re.MULTILINE) == ["organizations", "resources", "districts", "dongs"]
    assert "사회적경제 조직" in listing  # titles in Korean, intact


def test_ogr2ogr_pulls_every_organization_through_paging(served: str, tmp_path: Path) -> None:
    gpkg = tmp_path / "organizations.gpkg"
    run = gdal(
        "ogr2ogr", "-f", "GPKG", str(gpkg), f"OAPIF:{served}/ogc", "organizations", "-oo", "PAGE_SIZE=200", debug=True
    )
    pages = re.findall(r"Fetch\((\S+/ogc/collections/organizations/items\S*)\)", run.stderr)
    assert len(pages) >= 10 and any("offset=1800" in page for page in pages)  # it followed the next links
    assert feature_count(gpkg, "organizations") == matched(served, "organizations") == 1871
    frame = pyogrio.read_dataframe(gpkg).sort_values("id")
    api = httpx.get(f"{served}/api/v1/export/organizations.geojson").json()["features"]
    assert list(frame["name"]) == [f["properties"]["name"] for f in sorted(api, key=lambda f: f["id"])]


def test_a_bbox_and_an_equality_are_sent_to_the_server_and_select_what_semap_selects(served: str) -> None:
    bbox = ("127.08", "37.49", "127.13", "37.52")
    run = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{served}/ogc", "organizations", "-spat", *bbox, debug=True)
    assert re.search(r"Fetch\(\S+/items\?\S*bbox=127\.0[78]", run.stderr)  # GDAL writes 127.079999…
    spat = int(re.search(r"Feature Count: (\d+)", run.stdout).group(1))  # type: ignore[union-attr]
    assert spat == matched(served, "organizations", bbox=",".join(bbox)) > 0

    where = "category='교육·학원'"
    run = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{served}/ogc", "organizations", "-where", where, debug=True)
    assert re.search(r"Fetch\(\S+/items\?\S*category=%EA%B5%90%EC%9C%A1%C2%B7%ED%95%99%EC%9B%90", run.stderr)
    assert "client side" not in run.stderr  # GDAL did not filter every feature itself
    count = int(re.search(r"Feature Count: (\d+)", run.stdout).group(1))  # type: ignore[union-attr]
    assert count == matched(served, "organizations", category="교육·학원") > 0


def test_the_downloaded_geopackage_opens_with_every_feature_in_korean(served: str, tmp_path: Path) -> None:
    params = {"district": "송파구"}
    download = httpx.get(f"{served}/api/v1/export/resources.gpkg", params=params)
    gpkg = tmp_path / "semap-resources.gpkg"
    gpkg.write_bytes(download.content)
    listed = httpx.get(f"{served}/api/v1/resources", params={**params, "limit": 1000}).json()
    assert feature_count(gpkg, "resources") == listed["numberMatched"] > 0
    dump = gdal("ogrinfo", "-ro", "-al", "-q", str(gpkg)).stdout
    names = re.findall(r"^  name \(String\) = (.*)$", dump, re.MULTILINE)
    assert names == [f["properties"]["name"] for f in listed["features"]]
    assert "Warning" not in gdal("ogrinfo", "-ro", "-so", str(gpkg), "resources").stderr  # a GeoPackage GDAL 3.6 knows


# GDAL in another process: pyogrio holds the interpreter while GDAL waits for this process's server.
READ_ZOOM_LEVEL = """
import json, sys, pyogrio
source = sys.argv[1]
layers = [name for name, _ in pyogrio.list_layers(source)]
frame = pyogrio.read_dataframe(source, layer="Zoom level 1")
print(json.dumps({"layers": layers, "features": dict(zip(frame["id"], frame["name"]))}, ensure_ascii=False))
"""


def test_gdals_ogc_api_tiles_driver_reads_a_tile(served: str) -> None:
    source = f"OGCAPI:{served}/ogc/collections/organizations"
    read = subprocess.run(
        [sys.executable, "-c", READ_ZOOM_LEVEL, source], capture_output=True, text=True, timeout=TIMEOUT_S, check=True
    )
    found = json.loads(read.stdout)
    # GDAL keeps the zoom levels whose tiles it places inside the collection's extent; it compares that CRS84 box
    # with the WebMercatorQuad matrices' metres, so for Seoul it keeps levels 0 and 1 (GDAL's limit, not ours).
    assert "Zoom level 1" in found["layers"]
    tile = web_mercator_quad().tile(126.978, 37.566, 1)
    body = httpx.get(f"{served}/tiles/organizations/{tile.z}/{tile.x}/{tile.y}.mvt").content
    decoded = mapbox_vector_tile.decode(body)["organizations"]["features"]
    assert found["features"] == {f["properties"]["id"]: f["properties"]["name"] for f in decoded}
    assert len(found["features"]) == 1871


def test_the_ogctests_verifier_passes_features_part_1_core(served: str, tmp_path: Path) -> None:
    _require(OGCTESTS_PYTHON.exists(), f"the ogctests verifier ({OGCTESTS_PYTHON})")
    where = subprocess.run(
        [str(OGCTESTS_PYTHON), "-c", "import ogctests, os; print(os.path.dirname(ogctests.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    core = Path(where) / "features" / "core"
    run = subprocess.run(  # from the package's own folder: its conftest and node ids as it ships them
        [
            str(OGCTESTS_PYTHON),
            "-m",
            "pytest",
            str(core),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            where,
            "--deselect",
            OGCTESTS_OUTSIDE_PART_1,
            "-W",
            "ignore::UserWarning",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "INSTANCE_URL": f"{served}/ogc"},
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-500:]
    assert run.returncode == 0 and re.search(r"\b28 passed\b", summary), run.stdout[-3000:]
    assert "failed" not in summary and "error" not in summary


def test_a_gis_user_finds_the_ogc_api_from_the_map(served: str) -> None:
    driver = chrome(390, 844, phone=True)
    try:
        driver.get(f"{served}/?lang=en")
        driver.find_element(By.ID, "ogc-api").click()
        wait_for(driver, "return document.querySelector('h1') && document.querySelector('h1').textContent")
        assert driver.find_element(By.TAG_NAME, "h1").text == "SeMap — OGC API"
        driver.find_element(By.LINK_TEXT, "the collections").click()
        driver.find_element(By.PARTIAL_LINK_TEXT, "Shared resources").click()
        driver.find_element(By.XPATH, "//a[text()='the features' and contains(@href, 'f=html')]").click()
        assert "555" in driver.find_element(By.TAG_NAME, "main").text  # "100 of 555"
        first = driver.find_element(By.CSS_SELECTOR, "tbody td a")
        resource_id = first.text
        first.click()
        rows = {
            r.find_elements(By.TAG_NAME, "td")[0].text: r for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")
        }
        assert rows["id"].find_elements(By.TAG_NAME, "td")[1].text == resource_id
        assert driver.find_element(By.CSS_SELECTOR, "thead th").text == "Name"  # still in the language chosen
        screenshot(driver, "ogc-item-phone-en")
        assert console_errors(driver) == []
    finally:
        driver.quit()
