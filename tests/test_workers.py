"""`semap serve --workers 2` on both stores: two processes on one port, each with its own memory cache (and, embedded,
its own tiles rendered ahead), and an edit made through one of them is what the other answers next (caches and
tiles keyed by the data version, not by the process)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import mapbox_vector_tile
import pytest

from semap.features.tiles import web_mercator_quad
from tests.browser import _free_port
from tests.conftest import BACKENDS
from tests.living import env_of, owner_link, record_in, writable_store

TMS = web_mercator_quad()  # the OGC tile matrix set, for a point's tile

WORKERS = 2
CLIENTS = 12  # kept-alive connections: the kernel hands them to both workers


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _established(port: int) -> set[int]:
    """Socket inodes of the connections accepted on ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # ESTABLISHED, local port
                inodes.add(int(fields[9]))
    return inodes


def _serving_workers(server: subprocess.Popen[bytes], port: int) -> set[int]:
    """The worker processes holding at least one client connection."""
    accepted, serving = _established(port), set()
    for child in _children(server.pid):
        for fd in Path(f"/proc/{child}/fd").iterdir():
            try:
                target = fd.readlink()
            except OSError:  # closed meanwhile
                continue
            found = re.fullmatch(r"socket:\[(\d+)\]", str(target))
            if found and int(found[1]) in accepted:
                serving.add(child)
    return serving


@contextmanager
def serving(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    command = [sys.executable, "-m", "semap.cli.main", "serve", "--port", str(port), "--workers", str(WORKERS)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while len(_children(server.pid)) < WORKERS or not _answers(port):
            assert server.poll() is None, (server.stderr.read() if server.stderr else b"").decode()[-2000:]
            assert time.monotonic() < deadline, "semap serve --workers 2 did not answer within 180 s"
            time.sleep(0.3)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=60)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _category(tile: bytes, org: str) -> str:
    features = mapbox_vector_tile.decode(tile)["organizations"]["features"]
    return next(f["properties"]["category"] for f in features if f["properties"]["id"] == org)


def _until_tiles_rendered(clients: list[httpx.Client], backend: str) -> None:
    """The embedded store's workers each render their tiles ahead after their first tile (semap.api.ahead)."""
    if backend != "duckdb":
        return
    deadline = time.monotonic() + 60
    while any(client.get("/healthz").json()["tiles_ahead"] is None for client in clients):
        assert time.monotonic() < deadline, "a worker never rendered its tiles"
        time.sleep(0.1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_edit_through_one_worker_is_seen_by_the_other(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, settings):
        org = record_in(store, "organizations", "송파구")
        token = owner_link(store, org)
        page = "/api/v1/organizations?district=송파구&limit=1000"
        category, lon, lat = store.fetch(
            "SELECT category, ST_X(geom), ST_Y(geom) FROM organizations WHERE id = :id", {"id": org}
        )[0]
        other = store.fetch("SELECT min(category) FROM organizations WHERE category <> :c", {"c": category})[0][0]
        tile = "/tiles/organizations/16/{x}/{y}.mvt".format(**TMS.tile(lon, lat, 16)._asdict())
        with serving(env_of(settings)) as (server, port):
            clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) for _ in range(CLIENTS)]
            try:
                before = [client.get(page) for client in clients]
                for client in clients:  # asked for again on every connection: kept in both workers' memory
                    assert client.get(page).content == before[0].content
                    assert _category(client.get(tile).content, org) == category  # each worker's tiles rendered ahead
                _until_tiles_rendered(clients, backend)
                assert len(_serving_workers(server, port)) == WORKERS, "both workers hold client connections"
                assert all(answer.status_code == 200 for answer in before)
                assert len({answer.headers["etag"] for answer in before}) == 1  # one name for the answer everywhere

                edit = {"description": "두 작업자가 함께 보는 설명", "category": other}
                edited = clients[0].post(f"/edit/{token}", data=edit)
                assert edited.status_code == 200, edited.text[:300]

                deadline = time.monotonic() + 30  # PostGIS: each worker trusts the version it read for 1 s
                stale = list(clients)
                while stale and time.monotonic() < deadline:
                    stale = [c for c in stale if "두 작업자가 함께 보는 설명" not in c.get(page).text]
                    time.sleep(0.2 if stale else 0)
                assert not stale, f"{len(stale)} of {CLIENTS} connections still get the answer from before the edit"
                fresh = {client.get(page).headers["etag"] for client in clients}
                assert len(fresh) == 1 and fresh != {before[0].headers["etag"]}
                assert {_category(client.get(tile).content, org) for client in clients} == {other}  # no old tile
            finally:
                for client in clients:
                    client.close()


def test_each_worker_allows_its_share_of_an_address_limit(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Counts live in each process: with two workers each allows half (10 logins a minute: 5), so an address that
    reaches both never gets more than the limit."""
    from fastapi.testclient import TestClient

    from semap.api.app import create_app
    from semap.settings import ApiSettings

    wrong = {"email": "nobody@example.org", "password": "not the password"}
    with writable_store("duckdb", request, tmp_path) as (store, _):
        for workers, allowed in ((1, 10), (WORKERS, 10 // WORKERS)):
            client = TestClient(create_app(store, ApiSettings(workers=workers)))
            statuses = [client.post("/login", data=wrong).status_code for _ in range(allowed + 1)]
            assert statuses == [401] * allowed + [429], workers
