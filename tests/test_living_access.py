"""Access: signed edit links (expiry, revocation, tampering, purpose), Argon2 passwords with lock-out, session
cookie flags, CSRF on every form, mail through a loopback SMTP server (aiosmtpd), reminders, archiving, and
upgrades that keep people's edits (the DuckDB data file and the SQLite overlay migrated, not rebuilt)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from semap.api.app import create_app
from semap.curation import access, edits, events, review
from semap.curation.policy import Actor
from semap.settings import StoreSettings
from semap.store import open_store
from semap.store.duckdb_store import SCHEMA_VERSION, spatial_extension_path
from semap.store.overlay import MIGRATIONS, SQLiteOverlay
from tests.conftest import BACKENDS
from tests.living import PASSWORD, add_coordinator, owner_link, record_in, signed_in, writable_store
from tests.test_cli import semap

SONGPA = Actor("coordinator", "songpa@example.org", frozenset({"11710"}))


def test_edit_links_expire_are_revoked_and_cannot_be_forged(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        org = record_in(store, "organizations", "송파구")
        client = TestClient(create_app(store))
        token = owner_link(store, org)
        assert client.get(f"/edit/{token}").status_code == 200
        secret = access.site_secret(store.overlay, None)
        payload = URLSafeTimedSerializer(secret, salt=access.LINK_SALT).loads(token)
        forged_for_other_org = URLSafeTimedSerializer("not-the-secret", salt=access.LINK_SALT).dumps(payload)
        other_purpose = URLSafeTimedSerializer(secret, salt="another-purpose").dumps(payload)
        for bad in (token[:-2] + "xx", forged_for_other_org, other_purpose, "garbage"):
            answer = client.get(f"/edit/{bad}")
            assert answer.status_code == 403 and "not valid" in answer.text
        with store.overlay.transaction() as tx:  # the grant's own expiry, reached
            tx.execute(
                "UPDATE access_grants SET expires_at = '2000-01-01T00:00:00+00:00' WHERE id = :id", {"id": payload["g"]}
            )
        assert "expired" in client.get(f"/edit/{token}").text
        fresh = owner_link(store, org)
        assert client.get(f"/edit/{fresh}").status_code == 200
        fresh_grant = URLSafeTimedSerializer(secret, salt=access.LINK_SALT).loads(fresh)["g"]
        access.revoke(store, SONGPA, fresh_grant)
        answer = client.post(f"/edit/{fresh}", data={"description": "x"})
        assert answer.status_code == 403 and "revoked" in answer.text
        assert store.fetch("SELECT description FROM organizations WHERE id = :id", {"id": org})[0][0] != "x"


def test_passwords_lock_out_cookies_are_strict_and_forms_need_csrf(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        stored = store.overlay.fetch("SELECT password_hash FROM accounts")[0][0]
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        client, csrf = signed_in(store, "songpa@example.org", base_url="https://testserver")
        cookie = client.cookies.jar
        flags = next(c for c in cookie if c.name == "semap_session")
        assert (
            flags.secure and flags.has_nonstandard_attr("HttpOnly") and flags.get_nonstandard_attr("SameSite") == "lax"
        )
        org = record_in(store, "organizations", "송파구")
        for form in ({}, {"csrf": "wrong"}):
            answer = client.post(f"/coordinator/records/organizations/{org}", data={**form, "description": "x"})
            assert answer.status_code == 403 and "CSRF" in answer.text
        assert (
            client.post(
                f"/coordinator/records/organizations/{org}", data={"csrf": csrf, "description": "고침"}
            ).status_code
            == 200
        )
        # After signing in, only a path of this site is followed (no open redirect).
        for elsewhere in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/"):
            bounce = TestClient(create_app(store)).post(
                "/login",
                data={"email": "songpa@example.org", "password": PASSWORD, "next": elsewhere},
                follow_redirects=False,
            )
            assert bounce.headers["location"] == "/coordinator"
        # Logging out ends the session on the server.
        client.post("/logout", data={"csrf": csrf})
        assert client.get("/coordinator/districts/송파구", follow_redirects=False).status_code == 303


def test_failed_logins_slow_an_account_down_and_never_lock_its_coordinator_out(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OWASP: a growing delay per account, not a lock-out any stranger can trigger (five wrong passwords from
    anyone used to lock the coordinator out for 15 minutes)."""
    monkeypatch.setenv("SEMAP_LOGIN_ATTEMPTS_PER_MINUTE", "100")  # the per-address limit is another test's
    right = {"email": "songpa@example.org", "password": PASSWORD, "next": "/coordinator"}
    wrong = {**right, "password": "a wrong password"}
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        coordinator = TestClient(create_app(store))  # the coordinator's browser, which signed in before
        assert coordinator.post("/login", data=right, follow_redirects=False).status_code == 303
        clock = [datetime.now(UTC)]
        monkeypatch.setattr(access, "_now", lambda: clock[0])
        stranger = TestClient(create_app(store))
        for _ in range(access.FREE_FAILURES):  # the first wrong passwords cost nothing: each is tried at once
            assert stranger.post("/login", data=wrong).status_code == 401
        waits = []
        for _ in range(5):  # then each makes the next attempt wait twice as long
            assert stranger.post("/login", data=wrong).status_code == 401
            held = stranger.post("/login", data=right)  # within the delay not even the right password is tried
            assert held.status_code == 429 and 'name="password"' in held.text  # the form again, saying why
            waits.append(int(held.headers["retry-after"]))
            assert f"{waits[-1]} s" in held.text
            clock[0] += timedelta(seconds=waits[-1])
        assert waits == [1, 2, 4, 8, 16]
        assert stranger.post("/login", data=wrong).status_code == 401  # the account now waits 32 s
        assert stranger.post("/login", data=right).status_code == 429
        # The coordinator's own browser is not held up by a stranger's guesses.
        assert coordinator.post("/login", data=right, follow_redirects=False).status_code == 303
        clock[0] += timedelta(seconds=32)
        assert stranger.post("/login", data=wrong).status_code == 401  # a success reset the count: free again
        assert access.login_delay(10_000) == access.MAX_DELAY


def test_invites_and_reminders_go_through_smtp_and_their_links_work(
    smtp_server, built_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    controller, inbox = smtp_server
    env = {
        **built_env,
        "SEMAP_SMTP_HOST": "127.0.0.1",
        "SEMAP_SMTP_PORT": str(controller.port),
        "SEMAP_PUBLIC_URL": "https://semap.example.org",
    }
    store = open_store(StoreSettings(database_url=env.get("SEMAP_DATABASE_URL"), data_dir=Path(env["SEMAP_DATA_DIR"])))
    try:
        org = record_in(store, "organizations", "송파구")
    finally:
        store.close()
    out = semap("access", "invite", org, "--email", "owner@example.org", env=env)
    assert "sent to owner@example.org" in out.stdout.decode()
    mail = message_from_bytes(inbox.mails[0].as_bytes(), policy=default_policy)
    assert mail["To"] == "owner@example.org"
    body = mail.get_body().get_content()
    assert "정보 수정 링크" in body  # Korean arrives as Korean
    link = re.search(r"https://semap\.example\.org(/edit/\S+)", body).group(1)
    store = open_store(StoreSettings(database_url=env.get("SEMAP_DATABASE_URL"), data_dir=Path(env["SEMAP_DATA_DIR"])))
    try:
        assert TestClient(create_app(store)).get(link).status_code == 200
        with_email = store.fetch("SELECT count(*) FROM organizations WHERE email IS NOT NULL AND verified_at < '2025'")
    finally:
        store.close()
    reminded = semap("access", "reminders", "--send", "--district", "송파구", env=env)
    lines = [line for line in reminded.stdout.decode().splitlines() if line.startswith("org-")]
    assert lines and all("/edit/" in line for line in lines)
    sent = int(re.search(r"sent (\d+) reminder", reminded.stderr.decode()).group(1))
    assert sent == sum(1 for line in lines if "@" in line.split("\t")[2]) and len(inbox.mails) == 1 + sent
    assert with_email[0][0] >= sent


@pytest.mark.parametrize("backend", BACKENDS)
def test_archived_entries_leave_the_public_map_and_stay_in_history(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        client = TestClient(create_app(store))
        resource = record_in(store, "resources", "송파구")
        before = client.get("/api/v1/resources", params={"district": "송파구", "limit": 1000}).json()
        assert resource in {f["id"] for f in before["features"]}
        review.archive(store, SONGPA, "resources", resource)  # the demo's survey is from 2013: long unconfirmed
        after = client.get("/api/v1/resources", params={"district": "송파구", "limit": 1000}).json()
        assert resource not in {f["id"] for f in after["features"]}
        assert after["numberMatched"] == before["numberMatched"] - 1
        assert client.get(f"/api/v1/resources/{resource}").json()["properties"]["status"] == "archived"
        # A confirmed entry is not archivable; the confirmation is a change too.
        other = record_in(store, "resources", "송파구", offset=1)
        edits.confirm(store, SONGPA, "resources", other)
        with pytest.raises(Exception, match="confirmed on"):
            review.archive(store, SONGPA, "resources", other)
        kinds = [r[0] for r in store.overlay.fetch("SELECT kind FROM change_events ORDER BY at")]
        assert kinds == ["archive", "verify"]


def test_an_older_embedded_store_is_migrated_with_its_edits_and_pins(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        org = record_in(store, "organizations", "송파구")
        edits.change(store, SONGPA, "organizations", org, {"description": "구청 설명"})
        count = store.fetch("SELECT count(*) FROM organizations")[0][0]
    # Make its data file what the previous release (schema 5) wrote: no living columns.
    served = (settings.data_dir / "semap.duckdb").resolve()
    con = duckdb.connect(str(served))
    con.execute(f"LOAD '{spatial_extension_path()}'")
    for index in ("organizations_geom_idx", "resources_geom_idx", "organizations_district", "resources_district"):
        con.execute(f"DROP INDEX {index}")  # DuckDB drops no column an index depends on; migrate() recreates them
    for table, column in (("organizations", "opening_hours"), ("resources", "booking_url"), ("resources", "status")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("UPDATE dataset_meta SET value = '5' WHERE key = 'schema_version'")
    con.execute("CHECKPOINT")
    con.close()
    reopened = open_store(settings)
    try:
        assert reopened.fetch("SELECT value FROM dataset_meta WHERE key = 'schema_version'")[0][0] == SCHEMA_VERSION
        assert reopened.fetch("SELECT count(*) FROM organizations")[0][0] == count
        assert reopened.fetch("SELECT description FROM organizations WHERE id = :id", {"id": org})[0][0] == "구청 설명"
        assert reopened.fetch("SELECT count(*) FROM resources WHERE booking_url IS NULL")[0][0] > 0
        assert reopened.overlay.fetch("SELECT count(*) FROM change_events")[0][0] == 1
        assert served.exists()  # the old generation is still there for readers; the link names the new one
        assert (settings.data_dir / "semap.duckdb").resolve() != served
    finally:
        reopened.close()


def test_an_overlay_of_the_previous_release_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "semap.duckdb.overlay.sqlite"
    con = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        con.execute(statement)
    con.execute("INSERT INTO manual_overrides VALUES ('pinned', 127.1, 37.5, 'by hand', '2024-01-01')")
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    overlay = SQLiteOverlay(path)
    try:
        assert overlay.migrate() == 1
        assert overlay.fetch("SELECT note FROM manual_overrides") == [("by hand",)]
        assert overlay.fetch("SELECT count(*) FROM change_events") == [(0,)]
        assert overlay.fetch("PRAGMA user_version") == [(len(MIGRATIONS),)]
    finally:
        overlay.close()


def test_problem_reports_need_no_account_land_in_the_queue_and_are_rate_limited(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEMAP_REPORTS_PER_HOUR", "2")
    with writable_store("duckdb", request, tmp_path) as (store, _):
        resource = record_in(store, "resources", "송파구")
        public = TestClient(create_app(store))
        assert "report" in public.get(f"/report/resources/{resource}").text
        assert public.post(f"/report/resources/{resource}", data={"message": "x"}).status_code == 422
        sent = public.post(f"/report/resources/{resource}", data={"message": "이 공간은 문을 닫았습니다"})
        assert sent.status_code == 200 and "감사합니다" in sent.text
        limited = public.post(f"/report/resources/{resource}", data={"message": "또 신고합니다"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        queue = events.open_items(store.overlay, ["11710"])
        assert [(e.kind, e.record_id, e.after) for e in queue] == [("report", resource, "이 공간은 문을 닫았습니다")]
        assert all("testclient" not in (e.actor_id or "") for e in queue)  # the address is not kept
        review.resolve(store, SONGPA, queue[0].id)
        assert events.open_items(store.overlay, ["11710"]) == []


def test_what_people_type_is_shown_as_text_and_never_runs_in_a_spreadsheet(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Edits are a new way in for payloads: the same escaping and formula neutralizing as registry text."""
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        resource = record_in(store, "resources", "송파구")
        org = record_in(store, "organizations", "송파구")
        html_payload, formula = '<img src=x onerror="alert(1)">{{ 7*7 }}', '=HYPERLINK("http://evil.example","x")'
        coordinator, csrf = signed_in(store, "songpa@example.org")
        answer = coordinator.post(
            f"/coordinator/records/resources/{resource}",
            data={"csrf": csrf, "description": html_payload, "contact": formula},
        )
        assert answer.status_code == 200 and html_payload not in answer.text and "&lt;img" in answer.text
        token = owner_link(store, org)
        public = TestClient(create_app(store))
        assert public.post(f"/edit/{token}", data={"description": html_payload}).status_code == 200
        for page in (f"/organizations/{org}", f"/edit/{token}", f"/coordinator/records/resources/{resource}"):
            text = (coordinator if page.startswith("/coordinator") else public).get(page).text
            assert html_payload not in text and "&lt;img src=x onerror=" in text and "{{ 7*7 }}" in text
        exported = coordinator.get("/coordinator/districts/송파구/resources.csv").content.decode("utf-8-sig")
        assert "'" + formula.replace('"', '""') in exported
