"""Resolve the manifest's sources to verified local folders."""

from __future__ import annotations

from pathlib import Path

from semap.geodata.fetch import FetchedFile, fetch_source
from semap.geodata.manifest import Source, load_manifest
from semap.settings import GeodataSettings

BOUNDARIES_SOURCE = "kostat-2013"


def manifest(settings: GeodataSettings) -> dict[str, Source]:
    return load_manifest(settings.geodata_dir / "sources.toml")


def fetch_all(settings: GeodataSettings) -> dict[str, list[FetchedFile]]:
    return {
        name: fetch_source(source, settings.download_dir, settings.geodata_mirror, settings.download_timeout_s)
        for name, source in manifest(settings).items()
    }


def source_folder(settings: GeodataSettings, name: str) -> tuple[Source, Path]:
    """The source's verified local folder, fetching what is missing."""
    source = manifest(settings)[name]
    fetch_source(source, settings.download_dir, settings.geodata_mirror, settings.download_timeout_s)
    return source, settings.download_dir / source.dir
