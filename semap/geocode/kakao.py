"""Kakao Local address search (GET /v2/local/search/address.json, header `Authorization: KakaoAK <key>`)."""

from __future__ import annotations

from semap.errors import GeocoderParseError
from semap.geocode.address import ParsedAddress
from semap.geocode.http import get_json, number
from semap.geocode.types import Location

# address_type of the first document -> how precise the point is
MATCH_TYPES = {
    "ROAD_ADDR": ("building", 0.95),
    "REGION_ADDR": ("lot", 0.9),
    "ROAD": ("road", 0.5),
    "REGION": ("dong", 0.3),
}


class KakaoLocal:
    name = "kakao"

    def __init__(self, api_key: str, base_url: str = "https://dapi.kakao.com", timeout_s: float = 10.0) -> None:
        self._url = f"{base_url.rstrip('/')}/v2/local/search/address.json"
        self._headers = {"Authorization": f"KakaoAK {api_key}"}
        self._timeout_s = timeout_s

    def geocode(self, address: ParsedAddress) -> Location | None:
        body = get_json(self.name, self._url, {"query": address.canonical}, self._headers, self._timeout_s)
        try:
            documents = body["documents"]
        except (KeyError, TypeError):
            raise GeocoderParseError("kakao: the answer has no 'documents'") from None
        if not documents:
            return None
        first = documents[0]
        match_type, confidence = MATCH_TYPES.get(first.get("address_type"), ("dong", 0.3))
        return Location(
            lon=number(self.name, first.get("x"), "x"),
            lat=number(self.name, first.get("y"), "y"),
            match_type=match_type,
            confidence=confidence,
            geocoder=self.name,
            matched_address=first.get("address_name"),
        )
