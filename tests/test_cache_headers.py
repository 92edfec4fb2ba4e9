"""Cache-Control as a browser reads it: whatever an edit can change is revalidated (no-cache with the data-version
ETag, a repeat view a 304) and is new as soon as an edit is approved; only versioned URLs keep a lifetime;
signed-in and edit-link pages are not stored."""

from __future__ import annotations

from pathlib import Path

import morecantile
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import edits, events, review
from semap.curation.policy import Actor
from tests.conftest import BACKENDS
from tests.living import add_coordinator, owner_link, record_in, signed_in, writable_store

SONGPA = Actor("coordinator", "songpa@example.org", frozenset({"11710"}))
NEW_ADDRESS = "서울특별시 송파구 올림픽로 300"


def _editable(org: str) -> list[str]:
    tile = morecantile.tms.get("WebMercatorQuad").tile(127.105, 37.505, 13)
    return [
        f"/organizations/{org}",
        f"/organizations/{org}?lang=en",
        f"/api/v1/organizations/{org}",
        "/api/v1/organizations?district=송파구&limit=1000",
        "/api/v1/export/organizations.csv?district=송파구",
        "/tiles/organizations/{z}/{x}/{y}.mvt".format(**tile._asdict()),
        "/districts/송파구",
        "/",
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_approved_edit_is_seen_at_once_and_a_repeat_view_costs_a_304(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        client = TestClient(create_app(store))
        org = record_in(store, "organizations", "송파구")
        paths = _editable(org)
        before = {path: client.get(path) for path in paths}
        for path, answer in before.items():
            assert answer.status_code == 200, path
            assert answer.headers["cache-control"] == "no-cache", path  # never kept without asking
            again = client.get(path, headers={"If-None-Match": answer.headers["etag"]})
            assert again.status_code == 304 and again.content == b"", path
            assert again.headers["cache-control"] == "no-cache" and again.headers["etag"] == answer.headers["etag"]
            # The page the browser kept keeps its own Content-Security-Policy: a 304 must not replace it.
            assert "content-security-policy" not in again.headers, path

        owner_actor = Actor("owner", "a-grant", org_id=org)
        owner = edits.change(store, owner_actor, "organizations", org, {"address_raw": NEW_ADDRESS}, "moved")
        assert owner.proposed and not owner.applied  # an address waits for the coordinator
        proposal = next(e for e in events.open_items(store.overlay, ["11710"]) if e.record_id == org)
        review.approve(store, SONGPA, proposal.id)

        for path in paths[:3]:  # the browser asks with the tag it holds and gets the new answer
            fresh = client.get(path, headers={"If-None-Match": before[path].headers["etag"]})
            assert fresh.status_code == 200 and NEW_ADDRESS in fresh.content.decode(), path
        for path in paths[3:]:
            fresh = client.get(path, headers={"If-None-Match": before[path].headers["etag"]})
            assert fresh.status_code == 200 and fresh.headers["cache-control"] == "no-cache", path


def test_only_urls_that_never_change_keep_a_lifetime(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        org = record_in(store, "organizations", "송파구")
        token = owner_link(store, org)
        client = TestClient(create_app(store))
        vendored = client.get("/static/vendor/leaflet-1.9.4/leaflet.js")
        assert vendored.status_code == 200
        assert vendored.headers["cache-control"] == "public, max-age=31536000, immutable"
        own = client.get("/static/semap-common.js")  # changes with a release, under the same name
        assert own.headers["cache-control"] == "no-cache"
        assert client.get("/static/semap-common.js", headers={"If-None-Match": own.headers["etag"]}).status_code == 304
        for path in (f"/edit/{token}", "/login", f"/report/organizations/{org}"):
            answer = client.get(path)
            assert answer.status_code == 200 and answer.headers["cache-control"] == "private, no-store", path
        coordinator, _ = signed_in(store, "songpa@example.org")
        page = coordinator.get("/coordinator/districts/송파구")
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
        history = coordinator.get(f"/api/v1/organizations/{org}/history")  # a signed-in answer under /api
        assert history.status_code == 200 and history.headers["cache-control"] == "private, no-store"
        public = coordinator.get(f"/organizations/{org}")  # the public page, signed in or not: revalidated
        assert public.headers["cache-control"] == "no-cache"
