"""A monthly release (juso.go.kr's 위치정보요약DB zip): fetched once per month, verified, kept.

Verified before it is kept: not empty, a zip whose every member passes its CRC check, holding the members the
manifest names, and matching the sha256 where that month is pinned. The file is written beside its final name and
renamed only once verified, so a broken download never leaves a zip a later build would trust.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import httpx

from semap.errors import ChecksumMismatch, GeodataError
from semap.geodata.fetch import FetchedFile, download, mirror_hint, sha256_of
from semap.geodata.manifest import MonthlySource


def previous_month(today: date | None = None) -> str:
    """The newest month juso.go.kr has surely published: releases come out during the following month."""
    today = today or date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}{month:02d}"


def check_month(month: str) -> str:
    if len(month) != 6 or not month.isdigit() or not 1 <= int(month[4:]) <= 12:
        raise GeodataError(f"--month {month!r}: write the release as YYYYMM, e.g. 202602")
    return month


def verify_release(path: Path, source: MonthlySource, month: str) -> None:
    name = path.name.removesuffix(".part")
    if path.stat().st_size == 0:
        raise GeodataError(f"{name}: the file is empty")
    pinned = source.releases.get(month)
    if pinned and (actual := sha256_of(path)) != pinned:
        raise ChecksumMismatch(f"{name}: sha256 {actual} does not match the pinned release {month} ({pinned})")
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            inside = {n.rsplit("/", 1)[-1] for n in archive.namelist()}
    except zipfile.BadZipFile as exc:
        raise GeodataError(f"{name}: not a zip archive ({exc}); the download may have been cut short") from None
    if broken is not None:
        raise GeodataError(f"{name}: {broken} is damaged inside the zip (CRC mismatch)")
    missing = [m for m in source.members if m not in inside]
    if missing:
        raise GeodataError(f"{name}: {', '.join(missing)} missing from the zip")


def fetch_release(
    source: MonthlySource,
    month: str,
    dest_root: Path,
    mirror: Path | None,
    base_url: str | None = None,
    timeout_s: float = 600.0,
) -> FetchedFile:
    """The verified zip of ``month`` under ``dest_root/<dir>/``: kept if there, else from the mirror, else
    downloaded from ``base_url`` (default: the manifest's)."""
    name = source.file_name(check_month(month))
    target = dest_root / source.dir / name
    if target.is_file():
        verify_release(target, source, month)
        return FetchedFile(target, "cached")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    mirrored = mirror / source.dir / name if mirror else None
    try:
        if mirrored is not None and mirrored.is_file():
            shutil.copyfile(mirrored, partial)
            origin = str(mirrored)
        else:
            origin = f"{(base_url or source.base_url).rstrip('/')}/{name}"
            try:
                download(origin, partial, timeout_s)
            except httpx.HTTPError as exc:
                hint = mirror_hint(mirror, source.dir, name)
                raise GeodataError(f"{name}: download from {origin} failed: {exc} ({hint})") from None
        verify_release(partial, source, month)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return FetchedFile(target, origin)
