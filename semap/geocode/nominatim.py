"""OpenStreetMap Nominatim through geopy; geopy's errors are mapped onto SeMap's error tree."""

from __future__ import annotations

from urllib.parse import urlparse

from geopy import exc as geopy_errors
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim as GeopyNominatim

from semap.errors import (
    GeocoderAuthenticationFailed,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from semap.geocode.address import ParsedAddress
from semap.geocode.types import Location

BUILDING_CLASSES = {"building", "house", "amenity", "office", "shop"}
ERRORS = (
    (geopy_errors.GeocoderAuthenticationFailure, GeocoderAuthenticationFailed),
    (geopy_errors.GeocoderInsufficientPrivileges, GeocoderAuthenticationFailed),
    (geopy_errors.GeocoderQuotaExceeded, GeocoderQuotaExceeded),
    (geopy_errors.GeocoderRateLimited, GeocoderQuotaExceeded),
    (geopy_errors.GeocoderTimedOut, GeocoderTimedOut),
    (geopy_errors.GeocoderParseError, GeocoderParseError),
    (geopy_errors.GeocoderServiceError, GeocoderUnavailable),
)


class Nominatim:
    name = "nominatim"

    def __init__(self, user_agent: str, base_url: str = "https://nominatim.openstreetmap.org", timeout_s: float = 10.0):
        url = urlparse(base_url)
        # URLLibAdapter: no hidden retries inside geopy (they turn timeouts into "unavailable"); SeMap's
        # Retried wrapper does the retrying.
        self._geocoder = GeopyNominatim(
            user_agent=user_agent,
            domain=url.netloc + url.path.rstrip("/"),
            scheme=url.scheme,
            timeout=timeout_s,
            adapter_factory=URLLibAdapter,
        )

    def geocode(self, address: ParsedAddress) -> Location | None:
        try:
            found = self._geocoder.geocode(address.canonical, addressdetails=False, country_codes="kr")
        except geopy_errors.GeopyError as exc:
            for geopy_type, ours in ERRORS:
                if isinstance(exc, geopy_type):
                    raise ours(f"nominatim: {exc}") from None
            raise GeocoderUnavailable(f"nominatim: {exc}") from None
        except ValueError as exc:  # geopy lets a malformed JSON body through as a ValueError
            raise GeocoderParseError(f"nominatim: the answer is not JSON: {exc}") from None
        if found is None:
            return None
        raw = found.raw if isinstance(found.raw, dict) else {}
        precise = raw.get("class") in BUILDING_CLASSES or raw.get("addresstype") in BUILDING_CLASSES
        return Location(
            lon=float(found.longitude),
            lat=float(found.latitude),
            match_type="building" if precise else "road",
            confidence=0.8 if precise else 0.4,
            geocoder=self.name,
            matched_address=found.address,
        )
