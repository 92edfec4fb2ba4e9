"""The embedded store and the end of a process (demo registry): a process whose worker threads read the store
exits cleanly, never aborted inside DuckDB, and the store keeps as many cursors as queries ran at once; DuckDB gives
back the memory its queries freed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from semap.store.duckdb_cursors import Cursors
from tests.conftest import REPO, built_settings_for
from tests.living import writable_store

# Worker threads read, then end while the main thread returns: the interpreter shuts down as they end. A cursor a
# thread kept was freed then, and DuckDB aborted the process ("terminate called without an active exception") in
# nine runs of ten here; a server stopping with its thread pool's threads ending did the same (CI saw it).
READ_AND_EXIT = textwrap.dedent(
    """
    import sys, threading
    from semap.settings import StoreSettings
    from semap.store import open_store

    store = open_store(StoreSettings(database_url=None, data_dir=sys.argv[1]))
    store.fetch("SELECT 1")
    read = threading.Barrier(9)

    def reader():
        store.fetch("SELECT count(*) FROM organizations")
        read.wait()

    for _ in range(8):
        threading.Thread(target=reader, daemon=True).start()
    read.wait()
    """
)


def _exits_cleanly(script: str, runs: int, *args: str, **env: str) -> None:
    """Each run's exit status: an abort is a negative status (-6), whatever the script printed before it."""
    for run_number in range(runs):
        run = subprocess.run(
            [sys.executable, "-c", script, *args, str(run_number)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), **env},
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]


def test_a_process_whose_threads_read_the_embedded_store_exits_cleanly(request: pytest.FixtureRequest) -> None:
    _exits_cleanly(READ_AND_EXIT, 3, str(built_settings_for("duckdb", request).data_dir))


def test_cursors_are_lent_for_a_query_and_as_many_are_made_as_ran_at_once() -> None:
    connection = duckdb.connect()
    cursors = Cursors(connection, "memory")
    for _ in range(20):  # one after another, from twenty threads: one cursor
        thread = threading.Thread(target=lambda: _read(cursors))
        thread.start()
        thread.join()
    assert len(cursors) == 1

    together = threading.Barrier(3)
    lent: list[duckdb.DuckDBPyConnection] = []

    def at_once() -> None:
        with cursors.lent() as cursor:
            lent.append(cursor)
            together.wait()  # three hold one each at the same time: three different cursors

    threads = [threading.Thread(target=at_once) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cursor) for cursor in lent}) == 3 and len(cursors) == 3
    connection.close()


def _read(cursors: Cursors) -> None:
    with cursors.lent() as cursor:
        assert cursor.execute("SELECT 42").fetchall() == [(42,)]


# A server's first tile and page start making the data version's tiles and records in the background; it stops at
# once, the making still under way: the shutdown waits for it, then closes the store.
STOP_WHILE_MAKING = textwrap.dedent(
    """
    import sys
    from fastapi.testclient import TestClient
    from semap.api.app import create_app
    from semap.settings import StoreSettings
    from semap.store import open_store

    store = open_store(StoreSettings(database_url=None, data_dir=sys.argv[1]))
    with TestClient(create_app(store)) as client:
        assert client.get("/tiles/organizations/14/13972/6344.mvt").status_code in (200, 204)
        assert client.get("/api/v1/organizations", params={"limit": 5}).status_code == 200
    store.close()
    """
)


def test_a_server_stopped_while_making_its_answers_ahead_exits_cleanly(request: pytest.FixtureRequest) -> None:
    data_dir = str(built_settings_for("duckdb", request).data_dir)
    _exits_cleanly(STOP_WHILE_MAKING, 2, data_dir, SEMAP_BASEMAP_URL="", SEMAP_WARM_PAGES="false")


# Another process swaps new data in; this one notices on its next look and opens them in the background, and ends
# right then (a CLI command, a stopping server): the end waits for the opening.
EXIT_WHILE_OPENING = textwrap.dedent(
    """
    import sys
    from semap.curation import edits
    from semap.curation.policy import SYSTEM
    from semap.settings import StoreSettings
    from semap.store import open_store

    settings = StoreSettings(database_url=None, data_dir=sys.argv[1])
    server = open_store(settings)
    org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
    other = open_store(settings)
    edits.change(other, SYSTEM, "organizations", org, {"name": "새 이름 " + sys.argv[2]}, reason="renamed")
    other.close()
    server.data_version()  # starts opening the new generation
    """
)


def test_a_process_ending_while_it_opens_new_data_exits_cleanly(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (_, settings):
        _exits_cleanly(EXIT_WHILE_OPENING, 2, str(settings.data_dir))


def test_duckdb_gives_back_memory_its_queries_freed_and_fetches_no_extension() -> None:
    """Settings of every embedded connection: a server kept its busiest moment's memory without background purging
    (README, issue 27), and an extension fetched from the network would not be the wheel's."""
    from semap.store.duckdb_store import spatial_connection

    connection = spatial_connection(":memory:")
    settings = dict(
        connection.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('allocator_background_threads', 'autoinstall_known_extensions', 'autoload_known_extensions')"
        ).fetchall()
    )
    connection.close()
    assert settings == {
        "allocator_background_threads": "true",
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }


def test_a_stopping_server_waits_for_every_making_not_only_the_latest() -> None:
    """New data start another making while the one before still works: close() waits for both (it waited for the
    latest only, and the store was closed under the other)."""
    from semap.api.ahead import MadeAhead

    class Made:
        def summary(self) -> dict[str, object]:
            return {}

    release = {"first": threading.Event(), "second": threading.Event()}
    finished: list[str] = []
    versions = iter(release)

    class Versioned:  # the store as MadeAhead sees it: only its data version
        def data_version(self) -> str:
            return "first"

    entered = threading.Event()

    def make(_: object) -> Made:
        name = next(versions)
        entered.set()
        release[name].wait(10)
        finished.append(name)
        return Made()

    ahead = MadeAhead(Versioned(), make, "things")  # type: ignore[arg-type]
    ahead.get("first")
    assert entered.wait(10)  # the first making works before the second starts
    ahead.get("second")
    release["second"].set()
    closing = threading.Thread(target=ahead.close)
    closing.start()
    closing.join(0.5)
    assert closing.is_alive(), "close() returned while the first making still worked"
    release["first"].set()
    closing.join(10)
    assert not closing.is_alive() and sorted(finished) == ["first", "second"]
