"""The deployment as a user meets it: docker-compose.yml wiring, its health check run against a database that
starts late, the app waiting for the database (bounded), the Dockerfile, the README commands. No Docker engine
here: what can be run (the health check's command, `semap serve` and `semap build`) is run, the rest is read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.browser import _free_port
from tests.loopback import late_forwarder

REPO = Path(__file__).resolve().parent.parent


def test_compose_wires_postgis_and_the_app() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    postgis, app = services["postgis"], services["app"]
    assert postgis["image"].startswith("postgis/postgis:")
    volume = postgis["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert app["build"] == "."
    assert app["depends_on"]["postgis"]["condition"] == "service_healthy"
    url = app["environment"]["SEMAP_DATABASE_URL"]
    env = postgis["environment"]
    assert url == (
        f"postgresql+psycopg://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@postgis:5432/{env['POSTGRES_DB']}"
    )
    assert "8000:8000" in app["ports"]


def test_dockerfile_builds_then_serves() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "pip wheel" in dockerfile and "/wheels/*.whl" in dockerfile  # the image runs the wheel
    assert re.search(r"semap build && semap serve", dockerfile)
    assert "SEMAP_HOST=0.0.0.0" in dockerfile


def test_readme_gives_the_two_commands_that_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    assert blocks[0].strip() == "bash scripts/up.sh"
    assert blocks[1].strip() == "bash scripts/test.sh"
    for script in ("scripts/up.sh", "scripts/test.sh"):
        assert (REPO / script).is_file()
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_database_health_check_asks_over_tcp_as_the_app_connects() -> None:
    """On a first start the postgis image's init server answers on the Unix socket only; a check there said
    "healthy" before the server the app connects to listened (docker-library/postgres#880)."""
    check = _compose()["services"]["postgis"]["healthcheck"]["test"]
    assert check[0] == "CMD"
    opens = threading.Event()
    with late_forwarder(("127.0.0.1", 5432), opens) as port:
        command = [part.replace("5432", str(port)) for part in check[1:]]
        assert subprocess.run(command, capture_output=True).returncode != 0  # nothing listens on TCP yet
        opens.set()
        deadline = time.monotonic() + 30
        while subprocess.run(command, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the health check never passed once the database listened"
            time.sleep(0.3)


def test_compose_restarts_what_stops() -> None:
    services = _compose()["services"]
    assert {services[name].get("restart") for name in ("postgis", "app")} <= {"unless-stopped", "always"}


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATABASE_URL=database_url, SEMAP_BASEMAP_URL="", **extra)
    return env


@pytest.mark.postgis
def test_semap_serve_waits_for_a_database_that_accepts_connections_later(request: pytest.FixtureRequest) -> None:
    from tests.conftest import built_settings_for

    url = make_url(built_settings_for("postgis", request).database_url)
    opens, said = threading.Event(), []

    def listen(stream) -> None:  # the database starts accepting once semap serve has said it is waiting
        for line in stream:
            said.append(line)
            if line.startswith("semap: waiting for the database"):
                opens.set()

    with late_forwarder((url.host or "127.0.0.1", url.port or 5432), opens) as port:
        late = url.set(port=port).render_as_string(hide_password=False)
        http = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "semap.cli.main", "serve", "--port", str(http)],
            env=_env(late),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        reader = threading.Thread(target=listen, args=(server.stderr,), daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, f"semap serve gave up: {''.join(said)}"
                try:
                    if httpx.get(f"http://127.0.0.1:{http}/api/v1/meta", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"semap serve did not answer within 120 s: {''.join(said)}"
                time.sleep(0.3)
        finally:
            server.terminate()
            server.wait(timeout=30)
            reader.join(timeout=10)
    assert opens.is_set() and not any("Traceback" in line for line in said)


def test_semap_build_waits_a_bounded_time_and_says_why_in_one_line() -> None:
    nothing = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/semap"
    started = time.monotonic()
    gave_up = subprocess.run(
        [sys.executable, "-m", "semap.cli.main", "build"],
        env=_env(nothing, SEMAP_DB_WAIT_S="3"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = gave_up.stderr.strip().splitlines()
    assert gave_up.returncode == 1 and "Traceback" not in gave_up.stderr
    assert all(line.startswith("semap: waiting for the database") for line in lines[:-1]) and len(lines) >= 3
    assert lines[-1].startswith("semap: error: cannot connect to PostGIS") and "(waited 3 s" in lines[-1]
    assert time.monotonic() - started < 60  # bounded: 3 s of waiting and the command's start
    # A failure that waiting does not mend is said at once.
    missing = subprocess.run(
        [sys.executable, "-m", "semap.cli.main", "build"],
        env=_env("postgresql+psycopg://postgres@127.0.0.1:5432/semap_no_such_database", SEMAP_DB_WAIT_S="60"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and missing.stderr.strip().splitlines() == [
        line for line in missing.stderr.strip().splitlines() if line.startswith("semap: error:")
    ]
    assert "does not exist" in missing.stderr
