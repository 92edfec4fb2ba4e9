"""`semap build`: load everything SeMap knows into the store, each dataset swapped in atomically."""

from __future__ import annotations

from dataclasses import dataclass

from semap.geodata.boundaries import read_boundaries
from semap.pipeline.sources import BOUNDARIES_SOURCE, source_folder
from semap.settings import GeodataSettings
from semap.store.base import Store


@dataclass(frozen=True)
class BuildSummary:
    districts: int
    dongs: int
    store: str

    def lines(self) -> list[str]:
        return [f"store: {self.store}", f"boundaries: {self.districts} districts, {self.dongs} dongs"]


def build(store: Store, geodata: GeodataSettings) -> BuildSummary:
    source, folder = source_folder(geodata, BOUNDARIES_SOURCE)
    boundaries = read_boundaries(folder, source)
    store.replace_boundaries(boundaries)
    return BuildSummary(store.count("districts"), store.count("dongs"), store.describe())
