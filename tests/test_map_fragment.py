"""The map every page embeds is rendered by a child process (semap.maps.fragment), so a server never loads Folium
and pandas; a server whose build prepared the statistics loads pandas only when a statistics page is asked for
(demo registry)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from semap.curation import edits
from semap.curation.policy import SYSTEM
from semap.maps import render
from semap.maps.fragment import ZOOMS, rendered_apart
from semap.settings import MapSettings
from semap.stats.prepare import prepare_statistics
from semap.stats.prepared import were_prepared
from tests.conftest import REPO
from tests.living import writable_store

BASEMAP = "https://tiles.example.org/{z}/{x}/{y}.png"


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def test_the_child_process_renders_each_zoom_with_the_hash_of_its_script() -> None:
    fragments = rendered_apart(BASEMAP, "© example", ZOOMS)
    assert sorted(fragments) == sorted(ZOOMS)
    for zoom, fragment in fragments.items():
        assert fragment.name.startswith("map_") and f'id="{fragment.name}"' in fragment.body
        assert f'"zoom": {zoom},' in fragment.script and BASEMAP in fragment.script
        assert _hash(fragment.script) in fragment.script_hashes  # the page's policy lets exactly this script run
        assert "/static/vendor/leaflet-1.9.4/leaflet.js" in fragment.head and "viewport" not in fragment.head


def test_a_map_is_rendered_in_the_process_when_no_child_can_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    settings = MapSettings(basemap_url=BASEMAP + "?fallback", basemap_attribution="© example")
    fragment = render.map_fragment(settings, 13)
    assert '"zoom": 13,' in fragment.script and _hash(fragment.script) in fragment.script_hashes


# A server as `semap serve` starts it (the lifespan warms its pages), on a store whose build prepared the
# statistics: its start and first pages load none of these; its first statistics page loads pandas.
SERVER = textwrap.dedent(
    """
    import json, sys
    from fastapi.testclient import TestClient
    from semap.api.app import create_app
    from semap.settings import StoreSettings
    from semap.store import open_store

    heavy = ("folium", "branca", "pandas", "numpy", "scipy", "pyproj", "openpyxl")
    loaded = lambda: sorted(m for m in heavy if m in sys.modules)
    store = open_store(StoreSettings(database_url=None, data_dir=sys.argv[1]))
    with TestClient(create_app(store)) as client:
        pages = [client.get(path).status_code for path in json.loads(sys.argv[2])]
        after_pages = loaded()
        statistics = client.get("/api/v1/stats/counts").status_code
    store.close()
    print(json.dumps({"pages": pages, "after_pages": after_pages, "statistics": statistics, "after": loaded()}))
    """
)
PAGES = ["/", "/?lang=en", "/embed?district=마포구", "/tiles/organizations/14/13972/6344.mvt", "/api/v1/resources"]


def test_a_server_loads_neither_folium_nor_pandas_until_a_statistics_page(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        prepare_statistics(store)  # what `semap build` does before its swap (a warmed server may have done it)
        assert were_prepared(store)
        env = {**os.environ, "PYTHONPATH": str(REPO), "SEMAP_BASEMAP_URL": ""}
        run = subprocess.run(
            [sys.executable, "-c", SERVER, str(settings.data_dir), json.dumps(PAGES)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        org = store.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        edits.change(store, SYSTEM, "organizations", org, {"name": "새 이름"}, reason="renamed")
        assert not were_prepared(store)  # new data: a server starting on them prepares their statistics itself
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["pages"] == [200] * len(PAGES) and seen["statistics"] == 200
    assert seen["after_pages"] == []
    assert "pandas" in seen["after"]  # the statistics are read with it: the check above could see it load
