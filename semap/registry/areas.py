"""Korea's 17 시도 as registries write them ("서울", "서울시", "서울특별시", "부산"…), and the study area check."""

from __future__ import annotations

from semap.registry.formats import RegistryFormat
from semap.registry.read import SourceRow

STUDY_AREA = "서울특별시"

SIDO = {
    "서울특별시": ("서울", "서울시", "서울특별시"),
    "부산광역시": ("부산", "부산시", "부산광역시"),
    "대구광역시": ("대구", "대구시", "대구광역시"),
    "인천광역시": ("인천", "인천시", "인천광역시"),
    "광주광역시": ("광주", "광주광역시"),  # not "광주시": that is 경기도 광주시
    "대전광역시": ("대전", "대전시", "대전광역시"),
    "울산광역시": ("울산", "울산시", "울산광역시"),
    "세종특별자치시": ("세종", "세종시", "세종특별자치시"),
    "경기도": ("경기", "경기도"),
    "강원특별자치도": ("강원", "강원도", "강원특별자치도"),
    "충청북도": ("충북", "충청북도"),
    "충청남도": ("충남", "충청남도"),
    "전북특별자치도": ("전북", "전라북도", "전북특별자치도"),
    "전라남도": ("전남", "전라남도"),
    "경상북도": ("경북", "경상북도"),
    "경상남도": ("경남", "경상남도"),
    "제주특별자치도": ("제주", "제주도", "제주특별자치도"),
}
_ALIASES = {alias: name for name, aliases in SIDO.items() for alias in aliases}


def canonical_sido(text: str | None) -> str | None:
    """The official name of the 시도 a cell or an address starts with, or None if it names none."""
    if not text:
        return None
    compact = text.strip()
    first = compact.split()[0] if compact.split() else ""
    if first in _ALIASES:
        return _ALIASES[first]
    # "서울특별시강남구…" glued, or "광주광역시" vs 경기 광주시: the longest alias that begins the text
    for alias in sorted(_ALIASES, key=len, reverse=True):
        if len(alias) >= 3 and compact.startswith(alias):
            return _ALIASES[alias]
    return None


def outside_area(row: SourceRow, fmt: RegistryFormat, study_area: str = STUDY_AREA) -> str | None:
    """The 시도 a row says it is in, when that is not the study area (None: inside, or not stated)."""
    if fmt.area is None:
        return None
    sido = canonical_sido(row.values.get("sido" if fmt.area == "sido" else "address", ""))
    return sido if sido and sido != study_area else None
