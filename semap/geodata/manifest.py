"""The source manifest (semap/data/sources.toml): what each external file is and how to read it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

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


def load_manifest(path: Path) -> dict[str, Source]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the source manifest: {exc}") from None
    sources = {}
    for name, entry in raw.items():
        try:
            sources[name] = Source(
                name=name,
                title=entry["title"],
                base_url=entry["base_url"],
                dir=entry["dir"],
                encoding=entry["encoding"],
                crs=entry["crs"],
                vintage=str(entry["vintage"]),
                licence=entry["licence"],
                files=dict(entry["files"]),
            )
        except KeyError as exc:
            raise GeodataError(f"{path}: source [{name}] lacks the field {exc.args[0]!r}") from None
    return sources
