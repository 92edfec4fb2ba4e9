"""The API at its edges: unknown routes and methods, HEAD, security headers, offline docs, and a schema that
documents exactly what the server accepts."""

from __future__ import annotations

import csv
import io
import re

import orjson
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.errors import ConfigError
from semap.features.filters import MAX_TEXT
from semap.settings import ApiSettings, load
from semap.store import Store


@pytest.fixture(scope="module")
def client(built_store: Store) -> TestClient:
    return TestClient(create_app(built_store))


def test_unknown_routes_and_methods_answer_the_documented_error_shape(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "detail", "parameter"} and missing.json()["error"] == "NotFound"
    wrong = client.post("/api/v1/organizations")
    assert wrong.status_code == 405 and wrong.json()["error"] == "MethodNotAllowed"
    assert "GET" in wrong.headers["allow"]


@pytest.mark.parametrize(
    "path", ["/healthz", "/api/v1/organizations?limit=5", "/api/v1/export/resources.csv", "/", "/static/semap.css"]
)
def test_head_answers_what_get_would_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("etag") == got.headers.get("etag")


@pytest.mark.parametrize("text", ["a;b", "사회적--협동", "/* 공간 */", "x'; DROP TABLE organizations; --"])
def test_searches_with_sql_looking_text_are_ordinary_searches(
    client: TestClient, built_store: Store, text: str
) -> None:
    response = client.get("/api/v1/organizations", params={"q": text})
    assert response.status_code == 200, response.text
    assert response.json()["numberMatched"] == 0
    assert built_store.fetch("SELECT count(*) FROM organizations")[0][0] == 1871


def test_the_schema_and_the_server_agree_on_text_length(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/organizations"]["get"]["parameters"]}
    assert params["q"]["schema"]["anyOf"][0]["maxLength"] == MAX_TEXT
    assert client.get("/api/v1/organizations", params={"q": "가" * MAX_TEXT}).status_code == 200
    too_long = client.get("/api/v1/organizations", params={"q": "가" * (MAX_TEXT + 1)})
    assert too_long.status_code == 422 and too_long.json()["parameter"] == "q"


def test_each_layer_documents_only_the_filters_it_accepts(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/resources", "/api/v1/export/resources.{fmt}", "/tiles/resources/{z}/{x}/{y}.mvt"):
        documented = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
        assert {"type", "status", "industry"}.isdisjoint(documented), path
        assert {"district", "category", "q", "bbox"} <= documented, path
    documented = {p["name"] for p in spec["paths"]["/api/v1/organizations"]["get"]["parameters"]}
    assert {"type", "status", "industry", "designation", "district"} <= documented
    # and what is documented is accepted
    assert (
        client.get("/api/v1/resources", params={"category": "공간", "verified_since": "2013-01-01"}).status_code == 200
    )
    assert client.get("/api/v1/organizations", params={"status": "operating", "type": "마을기업"}).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/districts", "/tiles/organizations/12/3492/1586.mvt", "/"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]


def test_only_the_embedded_map_may_be_framed_by_the_listed_sites(built_store: Store) -> None:
    settings = ApiSettings(frame_ancestors=["https://www.songpa.go.kr", "https://*.seoul.go.kr"])
    embedded = TestClient(create_app(built_store, settings))
    page = embedded.get("/embed", params={"district": "송파구"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://www.songpa.go.kr https://*.seoul.go.kr" in csp
    assert "x-frame-options" not in page.headers
    for path in ("/", "/districts/송파구", "/healthz", "/api/v1/districts"):
        answer = embedded.get(path)
        assert "frame-ancestors 'self'" in answer.headers["content-security-policy"], path
        assert "songpa" not in answer.headers["content-security-policy"], path
        assert answer.headers["x-frame-options"] == "SAMEORIGIN", path


@pytest.mark.parametrize(
    ("written", "origins"),
    [
        ("https://www.songpa.go.kr", ["https://www.songpa.go.kr"]),
        ("https://a.example, http://127.0.0.2:8080/", ["https://a.example", "http://127.0.0.2:8080"]),
        ("'self' https://www.songpa.go.kr", ["https://www.songpa.go.kr"]),  # the former single-string form
        ('["https://*.seoul.go.kr"]', ["https://*.seoul.go.kr"]),
        ("", []),
    ],
)
def test_frame_ancestors_read_as_a_list_of_origins(monkeypatch: pytest.MonkeyPatch, written: str, origins) -> None:
    monkeypatch.setenv("SEMAP_FRAME_ANCESTORS", written)
    assert load(ApiSettings).frame_ancestors == origins


@pytest.mark.parametrize("written", ["*", "'unsafe-inline'", "https://a.example/path", "www.songpa.go.kr", "data:"])
def test_frame_ancestors_refuse_what_is_not_an_origin(monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    monkeypatch.setenv("SEMAP_FRAME_ANCESTORS", written)
    with pytest.raises(ConfigError, match="SEMAP_FRAME_ANCESTORS"):
        load(ApiSettings)


def test_the_embedded_map_refuses_a_bad_filter_with_a_page(client: TestClient) -> None:
    for params, parameter in (({"type": "bogus"}, "type"), ({"district": "없는구"}, "district"), ({"at": "1,2"}, "at")):
        answer = client.get("/embed", params={**params, "lang": "en"})
        assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
        assert parameter in answer.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_work_offline(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "<script>" not in page.text  # no inline script: the CSP allows none


def test_favicon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.parametrize("lang,word", [("ko", "자치구"), ("en", "district")])
def test_unknown_pages_are_html_in_the_users_language(client: TestClient, lang: str, word: str) -> None:
    for path in ("/districts/부산진구", "/organizations/no-such-id"):
        page = client.get(path, params={"lang": lang})
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in page.text and f'href="/?lang={lang}"' in page.text
    assert word in client.get("/districts/부산진구", params={"lang": lang}).text.lower()


def test_a_bbox_with_its_corners_swapped_is_the_same_box(client: TestClient) -> None:
    box = client.get("/api/v1/organizations", params={"bbox": "126.9,37.5,127.1,37.6", "limit": 1}).json()
    swapped = client.get("/api/v1/organizations", params={"bbox": "127.1,37.6,126.9,37.5", "limit": 1}).json()
    assert box["numberMatched"] == swapped["numberMatched"] > 0


def test_every_documented_district_spelling_is_accepted(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    district = next(p for p in spec["paths"]["/api/v1/resources"]["get"]["parameters"] if p["name"] == "district")
    spellings = district["schema"]["enum"]
    assert {"종로구", "종로", "Jongno-gu", "adm:11110", "kostat:11010"} <= set(spellings)
    assert "11110" not in spellings  # valid in both schemes: must name its scheme
    for spelling in spellings:
        assert client.get("/api/v1/resources", params={"district": spelling, "limit": 1}).status_code == 200, spelling


def test_exports_and_the_api_carry_each_records_source_and_vintage(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/export/resources.csv").text.lstrip("\ufeff"))))
    assert rows and all(re.fullmatch(r".+\.csv#row=\d+", r["source"]) for r in rows)
    assert {r["updated_at"] for r in rows} == {"2013-12-31"}  # the registries' vintage (the manifest's as_of)
    item = client.get("/api/v1/organizations", params={"limit": 1}).json()["features"][0]["properties"]
    assert isinstance(item["source"], list) and all("#row=" in s for s in item["source"])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_district_page_and_organization_pages_from_it_open(client: TestClient, lang: str) -> None:
    """The five districts whose bare codes are valid in both schemes (종로구, 중구, 용산구, 성동구, 동대문구) once
    answered 422: every page opens, in both languages, and so do organization pages of each district."""
    from semap.geodata.districts import load_crosswalk

    for district in load_crosswalk():
        page = client.get(f"/districts/{district.name_ko}", params={"lang": lang})
        assert page.status_code == 200, (district.name_ko, page.text[:200])
        label = district.name_en if lang == "en" else district.name_ko
        assert f"<h1>{label}</h1>" in page.text
        orgs = client.get("/api/v1/organizations", params={"district": district.name_ko, "limit": 2}).json()
        for feature in orgs["features"]:
            assert client.get(f"/organizations/{feature['id']}", params={"lang": lang}).status_code == 200


def test_request_traces_are_recorded_only_when_telemetry_is_switched_on(built_store: Store) -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):  # process-wide and set once: the first test to need it sets it
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    names = {}
    for telemetry in (False, True):
        exporter.clear()
        with TestClient(create_app(built_store, ApiSettings(telemetry=telemetry))) as traced:
            assert traced.get("/healthz").status_code == 200
        names[telemetry] = [span.name for span in exporter.get_finished_spans()]
    assert names[False] == [] and any("/healthz" in name for name in names[True]), names


@pytest.mark.parametrize("query", [b"district=%FF", b"district=\xff\xfe", b"q=\xed\xa0\x80"])
def test_a_query_that_is_not_utf8_is_a_client_error(built_store: Store, query: bytes) -> None:
    # Raw bytes as a client may send them (httpx would percent-encode them first), straight to the ASGI app.
    import asyncio

    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/api/v1/organizations", "raw_path": b"/api/v1/organizations", "query_string": query,
        "root_path": "", "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(create_app(built_store)(scope, receive, send))
    assert sent[0]["status"] == 422 and orjson.loads(sent[1]["body"])["error"] == "InvalidParameter"
