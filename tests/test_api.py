"""The first API endpoints, on both stores, through FastAPI's test client."""

from __future__ import annotations

import orjson
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.store import Store


def test_healthz(built_store: Store) -> None:
    with TestClient(create_app(built_store)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    expected: dict[str, object] = {"status": "ok", "backend": built_store.backend, "districts": 25}
    if built_store.backend == "duckdb":  # what it makes ahead: nothing before a tile or a page is asked for
        expected["tiles_ahead"] = expected["records_ahead"] = None
    assert response.json() == expected


def test_districts_geojson(built_store: Store) -> None:
    with TestClient(create_app(built_store)) as client:
        response = client.get("/api/v1/districts", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-encoding"] == "gzip"
    body = orjson.loads(response.content)
    names = {f["properties"]["name_ko"] for f in body["features"]}
    assert len(names) == 25 and "강남구" in names
    assert {f["properties"]["kostat_code"] for f in body["features"]} >= {"11010", "11250"}


def test_unbuilt_store_answers_503_with_a_hint(empty_store: Store) -> None:
    with TestClient(create_app(empty_store)) as client:
        response = client.get("/api/v1/districts")
        health = client.get("/healthz")
        page = client.get("/")
    assert response.status_code == 503
    assert response.json()["error"] == "StoreNotBuilt"
    assert "semap build" in response.json()["detail"]
    assert health.status_code == 503 and health.json()["status"] == "not built"
    assert (
        page.status_code == 503 and "semap build" in page.text and page.headers["content-type"].startswith("text/html")
    )


def test_openapi_documents_districts(built_store: Store) -> None:
    with TestClient(create_app(built_store)) as client:
        spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/districts"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
