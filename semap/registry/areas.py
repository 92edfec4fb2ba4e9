"""The study area: which registry rows are the map's (a national file's rows of other 시도 are not)."""

from __future__ import annotations

from semap.geocode.address import AddressError, normalize
from semap.geodata.sido import canonical_sido, sigungu_names
from semap.registry.formats import RegistryFormat
from semap.registry.read import SourceRow

STUDY_AREA = "서울특별시"


def outside_area(row: SourceRow, fmt: RegistryFormat, study_area: str = STUDY_AREA) -> str | None:
    """The 시도 a row is in, when that is not the study area (None: inside, or not stated). A national file's 시도
    column says it (``area = "sido"``); in every layout the address's own 시도 does too, so a Busan address in a
    Seoul list is never loaded as Seoul's, except in a register of the area's own designations."""
    if fmt.area == "designation":
        return None
    if fmt.area == "sido":
        sido = canonical_sido(row.values.get("sido", ""))
        if sido and sido != study_area:
            return sido
    place, sidos = address_sidos(row.values.get("address", ""))
    if sidos and study_area not in sidos:
        return sidos[0] if len(sidos) == 1 else f"{place} ({', '.join(sidos)})"
    return None


def address_sidos(text: str) -> tuple[str, tuple[str, ...]]:
    """The 시도 an address can be in, and the words that say so: written ('부산 중구 …', glued
    '서울특별시강남구…'), or a 시군구 without one ('해운대구 …': 부산광역시; '동구 …': six cities, none Seoul).
    Nothing for an address naming neither (a Seoul registry's '테헤란로 1'), or a 시군구 no 시도 has (a typo)."""
    if not text.strip():
        return "", ()
    try:
        parsed = normalize(text)
    except AddressError:
        sido = canonical_sido(text)
        return (sido, (sido,)) if sido else ("", ())
    if parsed.sido:
        return parsed.sido, (parsed.sido,)
    if parsed.district:
        return parsed.district, tuple(s for s, names in sigungu_names().items() if parsed.district in names)
    return "", ()
