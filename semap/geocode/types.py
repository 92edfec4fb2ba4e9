"""The geocoding interface: one method, one value object. Providers are thin adapters behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from semap.geocode.address import ParsedAddress

# How well a record was placed, best first. "manual" is a person's pin; "none" means not placed at all.
MATCH_TYPES = ("manual", "building", "lot", "road", "dong", "district", "none")


@dataclass(frozen=True)
class Location:
    lon: float
    lat: float
    match_type: str
    confidence: float  # 0..1, the provider's or SeMap's estimate that the point is at the right building
    geocoder: str
    matched_address: str | None = None


class Geocoder(Protocol):
    """Build a request from a normalized address, parse the answer into a Location; None when nothing matched.

    Failures raise semap.errors.GeocoderError subclasses, never provider-specific exceptions.
    """

    name: str

    def geocode(self, address: ParsedAddress) -> Location | None: ...
