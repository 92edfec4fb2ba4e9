"""Who is asking, as the per-address limits see it, through a real `semap serve` (uvicorn) on loopback: the peer
of the connection unless SEMAP_TRUSTED_PROXIES names the proxy it came through. A client that sets its own
X-Forwarded-For must not get a fresh address for every request (it did: uvicorn believes loopback by default)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from semap.settings import ApiSettings
from tests.browser import _free_port
from tests.living import PASSWORD, add_coordinator, record_in, writable_store

WRONG = {"email": "nobody@example.org", "password": "not the password"}


@contextmanager
def semap_serve(data_dir: Path, **settings: str) -> Iterator[httpx.Client]:
    """`semap serve` as an operator starts it, on a port of its own; a client of it."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(data_dir), SEMAP_BASEMAP_URL="", **settings)
    command = [sys.executable, "-m", "semap.cli.main", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "semap serve did not answer within 60 s"
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)


def _logins(client: httpx.Client, forwarded_for: list[str]) -> list[int]:
    return [client.post("/login", data=WRONG, headers={"X-Forwarded-For": ip}).status_code for ip in forwarded_for]


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        add_coordinator(store, "songpa@example.org", "송파구")
        resource = record_in(store, "resources", "송파구")
    with semap_serve(settings.data_dir, SEMAP_REPORTS_PER_HOUR="3") as client:
        statuses = _logins(client, [f"203.0.113.{i}" for i in range(11)])
        assert statuses == [401] * 10 + [429]  # a new X-Forwarded-For each time changes nothing
        reports = [
            client.post(
                f"/report/resources/{resource}", data={"message": "문을 닫았어요"}, headers={"X-Forwarded-For": ip}
            ).status_code
            for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4")
        ]
        assert reports == [200, 200, 200, 429]
        signed = client.post(
            "/login",
            data={"email": "songpa@example.org", "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"},
        )
        assert signed.status_code == 429  # this address is over its login limit, whatever it claims


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        add_coordinator(store, "songpa@example.org", "송파구")
    with semap_serve(settings.data_dir, SEMAP_TRUSTED_PROXIES="127.0.0.1,::1") as client:
        assert _logins(client, [f"203.0.113.{i}" for i in range(12)]) == [401] * 12  # twelve clients
        assert _logins(client, ["198.51.100.7"] * 11) == [401] * 10 + [429]  # one client, over its limit
        signed = client.post(
            "/login",
            data={"email": "songpa@example.org", "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"},
        )
        assert signed.status_code == 303
        assert all("secure" in cookie.lower() for cookie in signed.headers.get_list("set-cookie"))


def test_a_trusted_proxy_must_be_an_address() -> None:
    assert ApiSettings(trusted_proxies="10.0.0.2, 10.1.0.0/16").forwarding() == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.0.0.2", "10.1.0.0/16"],
    }
    assert ApiSettings().forwarding() == {"proxy_headers": False, "forwarded_allow_ips": []}
    with pytest.raises(ValueError, match="not an IP address or network"):
        ApiSettings(trusted_proxies="proxy.internal")
