"""Installed like a real package: the wheel, in a clean virtualenv outside the checkout, builds and serves.

Nothing at run time may read the source tree: formats, vocabularies, the crosswalk, the source manifest, the
demo registry, templates and static assets all come from the installed package.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_wheel_installed_outside_the_checkout_builds_and_serves(tmp_path: Path, mirror: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEMAP_", "VIRTUAL_ENV", "PYTHON"))}
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(REPO)],
        tmp_path,
        env,
    )
    wheel = next(wheels.glob("semap-*.whl"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    _run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], tmp_path, env)
    semap = str(venv / "bin" / "semap")
    work = tmp_path / "elsewhere"  # not the checkout: relative paths cannot reach the source tree
    work.mkdir()
    env.update(SEMAP_DATA_DIR=str(work / "data"), SEMAP_GEODATA_MIRROR=str(mirror), SEMAP_BASEMAP_URL="")
    built = _run([semap, "build"], work, env)
    assert "organizations 1871" in built and "resources 555" in built
    located = _run([str(venv / "bin" / "python"), "-c", "import semap; print(semap.__file__)"], work, env)
    assert str(REPO) not in located  # the installed copy answered, not the checkout

    port = _free_port()
    server = subprocess.Popen(
        [semap, "serve", "--port", str(port)], cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = httpx.get(base + "/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            server.terminate()
            _, stderr = server.communicate(timeout=30)
            raise AssertionError(f"semap serve did not answer within 60 s: {stderr.decode(errors='replace')[-2000:]}")
        assert health.json()["districts"] == 25
        assert "이름·주소 검색" in httpx.get(base + "/").text  # the interface catalogues came with the wheel
        assert "Search name or address" in httpx.get(base + "/", params={"lang": "en"}).text
        assert httpx.get(base + "/districts/종로구").status_code == 200
        assert httpx.get(base + "/static/vendor/leaflet-1.9.4/leaflet.js").status_code == 200
        assert httpx.get(base + "/docs").status_code == 200
        assert httpx.get(base + "/api/v1/organizations", params={"type": "마을기업"}).json()["numberMatched"] == 111
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_declared_setuptools_builds_the_wheel_and_the_release_before_it_does_not(tmp_path: Path) -> None:
    """`project.license = "MIT"` (an SPDX expression) needs setuptools 77; pyproject.toml asked for 69, and a
    build with an older setuptools stopped with "`project.license` must be valid exactly by one definition"."""
    import tomllib

    requires = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    declared = next(r for r in requires if r.startswith("setuptools"))
    minimum = int(declared.removeprefix("setuptools>=").split(".")[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEMAP_", "VIRTUAL_ENV", "PYTHON"))}
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    pip = str(venv / "bin" / "pip")
    build = [pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(tmp_path), str(REPO)]
    _run([pip, "install", "--quiet", f"setuptools~={minimum - 1}.0"], tmp_path, env)
    older = subprocess.run(build, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert older.returncode != 0 and "project.license" in older.stdout + older.stderr
    _run([pip, "install", "--quiet", f"setuptools~={minimum}.0"], tmp_path, env)
    _run(build, tmp_path, env)
    assert next(tmp_path.glob("semap-*.whl")).stat().st_size > 0
