"""The embedded store after another process swaps new data in: its previous generation keeps answering, under its
own data version, while the new one opens in the background; then the new one answers. Its own edits it serves at
once. (Opening a generation takes DuckDB half a second; every request of a server waited for it after a build.)"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import edits
from semap.curation.policy import SYSTEM
from semap.settings import StoreSettings
from semap.store import Store, open_store
from tests.living import writable_store

NAME = "SELECT name FROM organizations WHERE id = :id"
NEW_NAME = "다른 프로세스의 새 이름"


def _renamed_by_another_process(settings: StoreSettings, org: str) -> None:
    other = open_store(settings)  # a CLI or another worker
    try:
        edits.change(other, SYSTEM, "organizations", org, {"name": NEW_NAME}, reason="renamed")
    finally:
        other.close()


def _until_served(server: Store, before: str) -> None:
    deadline = time.monotonic() + 60
    while server.data_version() == before:
        assert time.monotonic() < deadline, "the new generation was never served"
        time.sleep(0.01)


def test_another_process_swap_is_served_once_open_and_never_under_the_old_version(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (server, settings):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]  # its generation is open
        before = server.data_version()
        _renamed_by_another_process(settings, org)

        seen: list[tuple[str, str]] = []
        deadline = time.monotonic() + 60
        while not seen or seen[-1][0] == before:
            assert time.monotonic() < deadline, "the new generation was never served"
            version = server.data_version()
            seen.append((version, server.fetch(NAME, {"id": org})[0][0]))
            time.sleep(0.005)
        assert seen[0][0] == before  # the first look after the swap starts opening the new data, still naming the old
        assert seen[-1][1] == NEW_NAME
        # Named after the new data only once they answer (the old name under the new version would be cached wrong).
        assert all(name == NEW_NAME for version, name in seen if version != before)


def test_its_own_edit_is_served_at_once(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (server, _):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        before = server.data_version()
        edits.change(server, SYSTEM, "organizations", org, {"name": "이 서버의 새 이름"}, reason="renamed")
        assert server.data_version() != before
        assert server.fetch(NAME, {"id": org})[0][0] == "이 서버의 새 이름"


def test_a_servers_most_asked_answers_are_made_for_another_process_swap_before_it_is_served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # The first second of new data was spent making every answer again, all requests waiting (issue 23).
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        org = store.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        asked = [
            f"/api/v1/organizations/{org}",
            "/api/v1/organizations?limit=5",
            "/api/v1/stats/counts",
            "/districts/종로구",
            "/tiles/organizations/12/3492/1586.mvt",
        ]
        with TestClient(create_app(store)) as client:
            for _ in range(2):
                assert all(client.get(path).status_code == 200 for path in asked)
            client.get("/api/v1/organizations?limit=1", headers={"cookie": "semap_session=someone"})  # not made again
            before = store.data_version()
            _renamed_by_another_process(settings, org)
            assert client.get(asked[0]).json()["properties"]["name"] != NEW_NAME  # opening it
            _until_served(store, before)
            cache = client.app.state.body_cache
            hits = cache.hits
            answers = [client.get(path) for path in asked]
            assert cache.hits - hits == len(asked)  # each made before the new data were served
            assert answers[0].json()["properties"]["name"] == NEW_NAME  # and made from them
            assert not any("limit=1" in key for key in cache._bodies if key.startswith(store.data_version()))


def test_another_process_swap_loads_no_extension_again(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each generation opened as a database of its own loaded DuckDB's spatial extension into it, holding Python's
    # lock for up to 60 ms: the event loop stalled at every swap (issue 23). Attached to the instance that has it.
    with writable_store("duckdb", request, tmp_path) as (server, settings):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        before = server.data_version()
        _renamed_by_another_process(settings, org)
        statements: list[str] = []
        opened: list[str] = []
        connect, execute = duckdb.connect, duckdb.DuckDBPyConnection.execute
        monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(str(a[0])) or connect(*a, **k))
        monkeypatch.setattr(
            duckdb.DuckDBPyConnection, "execute", lambda self, sql, *a: statements.append(sql) or execute(self, sql, *a)
        )
        _until_served(server, before)
        assert server.fetch(NAME, {"id": org})[0][0] == NEW_NAME
        assert opened == [] and not [s for s in statements if s.lstrip().upper().startswith("LOAD")]


def test_a_generation_served_since_a_reader_looked_is_not_opened_again(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # A reader that saw the previous generation served asks to open the new one just after the background open
    # finished: it was opened (and its answers made) a second time, and the reader named the old data version.
    with writable_store("duckdb", request, tmp_path) as (server, settings):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        before = server.data_version()
        _renamed_by_another_process(settings, org)
        _until_served(server, before)
        served = server._generation()
        assert server._open_ahead(served) is False  # what the late reader asks: served already, nothing opened
        assert [t for t in threading.enumerate() if t.name == "semap-open"] == []
