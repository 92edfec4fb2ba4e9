"""Helpers for the living-data tests: a writable copy of a built store per test, people signed in."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from semap.api.app import create_app
from semap.curation import access
from semap.curation.policy import SYSTEM
from semap.features.filters import resolve_district
from semap.settings import StoreSettings
from semap.store import Store, open_store
from tests.browser import _free_port

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="session")
def postgis_template(request: pytest.FixtureRequest, geodata_settings) -> Iterator[str]:
    """A built PostGIS database nobody stays connected to, so each test can clone it (CREATE DATABASE … TEMPLATE)."""
    from semap.pipeline.build import build

    url = request.getfixturevalue("postgis_database_factory")()
    store = open_store(StoreSettings(database_url=url))
    build(store, geodata_settings)
    store.close()
    yield url


class _Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.mails: list = []

    def handle_message(self, message) -> None:  # type: ignore[override]
        self.mails.append(message)


@pytest.fixture
def smtp_server():
    """A loopback SMTP server (aiosmtpd) and the inbox of what it received."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@contextmanager
def writable_store(backend: str, request: pytest.FixtureRequest, tmp: Path) -> Iterator[tuple[Store, StoreSettings]]:
    """A built store this test may change: a copy of the embedded files, or a clone of the PostGIS template."""
    if backend == "duckdb":
        from tests.conftest import built_settings_for

        source = built_settings_for("duckdb", request).data_dir
        shutil.copytree(source, tmp / "data", symlinks=True, ignore=shutil.ignore_patterns("*.overlay.sqlite*"))
        for overlay in source.glob("*.overlay.sqlite"):
            # Through SQLite, never as a file: closing another descriptor of it releases this process's POSIX locks
            # on it, and a stopping server's last connection then deletes the WAL files under the open built store
            # (its next connection: "disk I/O error").
            with (
                closing(sqlite3.connect(overlay)) as kept,
                closing(sqlite3.connect(tmp / "data" / overlay.name)) as copy,
            ):
                kept.backup(copy)
        settings = StoreSettings(database_url=None, data_dir=tmp / "data")
        store = open_store(settings)
        try:
            yield store, settings
        finally:
            store.close()
        return
    template = make_url(request.getfixturevalue("postgis_template"))
    name = f"semap_l_{uuid.uuid4().hex[:12]}"
    admin = template.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
    settings = StoreSettings(
        database_url=template.set(database=name).render_as_string(hide_password=False), data_dir=tmp / "data"
    )
    store = open_store(settings)
    try:
        yield store, settings
    finally:
        store.close()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_coordinator(store: Store, email: str, district: str) -> None:
    access.add_account(store, SYSTEM, email, "coordinator", [resolve_district(district)], PASSWORD)


def add_admin(store: Store, email: str) -> None:
    access.add_account(store, SYSTEM, email, "admin", [], PASSWORD)


def signed_in(store: Store, email: str, base_url: str = "http://testserver") -> tuple[TestClient, str]:
    """A client with a session cookie, and the CSRF token its forms carry."""
    client = TestClient(create_app(store), base_url=base_url)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/coordinator"})
    assert answer.status_code == 200, answer.text[:300]
    csrf = re.search(r'name="csrf" value="([^"]+)"', answer.text)
    assert csrf, "the dashboard carries a CSRF token"
    return client, csrf.group(1)


def owner_link(store: Store, org_id: str) -> str:
    _, token = access.invite(store, SYSTEM, org_id, None, access.site_secret(store.overlay, None))
    return token


def record_in(store: Store, layer: str, district: str, offset: int = 0) -> str:
    code = resolve_district(district).adm_code
    return store.fetch(
        f"SELECT id FROM {layer} WHERE district_adm_code = :d ORDER BY id LIMIT 1 OFFSET {int(offset)}", {"d": code}
    )[0][0]


def env_of(settings: StoreSettings, **extra: str) -> dict[str, str]:
    """The environment a `semap` command run against this store has."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(settings.data_dir), **extra)
    if settings.database_url:
        env["SEMAP_DATABASE_URL"] = settings.database_url
    return env
