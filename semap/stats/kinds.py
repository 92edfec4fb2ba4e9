"""What statistics tables are made of: the choices the API and the CLI offer, without the code computing them."""

from __future__ import annotations

from enum import StrEnum

from semap.errors import NotFound
from semap.registry.model import INDUSTRIES, SEMAP_CATEGORIES, TYPE_PRECEDENCE


class CountBy(StrEnum):
    type = "type"
    subtype = "subtype"
    designation = "designation"
    industry = "industry"
    category = "category"


class LqBy(StrEnum):
    industry = "industry"
    category = "category"
    type = "type"


class Level(StrEnum):
    district = "district"
    dong = "dong"


class ResourcesBy(StrEnum):
    district = "district"
    organization = "organization"


class Measure(StrEnum):
    """What hot spots are computed on: organizations per km² by default (raw counts mostly show large dongs)."""

    density = "density"
    raw_count = "count"  # (not `count`: that is str.count)
    rate = "rate"  # Empirical-Bayes-smoothed per 10,000 residents: needs a declared population source


class HotspotBy(StrEnum):
    all = "all"
    type = "type"
    industry = "industry"
    category = "category"


class ChangeBy(StrEnum):
    all = "all"
    type = "type"
    industry = "industry"


HOTSPOT_VALUES = {HotspotBy.type: TYPE_PRECEDENCE, HotspotBy.industry: INDUSTRIES, HotspotBy.category: SEMAP_CATEGORIES}
NO_POPULATION = (
    "measure=rate needs residents per dong from a declared population source, and none is declared: SeMap ships "
    "no population figures (no openly licensed count of residents per dong of the boundaries' year is bundled). "
    "Use measure=density (organizations per km², the default) or measure=count."
)


def check_choice(measure: Measure, by: HotspotBy, value: str | None) -> str:
    """The value hot spots select organizations by ("" for all of them). A combination with no table is refused
    as not found (like an LQ row of an unknown value), saying why: every parameter alone is valid."""
    if measure is Measure.rate:
        raise NotFound(NO_POPULATION)
    if by is HotspotBy.all:
        if value:
            raise NotFound(
                f"no hot-spot table of value={value!r} for all organizations: add by=type, industry or category"
            )
        return ""
    known = HOTSPOT_VALUES[by]
    if not value:
        raise NotFound(f"hot spots by {by.value} are per value: add value=, one of {', '.join(known)}")
    if value not in known:
        raise NotFound(f"no hot-spot table of {by.value} {value!r}: the {by.value} values are {', '.join(known)}")
    return value
