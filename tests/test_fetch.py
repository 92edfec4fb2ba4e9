"""Fetching sources: mirror, real HTTP download from a loopback server, checksum verification."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from semap.errors import ChecksumMismatch, GeodataError
from semap.geodata.fetch import fetch_source
from semap.geodata.manifest import Source, load_manifest
from semap.settings import PACKAGE_DATA_DIR

PAYLOAD = "서울 사회적경제".encode()


def _source(base_url: str, files: dict[str, str]) -> Source:
    return Source("t", "test", base_url, "t", "utf-8", "EPSG:4326", "2013", "test", files)


class _Handler(http.server.SimpleHTTPRequestHandler):
    failures_left: dict[str, int] = {}  # noqa: RUF012 - per-server state set by the fixture

    def do_GET(self) -> None:
        left = self.failures_left.get(self.path, 0)
        if left:
            self.failures_left[self.path] = left - 1
            self.send_error(503, "try again")
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, int]]]:
    root = tmp_path / "www"
    root.mkdir()
    failures: dict[str, int] = {}
    handler = type("H", (_Handler,), {"failures_left": failures})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root, failures
    server.shutdown()


def test_manifest_declares_every_boundary_file() -> None:
    sources = load_manifest(PACKAGE_DATA_DIR / "sources.toml")
    kostat = sources["kostat-2013"]
    assert kostat.crs == "EPSG:5174" and kostat.encoding == "cp949"
    assert {n.rsplit(".", 1)[1] for n in kostat.files} == {"shp", "shx", "dbf"}
    assert all(len(h) == 64 for h in kostat.files.values())
    assert kostat.base_url.startswith("https://")


def test_mirror_files_are_verified_and_copied(tmp_path: Path, geodata_settings, mirror: Path) -> None:
    kostat = load_manifest(PACKAGE_DATA_DIR / "sources.toml")["kostat-2013"]
    fetched = fetch_source(kostat, tmp_path / "dl", mirror)
    assert len(fetched) == 6 and all(f.path.exists() for f in fetched)
    again = fetch_source(kostat, tmp_path / "dl", mirror)
    assert {f.origin for f in again} == {"cached"}


def test_tampered_mirror_file_is_rejected(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "t").mkdir(parents=True)
    (mirror / "t" / "a.bin").write_bytes(PAYLOAD + b"!")
    source = _source("http://127.0.0.1:9/none", {"a.bin": hashlib.sha256(PAYLOAD).hexdigest()})
    with pytest.raises(ChecksumMismatch, match=r"a\.bin"):
        fetch_source(source, tmp_path / "dl", mirror)
    assert list((tmp_path / "dl" / "t").iterdir()) == []


def test_download_over_http_with_retry(tmp_path: Path, http_root) -> None:
    base, root, failures = http_root
    (root / "a.bin").write_bytes(PAYLOAD)
    failures["/a.bin"] = 1  # the first request gets a 503; the retry succeeds
    source = _source(base, {"a.bin": hashlib.sha256(PAYLOAD).hexdigest()})
    fetched = fetch_source(source, tmp_path / "dl", mirror=None)
    assert fetched[0].path.read_bytes() == PAYLOAD
    assert fetched[0].origin == f"{base}/a.bin"
    assert failures["/a.bin"] == 0


def test_missing_remote_file_names_it(tmp_path: Path, http_root) -> None:
    base, _, _ = http_root
    source = _source(base, {"missing.shp": "0" * 64})
    with pytest.raises(GeodataError, match=r"missing\.shp: download from .*404"):
        fetch_source(source, tmp_path / "dl", mirror=None)
    assert not (tmp_path / "dl" / "t" / "missing.shp").exists()


def test_a_failed_download_says_how_a_mirror_is_laid_out(tmp_path: Path) -> None:
    """A newcomer offline met "(set SEMAP_GEODATA_MIRROR to a local copy)" and no word of what that copy holds."""
    kostat = load_manifest(PACKAGE_DATA_DIR / "sources.toml")["kostat-2013"]
    offline = replace(kostat, base_url="http://127.0.0.1:9/none")  # nothing listens: as with no network
    first = next(iter(kostat.files))
    with pytest.raises(GeodataError) as failed:
        fetch_source(offline, tmp_path / "dl", mirror=None)
    assert f"set SEMAP_GEODATA_MIRROR to a folder holding <mirror>/kostat-2013/{first}" in str(failed.value)
    empty = tmp_path / "mirror"
    empty.mkdir()
    with pytest.raises(GeodataError) as failed:
        fetch_source(offline, tmp_path / "dl", mirror=empty)
    assert f"not in the mirror either: expected {empty / 'kostat-2013' / first}" in str(failed.value)
