"""E-mail addresses are checked wherever they enter (the coordinator's page, an owner's form, the admin page, the
CLI, a registry's column), by email-validator; a mail the server could not send leaves no active edit link that
nobody received (it is revoked and the command says so). Both stores: grants and their history live in each one's
overlay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.store import Store
from tests.browser import _free_port
from tests.conftest import BACKENDS
from tests.living import add_admin, add_coordinator, env_of, owner_link, record_in, signed_in, writable_store
from tests.test_cli import semap

NOT_ADDRESSES = (
    "a@b.kr\r\nBcc: victim@evil.example",  # a header injected into the mail
    "a@b.kr\nBcc: victim@evil.example",
    "<script>alert(1)</script>",
    "owner@example.org, victim@evil.example",  # two recipients
    "owner@example.org <victim@evil.example>",
    "owner@",
    "@example.org",
    "owner@localhost",
)


def _grants(store: Store) -> list[tuple[str, str | None, str | None]]:
    return [tuple(r) for r in store.overlay.fetch("SELECT id, email, revoked_at FROM access_grants ORDER BY id")]


def _active(store: Store) -> list[tuple[str, str | None, str | None]]:
    return [g for g in _grants(store) if g[2] is None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_addresses_are_checked_on_every_page_they_enter(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        add_admin(store, "center@example.org")
        org = record_in(store, "organizations", "송파구")
        coordinator, csrf = signed_in(store, "songpa@example.org")
        for bad in NOT_ADDRESSES:
            answer = coordinator.post("/coordinator/invite", data={"csrf": csrf, "org_id": org, "email": bad})
            assert answer.status_code == 422 and "is not an e-mail address" in answer.text, bad
            assert 'name="org_id"' in answer.text  # the coordinator's page again, saying why
        assert _grants(store) == []
        sent = coordinator.post(
            "/coordinator/invite", data={"csrf": csrf, "org_id": org, "email": " Owner@Example.ORG "}
        )
        assert sent.status_code == 200 and "/edit/" in sent.text
        assert [g[1] for g in _grants(store)] == ["Owner@example.org"]  # the domain normalized, the rest kept
        token = owner_link(store, org)
        owner = TestClient(create_app(store))
        for bad in NOT_ADDRESSES:
            answer = owner.post(f"/edit/{token}", data={"email": bad})
            assert answer.status_code == 422 and "이메일:" in answer.text, bad  # the field (as labelled), and why
        assert store.fetch("SELECT email FROM organizations WHERE id = :id", {"id": org})[0][0] not in NOT_ADDRESSES
        admin, admin_csrf = signed_in(store, "center@example.org")
        answer = admin.post(
            "/admin/accounts",
            data={"csrf": admin_csrf, "email": NOT_ADDRESSES[0], "role": "admin", "password": "x" * 12},
        )
        assert answer.status_code == 422 and "is not an e-mail address" in answer.text
        assert {r[0] for r in store.overlay.fetch("SELECT email FROM accounts")} == {
            "songpa@example.org",
            "center@example.org",
        }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_cli_refuses_an_address_in_one_line_and_a_failed_mail_leaves_no_active_link(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    nothing_listens = str(_free_port())
    with writable_store(backend, request, tmp_path) as (store, settings):
        org = record_in(store, "organizations", "송파구")
        env = env_of(settings, SEMAP_SMTP_HOST="127.0.0.1", SEMAP_SMTP_PORT=nothing_listens)
        env["SEMAP_PUBLIC_URL"] = "https://semap.example.org"  # else a warning about localhost links comes first
        refused = semap("access", "invite", org, "--email", "a@b.kr\r\nBcc: x@evil.example", env=env, check=False)
        lines = refused.stderr.decode().strip().splitlines()
        assert refused.returncode == 1 and len(lines) == 1 and "is not an e-mail address" in lines[0], lines
        assert _grants(store) == []  # refused before anything was stored
        unsent = semap("access", "invite", org, "--email", "owner@example.org", env=env, check=False)
        lines = unsent.stderr.decode().strip().splitlines()
        assert unsent.returncode == 1 and len(lines) == 1 and "Traceback" not in lines[0], lines
        assert f"127.0.0.1:{nothing_listens} failed" in lines[0] and "has been revoked" in lines[0]
        assert unsent.stdout == b""  # no link that looks usable
        assert len(_grants(store)) == 1 and _active(store) == []
        why = store.overlay.fetch("SELECT reason FROM change_events WHERE kind = 'revoke'")
        assert why == [("the e-mail to owner@example.org could not be sent",)]
        # A registry's address that is not one is never mailed to; the others' reminders fail and are revoked.
        other = record_in(store, "organizations", "송파구", offset=1)
        with store.patching() as target, target.transaction() as tx:
            tx.execute("UPDATE organizations SET email = 'a@b.kr\nBcc: x@evil.example' WHERE id = :id", {"id": other})
        before = len(_grants(store))
        reminded = semap("access", "reminders", "--send", "--district", "송파구", env=env, check=False)
        assert reminded.returncode == 1 and "Traceback" not in reminded.stderr.decode()
        assert "reminder(s) not sent were revoked" in reminded.stderr.decode().strip().splitlines()[-1]
        rows = [line.split("\t") for line in reminded.stdout.decode().splitlines()]
        by_org = {row[0]: row for row in rows}
        assert by_org[other][2].startswith("(no e-mail address") and "/edit/" in by_org[other][3]
        mailed = [row for row in rows if "@" in row[2]]
        assert mailed and all(row[3] == "(not sent: link revoked)" for row in mailed)
        active = {g[0] for g in _active(store)}
        assert len(_grants(store)) == before + len(rows) and len(active) == len(rows) - len(mailed)


def test_reminders_and_invites_still_reach_a_working_mail_server(smtp_server, request, tmp_path: Path) -> None:
    controller, inbox = smtp_server
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        org = record_in(store, "organizations", "송파구")
        env = env_of(settings, SEMAP_SMTP_HOST="127.0.0.1", SEMAP_SMTP_PORT=str(controller.port))
        out = semap("access", "invite", org, "--email", "Owner@Example.ORG", env=env)
        assert re.match(r"sent to Owner@example\.org: grant \w+", out.stdout.decode())
        assert [m["To"] for m in inbox.mails] == ["Owner@example.org"] and len(_active(store)) == 1
