"""Plain vector tiles read on the event loop (PostGIS), as a map meets them: the same bytes and headers the route
sends, every other request left to the route, and a failing read answered by the route all the same."""

from __future__ import annotations

from collections.abc import Iterator

import morecantile
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.settings import ApiSettings
from semap.store import Store

TMS = morecantile.tms.get("WebMercatorQuad")
PLAIN = [
    "/tiles/organizations/{z}/{x}/{y}.mvt".format(**TMS.tile(126.978, 37.566, 14)._asdict()),  # 중구, busy
    "/tiles/resources/{z}/{x}/{y}.mvt".format(**TMS.tile(127.105, 37.505, 13)._asdict()),  # 송파구
    "/tiles/organizations/{z}/{x}/{y}.mvt".format(**TMS.tile(129.07, 35.18, 14)._asdict()),  # Busan: empty
    "/tiles/organizations/0/0/0.mvt",
]
SAME_HEADERS = ("etag", "cache-control", "content-type", "content-length")


@pytest.fixture
def postgis_client(built_pair: dict[str, Store]) -> Iterator[TestClient]:
    """A server on PostGIS, started (its event-loop reader opened), keeping no answers: every request computes."""
    with TestClient(create_app(built_pair["postgis"], ApiSettings(response_cache_mb=0))) as client:
        assert client.app.state.async_reader is not None
        yield client


@pytest.mark.postgis
def test_a_plain_tile_read_on_the_event_loop_is_what_the_route_sends(postgis_client: TestClient) -> None:
    reader = postgis_client.app.state.async_reader
    fast = []
    for path in PLAIN:
        before = reader.statements
        fast.append(postgis_client.get(path))
        assert reader.statements == before + 1, path  # answered by the reader, not the route
    postgis_client.app.state.async_reader = None  # the route alone, as on a store without a reader
    for path, answer in zip(PLAIN, fast, strict=True):
        routed = postgis_client.get(path)
        assert answer.status_code == routed.status_code == 200, path
        assert answer.content == routed.content, path
        assert {h: answer.headers[h] for h in SAME_HEADERS} == {h: routed.headers[h] for h in SAME_HEADERS}, path
    assert len(fast[0].content) > 1000 and fast[2].content == b""  # a busy tile and an empty one


@pytest.mark.postgis
@pytest.mark.parametrize(
    ("path", "status"),
    [
        (PLAIN[0] + "?type=협동조합", 200),  # a filter: the route's grammar and validation
        ("/tiles/organizations/3/99/0.mvt", 404),  # outside the tile matrix: the route says why
        ("/tiles/organizations/23/0/0.mvt", 422),  # beyond the deepest zoom
        ("/tiles/shops/14/1/1.mvt", 404),  # no such layer
    ],
)
def test_every_other_tile_request_is_left_to_the_route(postgis_client: TestClient, path: str, status: int) -> None:
    reader = postgis_client.app.state.async_reader
    before = reader.statements
    answer = postgis_client.get(path)
    assert answer.status_code == status, answer.text
    assert reader.statements == before


@pytest.mark.postgis
def test_a_failing_read_on_the_event_loop_is_answered_by_the_route(
    postgis_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = postgis_client.get(PLAIN[0]).content

    async def broken(*_: object) -> bytes:
        raise OSError("connection reset by peer")

    monkeypatch.setattr(postgis_client.app.state.async_reader, "fetch_bytes", broken)
    answer = postgis_client.get(PLAIN[0])
    assert answer.status_code == 200 and answer.content == expected


@pytest.mark.postgis
def test_a_tile_read_on_the_event_loop_is_kept_like_any_answer(built_pair: dict[str, Store]) -> None:
    with TestClient(create_app(built_pair["postgis"])) as client:
        reader, cache = client.app.state.async_reader, client.app.state.body_cache
        first = client.get(PLAIN[0])
        statements = reader.statements
        again = client.get(PLAIN[0])
        assert again.content == first.content and cache.hits == 1 and reader.statements == statements
        held = client.get(PLAIN[0], headers={"If-None-Match": first.headers["etag"]})
        assert held.status_code == 304 and held.content == b""


def test_the_embedded_store_has_no_event_loop_reader(built_pair: dict[str, Store]) -> None:
    assert built_pair["duckdb"].async_reader() is None
    with TestClient(create_app(built_pair["duckdb"])) as client:
        assert client.app.state.async_reader is None
        assert client.get(PLAIN[0]).status_code == 200
