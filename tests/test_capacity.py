"""A crowded store answers 503 with Retry-After, in the one error shape, and recovers: a PostgreSQL that takes no
more connections (a throwaway role with its own CONNECTION LIMIT: never the shared server's), a server that keeps
to its connection budget, and the queue in front of either store (a bounded wait, then 503; one computation shared
by the requests for the same answer)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from semap.api import routes_features
from semap.api.app import create_app
from semap.settings import ApiSettings, StoreSettings
from semap.store import Store, open_store
from tests.browser import live_server
from tests.conftest import BACKENDS
from tests.living import writable_store

ROUTED = "/api/v1/organizations?district=송파구&type=협동조합&limit=3"  # a filter: never the event-loop path
NO_CACHE = ApiSettings(response_cache_mb=0)


def _admin(url: str, database: str = "postgres") -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


@contextmanager
def limited_role(url: str, limit: int) -> Iterator[str]:
    """A login role of its own with CONNECTION LIMIT ``limit`` that may read the database ``url`` names; its URL.
    (Superusers are exempt from connection limits, so the test's own role cannot be the one limited.)"""
    role = f"semap_full_{uuid.uuid4().hex[:8]}"
    database = make_url(url).database
    with psycopg.connect(_admin(url), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT {limit}")
    try:
        with psycopg.connect(_admin(url, database), autocommit=True) as owner:
            owner.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
            owner.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
            owner.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        yield make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin(url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
            admin.execute(f'REVOKE ALL ON DATABASE "{database}" FROM {role}')
            with psycopg.connect(_admin(url, database), autocommit=True) as owner:
                owner.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


def _fill(url: str) -> list[psycopg.Connection]:
    """Connections as the limited role until PostgreSQL refuses the next one."""
    held: list[psycopg.Connection] = []
    while True:
        try:
            held.append(psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False)))
        except psycopg.OperationalError as exc:
            assert "too many connections" in str(exc)
            return held
        assert len(held) < 50


@pytest.mark.postgis
def test_a_full_database_answers_503_with_retry_after_and_recovers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("postgis", request, tmp_path) as (_, settings), limited_role(settings.database_url, 4) as url:
        store = open_store(StoreSettings(database_url=url, db_connections=3))  # 1 for the engine, 2 for the reader
        try:
            with live_server(create_app(store, NO_CACHE)) as server:
                assert httpx.get(server + ROUTED).status_code == 200
                store.engine.dispose()  # the engine's connection goes back; the reader keeps its two
                held = _fill(url)
                try:
                    full = httpx.get(server + ROUTED)
                    assert full.status_code == 503, full.text
                    assert int(full.headers["retry-after"]) > 0
                    body = full.json()
                    assert body["error"] == "StoreBusy" and "takes no more connections" in body["detail"]
                    assert set(body) == {"error", "detail", "parameter"}
                    assert httpx.get(server + "/tiles/organizations/14/13970/6344.mvt").status_code == 200  # reader
                finally:
                    for connection in held:
                        connection.close()
                recovered = httpx.get(server + ROUTED)
                assert recovered.status_code == 200 and recovered.json()["type"] == "FeatureCollection"
        finally:
            store.close()


@pytest.mark.postgis
def test_a_server_keeps_to_its_connection_budget_under_load(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("postgis", request, tmp_path) as (owner, settings):
        owner.close()  # its idle connections would count below
        database = make_url(settings.database_url).database
        store = open_store(StoreSettings(database_url=settings.database_url, db_connections=6))
        seen, statuses, stop = [0], [], threading.Event()

        def watch() -> None:
            with psycopg.connect(_admin(settings.database_url), autocommit=True) as admin:
                while not stop.is_set():
                    count = admin.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
                    ).fetchone()
                    seen[0] = max(seen[0], count[0] if count else 0)
                    time.sleep(0.02)

        def ask(client: httpx.Client, i: int) -> None:
            statuses.append(client.get(f"/api/v1/organizations?type=협동조합&limit=20&offset={i}").status_code)

        try:
            with (
                live_server(create_app(store, NO_CACHE)) as server,
                httpx.Client(base_url=server, timeout=30) as client,
            ):
                watcher = threading.Thread(target=watch)
                watcher.start()
                askers = [threading.Thread(target=ask, args=(client, i)) for i in range(40)]
                for thread in askers:
                    thread.start()
                for thread in askers:
                    thread.join()
                stop.set()
                watcher.join()
        finally:
            store.close()
        assert statuses.count(200) == 40, statuses
        assert 0 < seen[0] <= 6  # 4 for the engine, 2 for the event-loop reader: never the 40 it was asked for


@pytest.fixture
def slow_lists(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Feature pages that take a second to compute; the offsets computed, in order."""
    computed: list[str] = []
    original = routes_features.collection

    def slow(store: Store, layer, flt, limit: int, offset: int, properties):  # type: ignore[no-untyped-def]
        computed.append(str(offset))
        time.sleep(1.0)
        return original(store, layer, flt, limit, offset, properties)

    monkeypatch.setattr(routes_features, "collection", slow)
    return computed


def _concurrently(server: str, paths: list[str]) -> list[httpx.Response]:
    answers: list[httpx.Response | None] = [None] * len(paths)

    def get(i: int) -> None:
        answers[i] = httpx.get(server + paths[i], timeout=30)

    threads = [threading.Thread(target=get, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_queue_answers_503_after_its_timeout_and_shares_one_computation(
    backend: str, request: pytest.FixtureRequest, slow_lists: list[str]
) -> None:
    from tests.conftest import built_settings_for

    store = open_store(built_settings_for(backend, request))
    app = create_app(store, NO_CACHE)
    app.state.store_settings = StoreSettings(work_at_once=1, queue_timeout_s=0.3)
    try:
        with live_server(app) as server:
            different = _concurrently(server, [f"{ROUTED}&offset={i}" for i in range(3)])
            assert sorted(a.status_code for a in different) == [200, 503, 503]
            for busy in (a for a in different if a.status_code == 503):
                assert busy.json()["error"] == "StoreBusy" and int(busy.headers["retry-after"]) >= 1
            assert len(slow_lists) == 1 and app.state.admission.refused == 2
            # Five clients asking for one answer while it is computed: computed once, all served.
            app.state.admission.timeout_s = 5.0
            same = _concurrently(server, [f"{ROUTED}&offset=7"] * 5)
            assert [a.status_code for a in same] == [200] * 5 and len({a.content for a in same}) == 1
            assert slow_lists[1:] == ["7"]
    finally:
        store.close()


def test_the_connection_budget_is_split_and_documented() -> None:
    default = StoreSettings()
    assert (default.reader_connections, default.engine_connections) == (5, 10)
    assert default.reader_connections + default.engine_connections == default.db_connections
    assert StoreSettings(db_connections=3).reader_connections == 2
    with pytest.raises(ValueError):
        StoreSettings(db_connections=2)
