"""The study area: which registry rows are the map's (a national file's rows of other 시도 are not)."""

from __future__ import annotations

from semap.geodata.sido import canonical_sido
from semap.registry.formats import RegistryFormat
from semap.registry.read import SourceRow

STUDY_AREA = "서울특별시"


def outside_area(row: SourceRow, fmt: RegistryFormat, study_area: str = STUDY_AREA) -> str | None:
    """The 시도 a row says it is in, when that is not the study area (None: inside, or not stated)."""
    if fmt.area is None:
        return None
    sido = canonical_sido(row.values.get("sido" if fmt.area == "sido" else "address", ""))
    return sido if sido and sido != study_area else None
