"""The source manifest (semap/data/sources.toml): what each external file is and how to read it."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from semap.errors import GeodataError


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    base_url: str
    dir: str
    encoding: str
    crs: str
    vintage: str
    licence: str
    files: dict[str, str]  # file name -> sha256

    def url(self, file_name: str) -> str:
        return f"{self.base_url.rstrip('/')}/{file_name}"


@dataclass(frozen=True)
class MonthlySource:
    """A source released monthly as one zip (juso.go.kr): which file a month is, and what must be inside."""

    name: str
    title: str
    base_url: str
    dir: str
    encoding: str
    crs: str
    licence: str
    file_pattern: str  # e.g. "{month}_위치정보요약DB_전체분.zip"
    members: tuple[str, ...]
    releases: dict[str, str]  # month -> sha256, where a release has been pinned

    def file_name(self, month: str) -> str:
        return self.file_pattern.format(month=month)


T = TypeVar("T")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the source manifest: {exc}") from None


def _load(path: Path, monthly: bool, make: Callable[[str, dict[str, Any]], T]) -> dict[str, T]:
    """Every source of one kind in the manifest, each made by ``make``; a missing field is named."""
    sources = {}
    for name, entry in _read(path).items():
        if (entry.get("kind") == "monthly") != monthly:
            continue
        try:
            sources[name] = make(name, entry)
        except KeyError as exc:
            raise GeodataError(f"{path}: source [{name}] lacks the field {exc.args[0]!r}") from None
    return sources


def _common(entry: dict[str, Any]) -> dict[str, str]:
    """The fields every source has, fixed or monthly (a missing one raises KeyError, named by _load)."""
    return {key: entry[key] for key in ("title", "base_url", "dir", "encoding", "crs", "licence")}


def load_monthly(path: Path) -> dict[str, MonthlySource]:
    return _load(
        path,
        True,
        lambda name, entry: MonthlySource(
            name=name,
            **_common(entry),
            file_pattern=entry["file_pattern"],
            members=tuple(entry["members"]),
            releases={str(k): v for k, v in entry.get("releases", {}).items()},
        ),
    )


def load_manifest(path: Path) -> dict[str, Source]:
    """The fixed sources (files with pinned checksums); monthly releases are load_monthly's."""
    return _load(
        path,
        False,
        lambda name, entry: Source(
            name=name,
            **_common(entry),
            vintage=str(entry["vintage"]),
            files=dict(entry["files"]),
        ),
    )
