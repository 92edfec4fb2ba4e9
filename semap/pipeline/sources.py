"""Resolve the manifest's sources to verified local folders."""

from __future__ import annotations

from pathlib import Path

from semap.geodata.fetch import FetchedFile, fetch_source
from semap.geodata.manifest import Source, load_manifest, load_monthly
from semap.geodata.monthly import fetch_release
from semap.settings import GeodataSettings

BOUNDARIES_SOURCE = "kostat-2013"
JUSO_SOURCE = "juso-locsum"


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


def juso_release(settings: GeodataSettings, month: str) -> FetchedFile:
    """The verified 위치정보요약DB zip of ``month`` (kept, mirrored or downloaded)."""
    source = load_monthly(settings.geodata_dir / "sources.toml")[JUSO_SOURCE]
    return fetch_release(
        source, month, settings.download_dir, settings.geodata_mirror, settings.juso_url, settings.download_timeout_s
    )
