"""The `semap` command as a user runs it: a real process, real settings from the environment."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import orjson
import pytest

from tests.conftest import BACKENDS
from tests.test_boundaries import NGII_KOREAN_1985, UTM_K

HERE = Path(__file__).resolve().parent


def semap(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run([sys.executable, "-m", "semap.cli.main", *args], env=env, capture_output=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"semap {' '.join(args)} failed: {result.stderr.decode()}")
    return result


@pytest.fixture(params=BACKENDS)
def cli_env(request: pytest.FixtureRequest, tmp_path: Path, mirror: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(tmp_path / "data"), SEMAP_GEODATA_MIRROR=str(mirror))
    if request.param == "postgis":
        env["SEMAP_DATABASE_URL"] = request.getfixturevalue("postgis_database_factory")()
    return env


def test_help_lists_the_commands() -> None:
    out = semap("--help", env=dict(os.environ)).stdout.decode()
    for command in ("build", "serve", "geodata", "export"):
        assert command in out


def test_build_then_export_districts(cli_env: dict[str, str], mirror: Path) -> None:
    built = semap("build", env=cli_env).stdout.decode()
    assert "25 districts, 423 dongs" in built
    assert "geocoding organizations: building 1871" in built
    assert "organizations 1871" in built and "rejected 2" in built
    assert (Path(cli_env["SEMAP_DATA_DIR"]) / "reports" / "rejects.csv").is_file()

    counts = semap("stats", "counts", "--format", "csv", env=cli_env).stdout.decode("utf-8-sig")
    published = (mirror.parent / "facts" / "district_type_counts_2013.csv").read_text(encoding="utf-8")
    assert counts.strip().splitlines() == published.strip().splitlines()

    geojson = orjson.loads(semap("export", "districts", env=cli_env).stdout)
    assert len(geojson["features"]) == 25
    exported = gpd.GeoDataFrame.from_features(geojson["features"], crs=4326).set_index("kostat_code")

    # Centroids within ~100 m (median) of a reference built from the raw file with NGII's datum parameters.
    raw = gpd.read_file(mirror / "kostat-2013" / "seoul_municipalities.shp", encoding="cp949")
    reference = raw.set_crs(NGII_KOREAN_1985, allow_override=True).set_index("code").loc[exported.index]
    offsets = exported.to_crs(UTM_K).centroid.distance(reference.to_crs(UTM_K).centroid)
    assert offsets.median() < 100
    assert (exported["name_ko"] == reference["name"]).all()

    csv_bytes = semap("export", "districts", "--format", "csv", env=cli_env).stdout
    assert csv_bytes.startswith("\ufeff".encode())  # BOM: Korean Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert len(rows) == 25
    assert {"adm_code": "11110", "kostat_code": "11010", "name_ko": "종로구"}.items() <= rows[0].items()


def test_export_to_file_and_pin(cli_env: dict[str, str], tmp_path: Path) -> None:
    semap("build", env=cli_env)
    target = tmp_path / "districts.geojson"
    semap("export", "districts", "-o", str(target), env=cli_env)
    assert len(orjson.loads(target.read_bytes())["features"]) == 25

    swapped = semap("pin", "org-doesnotexist", "126.98", "37.57", env=cli_env, check=False)
    assert swapped.returncode == 1 and "no organization or resource has the id" in swapped.stderr.decode()
    wrong_order = semap("pin", "org-doesnotexist", "37.57", "126.98", env=cli_env, check=False)
    assert "outside Seoul's area" in wrong_order.stderr.decode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/semap", "is not supported"),
        (
            "postgresql+psycopg://nobody@127.0.0.1:1/semap",
            "cannot connect to PostGIS at postgresql://nobody@127.0.0.1:1",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "serve"])
def test_bad_database_url_is_one_clear_line(url: str, expected: str, command: str, tmp_path: Path) -> None:
    # Not waiting for the database to come up (test_deploy tests the wait): the one line at once.
    env = {**os.environ, "SEMAP_DATABASE_URL": url, "SEMAP_DATA_DIR": str(tmp_path), "SEMAP_PORT": "1"}
    result = semap(command, env={**env, "SEMAP_DB_WAIT_S": "0"}, check=False)
    stderr = result.stderr.decode().strip()
    assert result.returncode == 1
    assert expected in stderr
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr


def test_export_before_build_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env["SEMAP_DATA_DIR"] = str(tmp_path)
    result = semap("export", "districts", env=env, check=False)
    assert result.returncode == 1
    assert "run `semap build`" in result.stderr.decode()


def test_missing_source_without_mirror_fails_clearly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(tmp_path), SEMAP_GEODATA_MIRROR=str(tmp_path / "empty"), SEMAP_DOWNLOAD_TIMEOUT_S="2")
    result = semap("geodata", "fetch", env=env, check=False)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert "seoul_municipalities.shp: download from https://" in stderr


def test_cli_export_equals_the_api_export(cli_env: dict[str, str], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from semap.api.app import create_app
    from semap.settings import StoreSettings
    from semap.store import open_store

    semap("build", env=cli_env)
    out = tmp_path / "out"
    out.mkdir()
    result = semap("export", "resources", "--district", "송파구", "--category", "공간", "-o", str(out), env=cli_env)
    written = next(out.iterdir())
    assert written.name.startswith("semap-resources-송파구-") and written.suffix == ".geojson"
    assert "wrote" in result.stderr.decode()
    csv_bytes = semap("export", "organizations", "--district", "adm:11710", "-f", "csv", env=cli_env).stdout

    settings = StoreSettings(database_url=cli_env.get("SEMAP_DATABASE_URL"), data_dir=Path(cli_env["SEMAP_DATA_DIR"]))
    store = open_store(settings)
    try:
        with TestClient(create_app(store)) as client:
            api_geojson = client.get(
                "/api/v1/export/resources.geojson", params={"district": "송파구", "category": "공간"}
            )
            api_csv = client.get("/api/v1/export/organizations.csv", params={"district": "adm:11710"})
    finally:
        store.close()
    assert written.read_bytes() == api_geojson.content
    assert csv_bytes == api_csv.content

    bad = semap("export", "resources", "--type", "협동조합", env=cli_env, check=False)
    assert bad.returncode == 1 and "type: is not a filter of resources" in bad.stderr.decode()


def test_cli_starts_without_loading_the_heavy_libraries() -> None:
    """`semap --help` and argument errors answer at once: the data libraries load in the commands that use them
    (the bench measures the time; this keeps the imports that cost it out of the CLI's start)."""
    probe = (
        "import sys, semap.cli.main; "
        "print(','.join(sorted(m for m in ('pandas', 'scipy', 'geopandas', 'duckdb', 'sqlalchemy', 'httpx', "
        "'numpy', 'folium', 'matplotlib', 'pydantic_settings') if m in sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_a_server_on_the_embedded_store_starts_without_pandas(request: pytest.FixtureRequest) -> None:
    """The embedded store reads its file without pandas (~50 MB of a server's memory); DuckDB's Python client
    itself loads it with the first query that binds a parameter, so the check is the server's start. A server of
    tiles and data only leaves the map page unrendered (SEMAP_WARM_PAGES=false; warming imports Folium)."""
    from tests.conftest import built_settings_for

    settings = built_settings_for("duckdb", request)
    probe = (
        "import sys; from starlette.testclient import TestClient; from semap.api.app import create_app\n"
        "with TestClient(create_app()) as client:\n"
        "    assert client.get('/tiles/organizations.json').status_code == 200\n"
        "    print(','.join(m for m in ('pandas', 'geopandas', 'scipy', 'folium') if m in sys.modules))"
    )
    env = {**os.environ, "SEMAP_DATABASE_URL": f"duckdb:///{settings.embedded_path}", "SEMAP_WARM_PAGES": "false"}
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    assert loaded.stdout.strip() == "", loaded.stdout
