"""The coordinator's pages over HTTP: signing in keeps the language; stale entries reminded or archived in bulk only
after a confirmation page, exactly the ones picked; times in Seoul local time; refusals name the field's label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import access, events
from semap.curation.freshness import stale
from semap.maps.local_time import local_time
from tests.living import PASSWORD, add_coordinator, owner_link, record_in, signed_in, writable_store

SONGPA = "11710"


def test_signing_in_from_the_english_page_lands_on_the_english_pages(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        client = TestClient(create_app(store))
        asked = client.get("/coordinator/districts/송파구?lang=en", follow_redirects=False)
        assert asked.status_code == 303
        assert asked.headers["location"].startswith("/login?lang=en&next=")
        form = client.get(asked.headers["location"]).text
        assert 'action="/login?lang=en"' in form and "Sign in" in form
        assert 'name="next" value="/coordinator/districts/송파구?lang=en"' in form
        plain = client.get("/login?lang=en").text  # the default next, in English too
        assert 'name="next" value="/coordinator?lang=en"' in plain
        answer = client.post(
            "/login?lang=en", data={"email": "songpa@example.org", "password": PASSWORD, "next": "/coordinator?lang=en"}
        )
        assert answer.status_code == 200 and answer.url.params.get("lang") == "en"
        assert '<html lang="en">' in answer.text and "Waiting for review" in answer.text
        korean = TestClient(create_app(store)).get("/login").text
        assert 'name="next" value="/coordinator"' in korean and 'action="/login?lang=ko"' in korean


def test_stale_entries_are_archived_in_bulk_after_a_confirmation(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        client, csrf = signed_in(store, "songpa@example.org")
        already = _archived(store)
        before = [s for s in stale(store, [SONGPA]) if s.archivable]
        assert len(before) > 5
        picked = before[:3]
        form = {"csrf": csrf, "action": "archive", "pick": [f"{s.layer}/{s.id}" for s in picked]}
        asked = client.post("/coordinator/districts/송파구/stale", data=form)
        assert asked.status_code == 200 and 'id="confirm-bulk"' in asked.text
        assert all(s.name in asked.text for s in picked)
        assert _archived(store) == already  # not yet
        done = client.post("/coordinator/districts/송파구/stale", data={**form, "confirmed": "yes"})
        assert done.status_code == 200 and "보관했습니다: 3건" in done.text
        assert _archived(store) == already | {s.id for s in picked}  # exactly the picked ones
        history = events.history(store.overlay, picked[0].layer, picked[0].id)
        assert [e.kind for e in history][-1] == "archive" and history[-1].actor_id == "songpa@example.org"
        other = client.post("/coordinator/districts/송파구/stale", data={"csrf": csrf, "action": "archive"})
        assert other.status_code == 422  # nothing picked: said so, nothing done
        foreign = record_in(store, "organizations", "은평구")
        refused = client.post(
            "/coordinator/districts/은평구/stale",
            data={"csrf": csrf, "action": "archive", "pick": f"organizations/{foreign}", "confirmed": "yes"},
        )
        assert refused.status_code == 403 and _archived(store) == already | {s.id for s in picked}


def _archived(store) -> set[str]:
    return {r[0] for r in store.fetch("SELECT id FROM organizations WHERE status = 'archived'")} | {
        r[0] for r in store.fetch("SELECT id FROM resources WHERE status = 'archived'")
    }


def test_stale_organizations_are_reminded_in_bulk_by_mail(
    smtp_server, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller, inbox = smtp_server
    monkeypatch.setenv("SEMAP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SEMAP_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SEMAP_PUBLIC_URL", "https://semap.example.org")
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        client, csrf = signed_in(store, "songpa@example.org")
        organizations = [s for s in stale(store, [SONGPA]) if s.layer == "organizations"]
        with_mail = [s for s in organizations if s.email and "@" in s.email][:2]
        without = [s for s in organizations if not s.email][:1]
        picked = with_mail + without
        assert len(picked) == 3
        links_before = len(access.grants(store.overlay))
        form = {"csrf": csrf, "action": "remind", "pick": [f"organizations/{s.id}" for s in picked], "confirmed": "yes"}
        done = client.post("/coordinator/districts/송파구/stale?lang=en", data=form)
        assert done.status_code == 200 and "Reminders e-mailed: 2 of 3" in done.text
        assert len(access.grants(store.overlay)) == links_before + 3
        assert sorted(m["To"] for m in inbox.mails) == sorted(s.email for s in with_mail)
        links = re.findall(r'href="(https://semap\.example\.org/edit/[^"]+)"', done.text)
        assert len(links) == 3  # the one without an address is listed to hand over, the others too
        assert "give the link by hand" in done.text


def test_times_are_seoul_local_time_and_refusals_name_the_label(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        org = record_in(store, "organizations", "송파구")
        token = owner_link(store, org)
        owner = TestClient(create_app(store))
        refused = owner.post(f"/edit/{token}", data={"website": "not a web address"})
        assert refused.status_code == 422 and "웹사이트: " in refused.text and "website:" not in refused.text
        english = owner.post(f"/edit/{token}?lang=en", data={"website": "not a web address"})
        assert "Website: " in english.text and "website:" not in english.text
        owner.post(f"/edit/{token}", data={"description": "새 소개"})
        client, _ = signed_in(store, "songpa@example.org")
        page = client.get(f"/coordinator/records/organizations/{org}").text
        at = events.history(store.overlay, "organizations", org)[-1].at
        assert local_time(at, "ko") in page and f">{at[:19]}<" not in page
        assert re.search(r"20\d\d년 \d+월 \d+일 \d\d:\d\d", page)
        home = client.get("/coordinator/districts/송파구?lang=en").text
        assert local_time(at, "en") in home  # the recent changes by organizations


def test_local_time_is_seoul_time() -> None:
    assert local_time("2026-12-05T20:52:12.5+00:00", "en") == "Dec 6, 2026 05:52"
    assert local_time("2026-12-05T10:52:12+00:00", "ko") == "2026년 12월 5일 19:52"
    assert local_time("2013-12-31", "en") == "Dec 31, 2013" and local_time(None, "ko") == ""
