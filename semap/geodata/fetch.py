"""Bring source files into the data folder, from a local mirror or by download, verified by sha256."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from semap.errors import ChecksumMismatch, GeodataError
from semap.geodata.manifest import Source


@dataclass(frozen=True)
class FetchedFile:
    path: Path
    origin: str  # "cached", "mirror" or the URL it came from


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(path: Path, expected: str, origin: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        path.unlink(missing_ok=True)
        raise ChecksumMismatch(f"{path.name} from {origin}: sha256 {actual} does not match the manifest ({expected})")


@retry(
    retry=retry_if_exception_type((httpx.TransportError, httpx.HTTPStatusError)),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
def download(url: str, target: Path, timeout_s: float) -> None:
    with httpx.stream("GET", url, timeout=timeout_s, follow_redirects=True) as response:
        response.raise_for_status()
        with target.open("wb") as fh:
            for chunk in response.iter_bytes():
                fh.write(chunk)


def mirror_hint(mirror: Path | None, folder: str, name: str) -> str:
    """How to work offline instead: the layout a mirror folder needs (one folder per source, as in the manifest)."""
    if mirror is not None:
        return f"not in the mirror either: expected {mirror / folder / name}"
    return f"to work offline, set SEMAP_GEODATA_MIRROR to a folder holding <mirror>/{folder}/{name}"


def fetch_source(source: Source, dest_root: Path, mirror: Path | None, timeout_s: float = 60.0) -> list[FetchedFile]:
    """Make every file of ``source`` present and verified under ``dest_root/<source.dir>``.

    A verified file already there is kept; otherwise the mirror is preferred, then the URL. The file is
    written beside its final name and renamed only after its checksum matches, so a broken fetch never
    leaves a half file that a later run would trust.
    """
    dest = dest_root / source.dir
    dest.mkdir(parents=True, exist_ok=True)
    fetched = []
    for name, expected in source.files.items():
        target = dest / name
        if target.exists() and sha256_of(target) == expected:
            fetched.append(FetchedFile(target, "cached"))
            continue
        partial = target.with_name(target.name + ".part")
        mirrored = mirror / source.dir / name if mirror else None
        if mirrored is not None and mirrored.is_file():
            shutil.copyfile(mirrored, partial)
            origin = str(mirrored)
        else:
            origin = source.url(name)
            try:
                download(origin, partial, timeout_s)
            except httpx.HTTPError as exc:
                partial.unlink(missing_ok=True)
                raise GeodataError(
                    f"{name}: download from {origin} failed: {exc} ({mirror_hint(mirror, source.dir, name)})"
                ) from None
        _verify(partial, expected, origin)
        partial.replace(target)
        fetched.append(FetchedFile(target, origin))
    return fetched
