"""No request loads a heavy library on the event loop: every request in flight would wait for it.

An export loaded geopandas and pyogrio, a statistics table pandas, a print matplotlib, in the async handler itself:
for the second that took, the server answered nothing else (a cold start's p99 of 0.5-0.8 s under the load mix,
issue 23). A fresh interpreter serves each kind of request once with a hook that notes which module is first
found while an event loop runs in the importing thread; the thread pool has none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from semap.settings import StoreSettings
from tests.test_concurrency import LOAD_PATHS

HEAVY = ("pandas", "geopandas", "pyogrio", "scipy", "matplotlib", "folium", "esda", "libpysal", "shapely")
PATHS = (
    *LOAD_PATHS,
    "/api/v1/export/organizations.gpkg?district=도봉구",
    "/api/v1/export/organizations.geojson",
    "/api/v1/stats/lq?format=csv",
    "/api/v1/stats/hotspots?format=xlsx",
    "/api/v1/stats/hotspots/summary",
    "/districts/도봉구/print.pdf",
    "/districts/마포구",
)

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from fastapi.testclient import TestClient
    from semap.api.app import create_app
    from semap.settings import ApiSettings, StoreSettings
    from semap.store import open_store

    heavy, paths = set(json.loads(sys.argv[1])), json.loads(sys.argv[2])
    on_the_loop = []

    class Watch:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in heavy and name not in sys.modules:
                try:
                    asyncio.get_running_loop()
                except RuntimeError:
                    return None  # a worker thread: no loop runs here
                on_the_loop.append(name)
            return None

    store = open_store(StoreSettings())
    statuses = {}
    with TestClient(create_app(store, ApiSettings(warm_pages=False))) as client:
        sys.meta_path.insert(0, Watch())
        for path in paths:
            statuses[path] = client.get(path).status_code
    store.close()
    print(json.dumps({"on_the_loop": sorted(set(on_the_loop)), "statuses": statuses}))
    """
)


@pytest.mark.parametrize("backend", ["duckdb", "postgis"])
def test_no_request_loads_a_heavy_library_on_the_event_loop(backend: str, request: pytest.FixtureRequest) -> None:
    from tests.conftest import built_settings_for

    settings: StoreSettings = built_settings_for(backend, request)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env["SEMAP_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["SEMAP_DATABASE_URL"] = settings.database_url
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(HEAVY), json.dumps(PATHS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(status == 200 for status in found["statuses"].values()), found["statuses"]
    assert found["on_the_loop"] == []
