"""The installable app's server side (demo registry): manifest, service worker headers and settings, revalidation
that keeps a page's own security policy, and a fresh server's first page importing nothing heavy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.maps.web_app import build_id, shell_files
from semap.store import Store, open_store
from tests.conftest import REPO, built_settings_for


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest) -> TestClient:
    store: Store = open_store(built_settings_for("duckdb", request))
    request.addfinalizer(store.close)
    return TestClient(create_app(store))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_manifest_names_the_app_in_the_language_with_its_icons(client: TestClient, lang: str) -> None:
    answer = client.get("/manifest.webmanifest", params={"lang": lang})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/manifest+json"
    manifest = answer.json()
    assert manifest["lang"] == lang and manifest["start_url"] == f"/?lang={lang}" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["theme_color"] == "#1d3557"
    assert manifest["name"] == ("SeMap 서울 사회적경제 지도" if lang == "ko" else "SeMap — Seoul social economy map")
    icons = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png.content[16:20], "big"), int.from_bytes(png.content[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
    page = client.get("/", params={"lang": lang}).text
    assert f'<link rel="manifest" href="/manifest.webmanifest?lang={lang}">' in page


def test_the_service_worker_is_served_from_the_root_never_from_a_cache_and_names_the_build(client: TestClient) -> None:
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "no-cache"
    # The worker's own policy: it may fetch SeMap (and the base map), nothing else; it is not the default "none".
    assert "connect-src 'self'" in answer.headers["content-security-policy"]
    first = answer.text.splitlines()[0]
    config = json.loads(first.removeprefix("self.SEMAP_SW = ").removesuffix(";"))
    assert config["build"] == build_id() and config["tileEntries"] == 200
    assert "/static/semap-map.js" in config["shell"] and "/static/vendor/leaflet-1.9.4/leaflet.js" in config["shell"]
    for url in shell_files():  # every kept file exists: one missing would fail the worker's install
        assert client.get(url).status_code == 200, url


def test_a_revalidated_page_keeps_its_own_security_policy(client: TestClient) -> None:
    """A 304's headers replace the kept response's: the default policy (default-src 'none') on it broke the page."""
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    again = client.get("/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers


HEAVY = ("folium", "branca", "pandas", "numpy")
FIRST_PAGE = textwrap.dedent(
    """
    import json, sys
    from fastapi.testclient import TestClient
    from semap.api.app import create_app
    from semap.settings import StoreSettings
    from semap.store import open_store

    store = open_store(StoreSettings(database_url=None, data_dir=sys.argv[1]))
    with TestClient(create_app(store)) as client:  # started as `semap serve` starts it: the lifespan has run
        before = set(sys.modules)
        status = client.get("/").status_code
        imported = sorted(set(sys.modules) - before)
    print(json.dumps({"status": status, "imported": imported}))
    """
)


def test_a_fresh_servers_first_page_imports_nothing_heavy(request: pytest.FixtureRequest) -> None:
    data_dir = built_settings_for("duckdb", request).data_dir
    env = {**os.environ, "PYTHONPATH": str(REPO), "SEMAP_BASEMAP_URL": ""}
    run = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE, str(data_dir)], capture_output=True, text=True, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    heavy = [m for m in answer["imported"] if m.split(".")[0] in HEAVY]
    assert heavy == []
