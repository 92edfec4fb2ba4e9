"""Where a redirect may go and which sites may change anything: one helper decides every redirect target (the
login's next= and a form's Referer), and a state-changing request another site sent is refused even with a valid
CSRF token (Sec-Fetch-Site, else Origin, else Referer)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import access
from semap.curation.policy import SYSTEM
from tests.living import PASSWORD, add_coordinator, owner_link, record_in, signed_in, writable_store

ELSEWHERE = (
    "//evil.example/x",
    "/\\evil.example/x",
    "/\t/evil.example/x",
    "https://evil.example/coordinator",
    "http://testserver.evil.example/coordinator",
    "javascript:alert(1)",
    "http://testserver//evil.example/x",  # this host, then a path a browser reads as another host
    "http://testserver/\\evil.example/x",
    "",
)


def _target(location: str) -> str:
    return unquote(location)


@pytest.fixture
def coordinator(request: pytest.FixtureRequest, tmp_path: Path):
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        client, csrf = signed_in(store, "songpa@example.org")
        yield store, client, csrf


def test_every_redirect_stays_on_this_site(coordinator) -> None:
    store, client, csrf = coordinator
    org = record_in(store, "organizations", "송파구")
    secret = access.site_secret(store.overlay, None)
    grant_ids = [access.invite(store, SYSTEM, org, None, secret)[0].id for _ in ELSEWHERE]
    for referer, grant_id in zip(ELSEWHERE, grant_ids, strict=True):
        answer = client.post(
            f"/coordinator/grants/{grant_id}/revoke",
            data={"csrf": csrf},
            headers={"Origin": "http://testserver", "Referer": referer},  # a browser sends both on a POST
            follow_redirects=False,
        )
        location = _target(answer.headers["location"])
        assert answer.status_code == 303 and location == "/coordinator", (referer, location)
    for next_url in ELSEWHERE:
        bounce = TestClient(create_app(store)).post(
            "/login",
            data={"email": "songpa@example.org", "password": PASSWORD, "next": next_url},
            follow_redirects=False,
        )
        location = _target(bounce.headers["location"])
        assert location == "/coordinator", (next_url, location)
    # A page of this site, named either way, is where the person goes back to.
    here = "/coordinator/districts/송파구?lang=en"
    for way in (quote(here, safe="/?="), "http://testserver" + quote(here, safe="/?=")):  # as browsers send it
        answer = client.post(
            f"/coordinator/grants/{grant_ids[0]}/revoke",
            data={"csrf": csrf},
            headers={"Origin": "http://testserver", "Referer": way},
            follow_redirects=False,
        )
        assert _target(answer.headers["location"]) == here


CROSS_SITE = (
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "https://edit.testserver"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "http://testserver:8080"},  # another port is another origin
)


def test_a_change_sent_from_another_site_is_refused_even_with_a_valid_token(coordinator) -> None:
    store, client, csrf = coordinator
    org = record_in(store, "organizations", "송파구")
    resource = record_in(store, "resources", "송파구")
    token = owner_link(store, org)
    before = store.fetch("SELECT description FROM organizations WHERE id = :id", {"id": org})[0][0]
    public = TestClient(create_app(store))
    for headers in CROSS_SITE:
        answers = [
            client.post(
                f"/coordinator/records/organizations/{org}", data={"csrf": csrf, "description": "x"}, headers=headers
            ),
            client.post("/logout", data={"csrf": csrf}, headers=headers),
            public.post(f"/edit/{token}", data={"description": "x"}, headers=headers),
            public.post(f"/report/resources/{resource}", data={"message": "스팸 신고입니다"}, headers=headers),
            public.post("/login", data={"email": "songpa@example.org", "password": PASSWORD}, headers=headers),
        ]
        for answer in answers:
            assert answer.status_code == 403 and "another site" in answer.text, (headers, answer.text[:200])
            assert answer.headers["content-type"].startswith("text/html")  # the editing pages' error page
    assert store.fetch("SELECT description FROM organizations WHERE id = :id", {"id": org})[0][0] == before
    assert client.get("/coordinator/districts/송파구").status_code == 200  # still signed in: logout was refused
    assert store.overlay.fetch("SELECT count(*) FROM change_events WHERE kind = 'report'") == [(0,)]
    # This site's own pages (and a request without any of the headers: the token decides) are let through.
    for headers in (
        {"Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Referer": "http://testserver/coordinator/districts/%EC%86%A1%ED%8C%8C%EA%B5%AC"},
        {},
    ):
        answer = client.post(
            f"/coordinator/records/organizations/{org}", data={"csrf": csrf, "description": "고침"}, headers=headers
        )
        assert answer.status_code == 200, headers


def test_the_public_url_is_this_sites_origin_behind_a_proxy(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy that passes its own Host: the browser's Origin is the public address the operator configured.
    monkeypatch.setenv("SEMAP_PUBLIC_URL", "https://semap.example.org")
    with writable_store("duckdb", request, tmp_path) as (store, _):
        resource = record_in(store, "resources", "송파구")
        client = TestClient(create_app(store), base_url="http://127.0.0.1:8000")
        sent = client.post(
            f"/report/resources/{resource}",
            data={"message": "문을 닫았습니다"},
            headers={"Origin": "https://semap.example.org"},
        )
        assert sent.status_code == 200
        refused = client.post(
            f"/report/resources/{resource}",
            data={"message": "문을 닫았습니다"},
            headers={"Origin": "http://semap.example.org"},  # not the configured scheme
        )
        assert refused.status_code == 403
