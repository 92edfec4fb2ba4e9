"""The deployment files as a user reads them: docker-compose.yml wiring, Dockerfile, README commands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_compose_wires_postgis_and_the_app() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    postgis, app = services["postgis"], services["app"]
    assert postgis["image"].startswith("postgis/postgis:")
    assert "pg_isready" in " ".join(postgis["healthcheck"]["test"])
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
