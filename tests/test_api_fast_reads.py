"""Plain tiles and pages read without routing (PostGIS on the event loop, the embedded store in the thread pool
through the store's queue), as a map and a list meet them: the same bytes and headers the routes send, every other
request left to the routes, and a failing read answered by the route all the same."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import morecantile
import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semap.api.admission import Admission, admission
from semap.api.app import create_app
from semap.api.fast_reads import InProcessReader
from semap.settings import ApiSettings
from semap.store import Store

TMS = morecantile.tms.get("WebMercatorQuad")
PLAIN = [
    "/tiles/organizations/{z}/{x}/{y}.mvt".format(**TMS.tile(126.978, 37.566, 14)._asdict()),  # 중구, busy
    "/tiles/resources/{z}/{x}/{y}.mvt".format(**TMS.tile(127.105, 37.505, 13)._asdict()),  # 송파구
    "/tiles/organizations/{z}/{x}/{y}.mvt".format(**TMS.tile(129.07, 35.18, 14)._asdict()),  # Busan: empty
    "/tiles/organizations/0/0/0.mvt",
]
PAGES = [
    "/api/v1/organizations?district=서초구&limit=100",
    "/api/v1/organizations?district=adm:11650&limit=20&offset=40",  # next and prev links
    "/api/v1/organizations?limit=5&properties=name,category",
    "/api/v1/organizations",
    "/api/v1/resources?district=송파구",
    "/api/v1/organizations?district=중구&offset=100000",  # past the end: no features
    "/api/v1/organizations?bbox=126.95,37.55,127.0,37.58&limit=50&properties=name,category,type",  # the map's
]
SAME_HEADERS = ("etag", "cache-control", "content-type", "content-length")


@pytest.fixture
def postgis_client(built_pair: dict[str, Store]) -> Iterator[TestClient]:
    """A server on PostGIS, started (its event-loop reader opened), keeping no answers: every request computes."""
    with TestClient(create_app(built_pair["postgis"], ApiSettings(response_cache_mb=0))) as client:
        assert client.app.state.async_reader is not None
        yield client


@pytest.fixture(params=["postgis", "duckdb"])
def reading_client(request: pytest.FixtureRequest, built_pair: dict[str, Store]) -> Iterator[TestClient]:
    """A server on each store, started (its reader of plain answers opened), keeping no answers and making none
    ahead (tests/test_tiles_ahead.py, tests/test_records_ahead.py)."""
    settings = ApiSettings(response_cache_mb=0, tiles_ahead_mb=0, records_ahead=0)
    with TestClient(create_app(built_pair[request.param], settings)) as client:
        assert client.app.state.async_reader is not None
        yield client


@pytest.mark.postgis
def test_a_plain_tile_or_page_read_without_routing_is_what_the_route_sends(reading_client: TestClient) -> None:
    reader = reading_client.app.state.async_reader
    fast = []
    for path in PLAIN + PAGES:
        before = reader.statements
        fast.append(reading_client.get(path))
        assert reader.statements == before + (1 if path in PLAIN else 2), path  # the reader's, not the route's
    reading_client.app.state.async_reader = None  # the route alone
    for path, answer in zip(PLAIN + PAGES, fast, strict=True):
        routed = reading_client.get(path)
        assert answer.status_code == routed.status_code == 200, path
        assert answer.content == routed.content, path
        assert {h: answer.headers[h] for h in SAME_HEADERS} == {h: routed.headers[h] for h in SAME_HEADERS}, path
    assert len(fast[0].content) > 1000 and fast[2].content == b""  # a busy tile and an empty one
    pages = [orjson.loads(answer.content) for answer in fast[len(PLAIN) :]]
    assert [p["numberReturned"] for p in pages] == [100, 20, 5, 100, min(100, pages[4]["numberMatched"]), 0, 50]
    assert {link["rel"] for link in pages[1]["links"]} == {"self", "next", "prev"}
    assert set(pages[2]["features"][0]["properties"]) == {"id", "name", "category"}


@pytest.mark.postgis
@pytest.mark.parametrize(
    ("path", "status"),
    [
        (PLAIN[0] + "?type=협동조합", 200),  # a filter: the route's grammar and validation
        ("/tiles/organizations/3/99/0.mvt", 404),  # outside the tile matrix: the route says why
        ("/tiles/organizations/23/0/0.mvt", 422),  # beyond the deepest zoom
        ("/tiles/shops/14/1/1.mvt", 404),  # no such layer
        ("/api/v1/organizations?district=서초구&type=협동조합", 200),  # another filter
        ("/api/v1/organizations?district=서초구&district=중구", 200),  # repeated: the route's rule decides
        ("/api/v1/organizations?district=없는구", 422),
        ("/api/v1/organizations?district=", 200),
        ("/api/v1/organizations?limit=abc", 422),
        ("/api/v1/organizations?limit=0", 422),
        ("/api/v1/organizations?limit=1001", 422),
        ("/api/v1/organizations?offset=-1", 422),
        ("/api/v1/organizations?properties=name,shoe_size", 422),
        ("/api/v1/organizations?bbox=127.1,37.5,north", 422),
        ("/api/v1/resources?type=협동조합", 422),  # an organization filter sent to resources
    ],
)
def test_every_other_request_is_left_to_the_route(reading_client: TestClient, path: str, status: int) -> None:
    reader = reading_client.app.state.async_reader
    before = reader.statements
    answer = reading_client.get(path)
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
        assert client.get(PLAIN[0]).content == first.content  # asked for again: kept now
        statements = reader.statements
        again = client.get(PLAIN[0])
        assert again.content == first.content and cache.hits == 1 and reader.statements == statements
        held = client.get(PLAIN[0], headers={"If-None-Match": first.headers["etag"]})
        assert held.status_code == 304 and held.content == b""


def test_the_embedded_store_reads_plain_answers_through_its_queue(built_pair: dict[str, Store]) -> None:
    """No event-loop reader (DuckDB answers in-process): the thread pool, in a slot of the same queue as the
    routes', which refuses with 503 and Retry-After when no slot frees in time."""
    assert built_pair["duckdb"].async_reader() is None
    settings = ApiSettings(response_cache_mb=0, tiles_ahead_mb=0, records_ahead=0)
    with TestClient(create_app(built_pair["duckdb"], settings)) as client:
        reader = client.app.state.async_reader
        assert isinstance(reader, InProcessReader)
        assert client.get(PLAIN[0]).status_code == 200 and reader.statements == 1
        client.app.state.admission = Admission(slots=0, timeout_s=0.05)  # a queue that never frees a slot
        refused = client.get(PLAIN[1])
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        assert reader.statements == 1


@pytest.mark.postgis
def test_the_event_loop_reader_runs_with_the_engines_session_settings(postgis_client: TestClient) -> None:
    # Without them a big tile gets JIT compilation and parallel workers: tens of milliseconds more per request.
    reader = postgis_client.app.state.async_reader
    sql = "SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')"
    via_reader = postgis_client.portal.call(reader.fetch, sql, {})  # type: ignore[attr-defined]
    via_engine = postgis_client.app.state.store.fetch(sql)
    assert via_reader == [tuple(row) for row in via_engine] == [("off", "0")]


@pytest.mark.postgis
def test_a_reader_that_cannot_connect_leaves_the_routes_to_answer(
    built_pair: dict[str, Store], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The engine reaches the database, the event-loop reader does not (e.g. its own connection limit): the server
    # still starts and answers, through the routes.
    store = built_pair["postgis"]
    reader = store.async_reader()
    monkeypatch.setattr(reader, "_dsn", "postgresql://nobody@127.0.0.1:9/none")  # nothing listens on port 9
    monkeypatch.setattr(store, "async_reader", lambda: reader)
    with TestClient(create_app(store, ApiSettings(response_cache_mb=0))) as client:
        assert client.app.state.async_reader is None
        assert client.get(PLAIN[0]).status_code == 200 and len(client.get(PLAIN[0]).content) > 1000
        assert client.get(PAGES[0]).json()["numberReturned"] == 100
    assert "event-loop reader could not open" in caplog.text


# --- the event-loop path and the routes take exactly the same inputs ------------------------------------------
SCRIPTS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９")  # ASCII, Arabic-Indic …
DIGIT_RUN = st.sampled_from(SCRIPTS).flatmap(lambda digits: st.text(alphabet=digits, min_size=1, max_size=3))
NUMBERISH = st.one_of(DIGIT_RUN, st.text(alphabet="".join(SCRIPTS) + "²+-_. e", max_size=4))
TEXTISH = st.sampled_from(["서초구", "adm:11650", "중구", "", "없는구", "adm:١١٦٥٠", "１１６５０", "name,category"])
BBOXISH = st.lists(
    st.sampled_from(["126.9", "37.5", "127.1", "37.6", "١٢٧.١", "３７.６", "x", ""]), min_size=4, max_size=4
)
PARAMETER = st.one_of(
    st.tuples(st.sampled_from(["limit", "offset"]), NUMBERISH),
    st.tuples(st.sampled_from(["district", "properties", "type"]), TEXTISH),
    st.tuples(st.just("bbox"), BBOXISH.map(",".join)),
)
TILE = st.tuples(
    st.sampled_from(["organizations", "resources"]), NUMBERISH, NUMBERISH, NUMBERISH, st.sampled_from([".mvt", ".pbf"])
)


@pytest.fixture(scope="module")
def three_servers(built_pair: dict[str, Store]) -> Iterator[dict[str, TestClient]]:
    """Each store with its reader of plain answers and with the routes alone; none keeps answers."""
    settings = ApiSettings(response_cache_mb=0)
    with (
        TestClient(create_app(built_pair["postgis"], settings)) as fast,
        TestClient(create_app(built_pair["postgis"], settings)) as routed,
        TestClient(create_app(built_pair["duckdb"], settings)) as embedded,
        TestClient(create_app(built_pair["duckdb"], settings)) as embedded_routed,
    ):
        assert fast.app.state.async_reader is not None and embedded.app.state.async_reader is not None
        routed.app.state.async_reader = embedded_routed.app.state.async_reader = None
        yield {"fast": fast, "routed": routed, "embedded": embedded, "embedded_routed": embedded_routed}


def _same_answer(servers: dict[str, TestClient], url: str) -> None:
    answers = {name: client.get(url) for name, client in servers.items()}
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert len(set(statuses.values())) == 1, (url, statuses)
    assert answers["fast"].content == answers["routed"].content, url
    assert answers["embedded"].content == answers["embedded_routed"].content, url
    if statuses["fast"] != 200:
        assert answers["fast"].json() == answers["embedded"].json(), url  # the same error, saying the same
    elif not url.startswith("/tiles/"):  # a tile's bytes are each database's own encoding
        assert answers["fast"].json()["features"] == answers["embedded"].json()["features"], url


@pytest.mark.postgis
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layer=st.sampled_from(["organizations", "resources"]),
    parameters=st.lists(PARAMETER, max_size=4),
)
def test_both_paths_on_both_stores_answer_a_page_query_alike(
    three_servers: dict[str, TestClient], layer: str, parameters: list[tuple[str, str]]
) -> None:
    """`limit=١٠` was 200 with ten features on the event-loop path (Python's \\d and int() take Arabic-Indic
    digits) and 422 on the routes, so PostGIS and DuckDB disagreed."""
    _same_answer(three_servers, f"/api/v1/{layer}?{urlencode(parameters)}")


@pytest.mark.postgis
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tile=TILE)
def test_both_paths_on_both_stores_answer_a_tile_alike(
    three_servers: dict[str, TestClient], tile: tuple[str, str, str, str, str]
) -> None:
    layer, z, x, y, suffix = tile
    _same_answer(three_servers, f"/tiles/{layer}/{quote(z)}/{quote(x)}/{quote(y)}{suffix}")


@pytest.mark.postgis
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations?limit=١٠",
        "/api/v1/organizations?offset=٣&limit=5",
        "/api/v1/organizations?limit=１０",
        "/tiles/organizations/%D9%A0/%D9%A0/%D9%A0.mvt",  # 0/0/0 in Arabic-Indic digits
    ],
)
def test_unicode_digits_are_refused_by_both_paths(three_servers: dict[str, TestClient], url: str) -> None:
    _same_answer(three_servers, url)
    assert three_servers["fast"].get(url).status_code == 422


@pytest.mark.postgis
def test_a_page_reads_its_rows_and_count_on_one_connection(
    postgis_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the floor does: a second checkout from the pool cost a page about a tenth of its CPU (issue 27).
    reader = postgis_client.app.state.async_reader
    pool, checkouts = reader._ready(), []

    class CountedPool:
        def acquire(self, **options: object) -> object:
            checkouts.append(1)
            return pool.acquire(**options)

    monkeypatch.setattr(reader, "_ready", CountedPool)
    for path in PAGES:
        before = len(checkouts)
        assert postgis_client.get(path).status_code == 200
        assert len(checkouts) == before + 1, path


def test_an_embedded_page_takes_one_slot_of_the_queue(built_pair: dict[str, Store]) -> None:
    # Rows and count in one hop into the thread pool, so a page queues once, not twice behind other requests.
    with TestClient(create_app(built_pair["duckdb"], ApiSettings(response_cache_mb=0, records_ahead=0))) as client:
        queue = admission(client.app.state, built_pair["duckdb"])
        run, slots = queue.run, []
        queue.run = lambda work: slots.append(1) or run(work)  # type: ignore[method-assign]
        for path in PAGES:
            before = len(slots)
            assert client.get(path).status_code == 200
            assert len(slots) == before + 1, path


@pytest.mark.postgis
def test_a_reader_connection_goes_back_to_the_pool_without_a_reset_round_trip(postgis_client: TestClient) -> None:
    # asyncpg's default reset (advisory locks, cursors, LISTEN, RESET ALL) was a statement of its own after every
    # plain tile and page; the reader runs plain SELECTs only, so nothing is left to reset (issue 27).
    store = postgis_client.app.state.store
    for path in [*PLAIN, *PAGES]:
        assert postgis_client.get(path).status_code == 200
    last = store.fetch(
        "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    assert last and any("ST_AsMVT" in row[0] or "count(*)" in row[0] for row in last)
    assert not any("pg_advisory_unlock_all" in row[0] or "RESET ALL" in row[0] for row in last), last
