"""OGC API – Features and Tiles under /ogc, checked point by point (what GDAL, QGIS and the OGC test suites need),
on both stores, against SeMap's own API: the same queries give the same features."""

from __future__ import annotations

import io
from urllib.parse import unquote

import mapbox_vector_tile
import orjson
import pyogrio
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from semap.api.app import create_app
from semap.features.tiles import web_mercator_quad
from semap.store import Store

OGC = "/ogc"
SEMAP_API = "/api/v1"


@pytest.fixture(scope="module")
def client(built_store: Store):
    with TestClient(create_app(built_store)) as c:
        yield c


def _json(client: TestClient, url: str, **params: object) -> dict:
    response = client.get(url, params=params or None)  # an empty mapping would replace the URL's own query
    assert response.status_code == 200, (url, response.text[:300])
    return orjson.loads(response.content)


def _rels(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


def test_the_landing_page_links_what_clients_look_for(client: TestClient) -> None:
    response = client.get(OGC)
    assert response.headers["content-type"] == "application/json"  # JSON unless a browser asks for HTML
    links = _rels(orjson.loads(response.content))
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-desc"]["href"] == "http://testserver/ogc/api"
    assert links["service-doc"]["type"] == "text/html"
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert all(link["href"].startswith(("http://", "https://")) and link.get("type") for link in links.values())
    slash = client.get(f"{OGC}/", headers={"Accept": "application/json"}).json()
    assert _rels(slash)["service-desc"] == links["service-desc"] and _rels(slash)["self"]["href"].endswith("/ogc/")
    conformance = _json(client, f"{OGC}/conformance")["conformsTo"]
    for part in ("core", "geojson", "html", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{part}" in conformance
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in conformance


def test_json_for_clients_html_for_browsers_and_the_cache_keeps_them_apart(client: TestClient) -> None:
    url = f"{OGC}/collections/resources/items"
    browser = client.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    machine = client.get(url, headers={"Accept": "application/geo+json, application/json"})
    again = client.get(url, headers={"Accept": "text/html"})  # the same answer by name: kept now
    assert browser.headers["content-type"].startswith("text/html") and "<table>" in browser.text
    assert again.headers["content-type"].startswith("text/html") and again.content == browser.content
    assert machine.headers["content-type"] == "application/geo+json" and machine.json()["type"] == "FeatureCollection"
    assert browser.headers["etag"] != machine.headers["etag"]
    assert "Accept" in machine.headers["vary"] and "Accept" in again.headers["vary"]
    assert client.get(url, params={"f": "html"}).headers["content-type"].startswith("text/html")
    assert client.get(url, params={"f": "json"}, headers={"Accept": "text/html"}).json()["numberMatched"] == 555
    assert client.get(url, params={"f": "xml"}).status_code == 400


def test_the_openapi_document_is_3_0_relative_to_the_landing_page_with_each_filter(client: TestClient) -> None:
    response = client.get(f"{OGC}/api")
    assert response.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = orjson.loads(response.content)
    assert document["openapi"].startswith("3.0") and document["servers"] == [{"url": "http://testserver/ogc"}]
    assert "/collections/organizations/items" in document["paths"] and not any(
        p.startswith(OGC) for p in document["paths"]
    )
    parameters = {p["name"]: p for p in document["paths"]["/collections/organizations/items"]["get"]["parameters"]}
    # GDAL sends a -where equality of a field to the server when the items path declares it as a query parameter.
    for name in ("category", "type", "subtype", "industry", "status", "district_ko", "dong_code", "district"):
        assert parameters[name]["in"] == "query" and parameters[name]["schema"]["type"] == "string", name
    assert parameters["bbox"]["schema"] == {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
    assert parameters["limit"]["schema"]["maximum"] == 1000 and parameters["limit"]["style"] == "form"
    assert "anyOf" not in str(document) and "'null'" not in str(document)  # no OpenAPI 3.1 left in it
    assert client.get(f"{OGC}/api.html").headers["content-type"].startswith("text/html")


def test_collections_have_plain_ids_one_crs84_box_and_their_vintage_and_licence(client: TestClient) -> None:
    listed = _json(client, f"{OGC}/collections")["collections"]
    assert [c["id"] for c in listed] == ["organizations", "resources", "districts", "dongs"]
    for collection in listed:
        assert "." not in collection["id"]
        (box,) = collection["extent"]["spatial"]["bbox"]
        assert len(box) == 4 and 126 < box[0] < box[2] < 128 and 37 < box[1] < box[3] < 38  # lon, lat
        assert collection["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        assert collection["vintage"] in ("2013-12-31", "2013") and collection["license"].startswith("KOGL")
        assert _json(client, f"{OGC}/collections/{collection['id']}") == collection
        rels = {link["rel"] for link in collection["links"]}
        assert {"self", "items", "license", "http://www.opengis.net/def/rel/ogc/1.0/queryables"} <= rels
    assert listed[0]["extent"]["temporal"]["interval"] == [["2013-12-31T00:00:00+09:00", "2013-12-31T23:59:59+09:00"]]
    assert client.get(f"{OGC}/collections/organizations.json").status_code == 404


def test_paging_follows_absolute_typed_next_links_to_number_matched(client: TestClient) -> None:
    url, seen = f"{OGC}/collections/resources/items?district=도봉구&limit=20", []
    while url:
        page = _json(client, url)
        assert page["numberReturned"] == len(page["features"]) and page["numberMatched"] == 58
        seen += [f["id"] for f in page["features"]]
        nexts = [link for link in page["links"] if link["rel"] == "next"]
        assert all(link["type"] == "application/geo+json" and link["href"].startswith("http://") for link in nexts)
        url = nexts[0]["href"] if nexts else None
    assert len(seen) == len(set(seen)) == 58


def test_a_limit_above_the_maximum_is_clamped_not_refused(client: TestClient) -> None:
    page = _json(client, f"{OGC}/collections/organizations/items", limit=5000)
    assert page["numberReturned"] == 1000 and page["numberMatched"] == 1871
    assert "offset=1000" in _rels(page)["next"]["href"]
    for bad in ({"limit": "unlimited"}, {"limit": 0}, {"ooga": "booga"}, {"category": ["a", "b"]}):
        response = client.get(f"{OGC}/collections/organizations/items", params=bad)
        assert response.status_code == 400, bad  # as OGC API – Features requires
        assert (
            set(response.json()) == {"error", "detail", "parameter"} and response.json()["error"] == "InvalidParameter"
        )
    assert client.get(f"{OGC}/collections/parks/items").status_code == 404
    nul = client.get(f"{OGC}/collections/organizations/items?q=a%00b")  # refused at the edge, still a 400 here
    assert nul.status_code == 400 and nul.json()["error"] == "InvalidParameter"
    assert client.get(f"{SEMAP_API}/organizations?q=a%00b").status_code == 422  # SeMap's own API keeps its 422


@pytest.mark.parametrize(
    ("collection", "params", "api_params"),
    [
        ("organizations", {"category": "교육·학원"}, {"category": "교육·학원"}),
        ("organizations", {"type": "협동조합", "district_ko": "송파구"}, {"type": "협동조합", "district": "송파구"}),
        (
            "organizations",
            {"filter": "type = '마을기업' AND (status='operating')"},
            {"type": "마을기업", "status": "operating"},
        ),
        ("organizations", {"bbox": "127.08,37.49,127.13,37.52"}, {"bbox": "127.08,37.49,127.13,37.52"}),
        ("organizations", {"datetime": "2013-01-01/2013-12-31"}, {"datetime": "2013-01-01/2013-12-31"}),
        ("resources", {"datetime": "../2013-06-30"}, {"datetime": "../2013-06-30"}),
        ("resources", {"dong_code": "1112060", "category": "공간"}, {"dong": "1112060", "category": "공간"}),
    ],
)
def test_filters_select_what_semaps_api_selects(
    client: TestClient, collection: str, params: dict, api_params: dict
) -> None:
    ogc = _json(client, f"{OGC}/collections/{collection}/items", **params, limit=1000)
    api = _json(client, f"{SEMAP_API}/{collection}", **api_params, limit=1000)
    assert ogc["numberMatched"] == api["numberMatched"] and ogc["features"] == api["features"]
    assert 0 < api["numberMatched"] < (1871 if collection == "organizations" else 555) or "datetime" in params


def test_datetime_reads_verified_at_in_seouls_calendar(client: TestClient) -> None:
    url = f"{OGC}/collections/organizations/items"
    assert _json(client, url, datetime="2013-12-31")["numberMatched"] == 1871
    assert _json(client, url, datetime="2013-12-30T15:00:00Z")["numberMatched"] == 1871  # 2013-12-31 00:00 in Seoul
    assert _json(client, url, datetime="2013-12-30T14:59:59Z")["numberMatched"] == 0
    assert _json(client, url, datetime="2014-01-01/..")["numberMatched"] == 0
    assert _json(client, url, datetime="2014-01-01/2013-01-01")["numberMatched"] == 0  # ends before it starts
    assert _json(client, f"{OGC}/collections/districts/items", datetime="2020-01-01")["numberMatched"] == 25
    for bad in ("2013-02-30", "yesterday", "../..", "2013-01-01/2013-02-01/2013-03-01"):
        assert client.get(url, params={"datetime": bad}).status_code == 400, bad
    assert client.get(f"{SEMAP_API}/organizations", params={"datetime": "2013-02-30"}).status_code == 422


def test_a_cql2_filter_states_equalities_joined_by_and_and_nothing_else(client: TestClient) -> None:
    url = f"{OGC}/collections/organizations/items"
    for unsupported in (
        "type <> '협동조합'",
        "type = '협동조합' OR type = '마을기업'",
        "name LIKE '%a%'",
        "nope = 'x'",
    ):
        response = client.get(url, params={"filter": unsupported})
        assert response.status_code == 400 and response.json()["parameter"] == "filter", unsupported
    conflicting = client.get(url, params={"type": "협동조합", "filter": "type = '마을기업'"})
    assert conflicting.status_code == 400
    assert client.get(url, params={"filter": "type = '협동조합'", "filter-lang": "cql2-json"}).status_code == 400


def test_one_feature_links_itself_and_its_collection(client: TestClient) -> None:
    first = _json(client, f"{OGC}/collections/organizations/items", limit=1)["features"][0]
    feature = _json(client, f"{OGC}/collections/organizations/items/{first['id']}")
    assert {k: v for k, v in feature.items() if k != "links"} == _json(
        client, f"{SEMAP_API}/organizations/{first['id']}"
    )
    assert {"self", "alternate", "collection"} <= set(_rels(feature))
    dong = _json(client, f"{OGC}/collections/dongs/items", district_adm_code="11710", limit=100)
    assert dong["numberMatched"] == len(dong["features"]) > 10
    assert {f["properties"]["district_adm_code"] for f in dong["features"]} == {"11710"}
    district = _json(client, f"{OGC}/collections/districts/items/11710")
    assert district["properties"]["name_ko"] == "송파구" and district["geometry"]["type"] == "MultiPolygon"
    assert client.get(f"{OGC}/collections/districts/items/99999").status_code == 404


def test_queryables_name_each_property_a_client_may_select_by(client: TestClient) -> None:
    response = client.get(f"{OGC}/collections/organizations/queryables")
    assert response.headers["content-type"] == "application/schema+json"
    properties = orjson.loads(response.content)["properties"]
    assert set(properties) == {"type", "subtype", "industry", "category", "status", "district_ko", "dong_code"}
    assert "협동조합" in properties["type"]["enum"] and "송파구" in properties["district_ko"]["enum"]


def test_vector_tiles_are_found_from_the_collection_and_are_the_same_tiles(client: TestClient) -> None:
    collection = _json(client, f"{OGC}/collections/organizations")
    tilesets_url = _rels(collection)["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]["href"]
    (tileset_entry,) = _json(client, tilesets_url)["tilesets"]
    assert tileset_entry["dataType"] == "vector" and tileset_entry["tileMatrixSetURI"].endswith("/WebMercatorQuad")
    tileset = _json(client, _rels(tileset_entry)["self"]["href"], category="교육·학원")
    template = _rels(tileset)["item"]["href"]
    assert _rels(tileset)["item"]["type"] == "application/vnd.mapbox-vector-tile"
    assert "/{tileMatrix}/{tileRow}/{tileCol}" in template and template.endswith(
        "?category=%EA%B5%90%EC%9C%A1%C2%B7%ED%95%99%EC%9B%90"
    )
    tile = web_mercator_quad().tile(126.978, 37.566, 14)
    url = template.format(tileMatrix=tile.z, tileRow=tile.y, tileCol=tile.x)
    ogc_tile = client.get(url)
    assert ogc_tile.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    same = client.get(f"/tiles/organizations/{tile.z}/{tile.x}/{tile.y}.mvt", params={"category": "교육·학원"})
    assert ogc_tile.content == same.content and ogc_tile.content
    features = mapbox_vector_tile.decode(ogc_tile.content)["organizations"]["features"]
    assert {f["properties"]["category"] for f in features} == {"교육·학원"}
    limits = {limit["tileMatrix"]: limit for limit in tileset["tileMatrixSetLimits"]}
    assert limits["14"]["minTileCol"] <= tile.x <= limits["14"]["maxTileCol"]
    matrix_set = _json(client, _rels(tileset)["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]["href"])
    assert matrix_set["id"] == "WebMercatorQuad" and len(matrix_set["tileMatrices"]) > 22  # TMS 2.0
    assert matrix_set["type"] == "TileMatrixSetType" and matrix_set["tileMatrix"][14]["identifier"] == "14"  # 1.0
    assert client.get(f"{OGC}/collections/districts/tiles").status_code == 404
    assert client.get(f"{OGC}/collections/organizations/tiles/WorldCRS84Quad/0/0/0").status_code == 404
    assert client.get(f"{OGC}/collections/organizations/tiles/WebMercatorQuad/23/0/0").status_code == 404


def test_the_geopackage_download_holds_every_selected_feature_in_korean(client: TestClient) -> None:
    params = {"district": "송파구", "type": "협동조합"}
    response = client.get(f"{SEMAP_API}/export/organizations.gpkg", params=params)
    assert response.headers["content-type"] == "application/geopackage+sqlite3"
    assert unquote(response.headers["content-disposition"]).endswith(".gpkg") and "송파구" in unquote(
        response.headers["content-disposition"]
    )
    frame = pyogrio.read_dataframe(io.BytesIO(response.content), layer="organizations")
    listed = _json(client, f"{SEMAP_API}/organizations", **params, limit=1000)
    assert list(frame["id"]) == [f["id"] for f in listed["features"]]
    assert list(frame["name"]) == [f["properties"]["name"] for f in listed["features"]]
    assert frame.crs.to_epsg() == 4326 and frame.geometry.geom_type.eq("Point").all()
    first = listed["features"][0]["geometry"]["coordinates"]
    assert (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y) == pytest.approx(tuple(first), abs=1e-7)
    assert str(frame["district_mismatch"].dtype) == "bool" and frame["confidence"].dtype.kind == "f"


def test_both_stores_answer_alike(built_pair: dict[str, Store]) -> None:
    answers = {}
    for backend, store in built_pair.items():
        with TestClient(create_app(store)) as c:
            answers[backend] = [
                c.get(f"{OGC}/collections").content,
                c.get(f"{OGC}/collections/organizations/items", params={"district_ko": "도봉구", "limit": 50}).content,
                c.get(f"{OGC}/collections/dongs/items", params={"bbox": "127.0,37.5,127.05,37.55"}).content,
                c.get(f"{OGC}/collections/resources/items", params={"datetime": "2013-06-01/2013-09-30"}).content,
            ]
    duck, postgis = answers["duckdb"], answers["postgis"]
    assert orjson.loads(duck[0]) == orjson.loads(postgis[0])
    for ours, theirs in zip(duck[1:], postgis[1:], strict=True):
        ours, theirs = orjson.loads(ours), orjson.loads(theirs)
        assert ours["numberMatched"] == theirs["numberMatched"] > 0
        assert [f["id"] for f in ours["features"]] == [f["id"] for f in theirs["features"]]


def _jsonld(page: str) -> list[dict]:
    start = '<script type="application/ld+json">'
    return [orjson.loads(part.split("</script>", 1)[0]) for part in page.split(start)[1:]]


def test_pages_describe_themselves_in_schema_org(client: TestClient) -> None:
    feature = _json(client, f"{SEMAP_API}/organizations", district="송파구", limit=1)["features"][0]
    (organization,) = _jsonld(client.get(f"/organizations/{feature['id']}").text)
    assert organization["@context"] == "https://schema.org" and "Organization" in organization["@type"]
    assert organization["name"] == feature["properties"]["name"]
    assert organization["address"]["addressLocality"] == "송파구" and organization["address"]["addressCountry"] == "KR"
    lon, lat = feature["geometry"]["coordinates"]
    assert (organization["geo"]["longitude"], organization["geo"]["latitude"]) == (lon, lat)
    assert organization["url"].startswith("http") and organization["mainEntityOfPage"].endswith(feature["id"])
    for page in ("/", "/?lang=en", f"{OGC}?f=html"):
        (dataset,) = _jsonld(client.get(page).text)
        assert dataset["@type"] == "Dataset" and dataset["license"].startswith("https://www.kogl.or.kr/")
        assert dataset["temporalCoverage"] == "2013-12-31" and dataset["publisher"]["name"]
        formats = {d["encodingFormat"] for d in dataset["distribution"]}
        assert {"application/geo+json", "text/csv", "application/geopackage+sqlite3"} <= formats
    landing = client.get(OGC, params={"f": "html"})
    assert landing.headers["content-type"].startswith("text/html") and "<h1>SeMap — OGC API</h1>" in landing.text
    assert "script-src 'self'" in landing.headers["content-security-policy"]


def test_the_ogc_api_holds_its_own_openapi_contract(built_store: Store) -> None:
    """Fuzzed from /ogc/api as /api/v1 is from /openapi.json: no input is a server error, every answer is one the
    document names. (Schema-valid input may be refused: the OGC bbox schema allows six numbers, SeMap reads four.)"""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

    schema = schemathesis.openapi.from_asgi("/ogc/api", create_app(built_store))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 18

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance])

        check()
