"""Seoul's 25 districts in both code schemes: 행정표준코드 (adm_code) and the KOSTAT census code (kostat_code).

Five 5-digit codes are valid in both schemes and name different districts (11110 is 종로구 as an adm_code and
노원구 as a KOSTAT code), so a code alone is ambiguous: every lookup here names its scheme.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from semap.errors import GeodataError, NotFound
from semap.resources import PACKAGE_DATA_DIR

CROSSWALK_PATH = PACKAGE_DATA_DIR / "districts.csv"


@dataclass(frozen=True)
class District:
    adm_code: str
    kostat_code: str
    name_ko: str
    name_en: str


@cache
def load_crosswalk(path: Path = CROSSWALK_PATH) -> tuple[District, ...]:
    try:
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise GeodataError(f"{path}: cannot read the district crosswalk: {exc}") from None
    districts = tuple(District(r["adm_code"], r["kostat_code"], r["name_ko"], r["name_en"]) for r in rows)
    if len(districts) != 25:
        raise GeodataError(f"{path}: expected 25 districts, found {len(districts)}")
    return districts


def by_adm_code(code: str) -> District:
    for d in load_crosswalk():
        if d.adm_code == code:
            return d
    raise NotFound(f"no district has the 행정표준코드 (adm_code) {code!r}")


def by_kostat_code(code: str) -> District:
    for d in load_crosswalk():
        if d.kostat_code == code:
            return d
    raise NotFound(f"no district has the KOSTAT census code {code!r}")


def spellings() -> list[str]:
    """Every way the filter grammar names a district: 종로구, 종로, Jongno-gu, jongno, adm:11110, kostat:11010, and
    bare codes valid in one scheme only (the OpenAPI document lists them, so the schema and the server agree)."""
    districts = load_crosswalk()
    codes = [c for d in districts for c in (d.adm_code, d.kostat_code)]
    found: list[str] = []
    for d in districts:
        found += [d.name_ko, d.name_ko.removesuffix("구"), d.name_en, d.name_en.removesuffix("-gu")]
        found += [f"adm:{d.adm_code}", f"kostat:{d.kostat_code}"]
        found += [c for c in (d.adm_code, d.kostat_code) if codes.count(c) == 1]
    return list(dict.fromkeys(found))


@cache
def _by_spelling() -> dict[str, District]:
    """Each district under its four names, looked up once per record of a build (a scan cost 13 µs a call)."""
    return {
        spelling: d
        for d in load_crosswalk()
        for spelling in (
            d.name_ko,
            d.name_ko.removesuffix("구"),
            d.name_en.lower(),
            d.name_en.lower().removesuffix("-gu"),
        )
    }


def by_name(name: str) -> District:
    """Korean name (종로구, 종로) or English name (Jongno-gu, jongno), case and spacing ignored."""
    found = _by_spelling().get(name.strip().lower().replace(" ", ""))
    if found is None:
        raise NotFound(f"no Seoul district is called {name!r}")
    return found
