"""`semap access invite` and `reminders` print links: with SEMAP_PUBLIC_URL unset they point to localhost, which
nobody but this machine can open — the command says so on stderr; with it set, the links use it, silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.living import env_of, record_in, writable_store
from tests.test_cli import semap


def test_invite_warns_when_links_would_point_to_localhost(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        org = record_in(store, "organizations", "송파구")
    unset = semap("access", "invite", org, env=env_of(settings))
    assert "http://localhost:8000/edit/" in unset.stdout.decode()
    warning = unset.stderr.decode()
    assert "SEMAP_PUBLIC_URL is not set" in warning and "localhost:8000" in warning

    reminders = semap("access", "reminders", "--district", "송파구", env=env_of(settings))
    assert "SEMAP_PUBLIC_URL is not set" in reminders.stderr.decode()

    public = semap("access", "invite", org, env=env_of(settings, SEMAP_PUBLIC_URL="https://semap.example.org/"))
    assert "https://semap.example.org/edit/" in public.stdout.decode()
    assert "SEMAP_PUBLIC_URL" not in public.stderr.decode()
