"""Fixtures shared by the suite: source mirror, stores on both backends, PostGIS databases.

PostGIS tests need SEMAP_TEST_DATABASE_URL (a database on a server with the PostGIS package installed). Where
PostGIS is required (CI=true or SEMAP_REQUIRE_POSTGIS=1) a missing or skipped PostGIS test fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from semap.pipeline.build import build
from semap.settings import GeodataSettings, StoreSettings
from semap.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
# ../shared (facts, real samples, the geodata mirror): beside the mirror CI and the test environment name, so a
# checkout elsewhere (a git worktree) finds it too
SHARED = Path(os.environ.get("SEMAP_GEODATA_MIRROR", REPO.parent / "shared" / "geodata")).resolve().parent
BACKENDS = ["duckdb", pytest.param("postgis", marks=pytest.mark.postgis)]
pytest_plugins = ["tests.living"]  # its postgis_template fixture


def postgis_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("SEMAP_REQUIRE_POSTGIS") == "1"


# --- a PostGIS test that skips where PostGIS is required fails the whole run ---------------------------
_skipped_postgis: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgis" in report.keywords:
        _skipped_postgis.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if postgis_required() and _skipped_postgis:
        print(f"\nPostGIS is required here but {len(_skipped_postgis)} PostGIS test(s) skipped:")
        for nodeid in _skipped_postgis[:20]:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = SHARED / "geodata"
    if not (path / "kostat-2013").is_dir():
        pytest.fail(f"the geodata mirror {path} has no kostat-2013/: set SEMAP_GEODATA_MIRROR")
    return path


@pytest.fixture(scope="session")
def geodata_settings(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> GeodataSettings:
    return GeodataSettings(geodata_mirror=mirror, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def postgis_server_url() -> str:
    url = os.environ.get("SEMAP_TEST_DATABASE_URL")
    if not url:
        message = "SEMAP_TEST_DATABASE_URL is not set: no PostGIS to test against"
        if postgis_required():
            pytest.fail(message)
        pytest.skip(message)
    return url


def _admin_conninfo(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgis_database_factory(postgis_server_url: str) -> Iterator:
    """Creates throwaway databases on the test server; drops them at the end of the session."""
    created: list[str] = []
    admin = _admin_conninfo(postgis_server_url)

    def create() -> str:
        name = f"semap_t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(postgis_server_url).set(database=name).render_as_string(hide_password=False)

    yield create
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in created:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _store_settings(backend: str, request: pytest.FixtureRequest, tmp: Path) -> StoreSettings:
    if backend == "postgis":
        url = request.getfixturevalue("postgis_database_factory")()
        return StoreSettings(database_url=url, data_dir=tmp)
    return StoreSettings(database_url=None, data_dir=tmp)


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated, empty store on each backend."""
    store = open_store(_store_settings(request.param, request, tmp_path))
    yield store
    store.close()


_BUILT: dict[str, StoreSettings] = {}


def built_settings_for(backend: str, request: pytest.FixtureRequest) -> StoreSettings:
    """Settings of a store built once per session per backend; tests must not modify it."""
    if backend not in _BUILT:
        factory = request.getfixturevalue("tmp_path_factory")
        settings = _store_settings(backend, request, factory.mktemp(f"built-{backend}"))
        store = open_store(settings)
        build(store, request.getfixturevalue("geodata_settings"))
        store.close()
        _BUILT[backend] = settings
    return _BUILT[backend]


@pytest.fixture(scope="session", params=BACKENDS)
def built_settings(request: pytest.FixtureRequest) -> StoreSettings:
    return built_settings_for(request.param, request)


@pytest.fixture(scope="session")
def built_pair(request: pytest.FixtureRequest) -> Iterator[dict[str, Store]]:
    """Both backends, built from the same inputs, open at once (to compare their answers)."""
    stores = {backend: open_store(built_settings_for(backend, request)) for backend in ("duckdb", "postgis")}
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture(scope="session")
def built_store(built_settings: StoreSettings) -> Iterator[Store]:
    store = open_store(built_settings)
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def built_env(request: pytest.FixtureRequest, tmp_path: Path, mirror: Path) -> dict[str, str]:
    """A store built by the real command, and the environment every later command runs with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(tmp_path / "data"), SEMAP_GEODATA_MIRROR=str(mirror), SEMAP_BASEMAP_URL="")
    if request.param == "postgis":
        env["SEMAP_DATABASE_URL"] = request.getfixturevalue("postgis_database_factory")()
    from tests.test_cli import semap

    semap("build", env=env)
    return env
