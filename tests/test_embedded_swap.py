"""The embedded store after another process swaps new data in: its previous generation keeps answering, under its
own data version, while the new one opens in the background; then the new one answers. Its own edits it serves at
once. (Opening a generation takes DuckDB half a second; every request of a server waited for it after a build.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from semap.curation import edits
from semap.curation.policy import SYSTEM
from semap.store import open_store
from tests.living import writable_store

NAME = "SELECT name FROM organizations WHERE id = :id"


def test_another_process_swap_is_served_once_open_and_never_under_the_old_version(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (server, settings):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]  # its generation is open
        before = server.data_version()
        other = open_store(settings)  # a CLI or another worker
        try:
            edits.change(other, SYSTEM, "organizations", org, {"name": "다른 프로세스의 새 이름"}, reason="renamed")
        finally:
            other.close()

        seen: list[tuple[str, str]] = []
        deadline = time.monotonic() + 60
        while not seen or seen[-1][0] == before:
            assert time.monotonic() < deadline, "the new generation was never served"
            version = server.data_version()
            seen.append((version, server.fetch(NAME, {"id": org})[0][0]))
            time.sleep(0.005)
        assert seen[0][0] == before  # the first look after the swap starts opening the new data, still naming the old
        assert seen[-1][1] == "다른 프로세스의 새 이름"
        # Named after the new data only once they answer (the old name under the new version would be cached wrong).
        assert all(name == "다른 프로세스의 새 이름" for version, name in seen if version != before)


def test_its_own_edit_is_served_at_once(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (server, _):
        org = server.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        before = server.data_version()
        edits.change(server, SYSTEM, "organizations", org, {"name": "이 서버의 새 이름"}, reason="renamed")
        assert server.data_version() != before
        assert server.fetch(NAME, {"id": org})[0][0] == "이 서버의 새 이름"
