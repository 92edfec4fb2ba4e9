"""VWorld geocoder (GET /req/address?service=address&request=getcoord), road addresses then lot addresses.

VWorld answers HTTP 200 with its own status field; its error codes map onto SeMap's error tree.
"""

from __future__ import annotations

from semap.errors import GeocoderAuthenticationFailed, GeocoderParseError, GeocoderQuotaExceeded, GeocoderUnavailable
from semap.geocode.address import ParsedAddress
from semap.geocode.http import get_json, number
from semap.geocode.types import Location

AUTH_CODES = {"INVALID_KEY", "UNAVAILABLE_KEY", "INCORRECT_KEY", "NOT_FOUND_KEY"}
QUOTA_CODES = {"OVER_REQUEST_LIMIT", "LIMIT_EXCEEDED"}


class VWorld:
    name = "vworld"

    def __init__(self, api_key: str, base_url: str = "https://api.vworld.kr", timeout_s: float = 10.0) -> None:
        self._url = f"{base_url.rstrip('/')}/req/address"
        self._key = api_key
        self._timeout_s = timeout_s

    def _request(self, text: str, kind: str) -> dict | None:
        params = {
            "service": "address",
            "request": "getcoord",
            "version": "2.0",
            "crs": "epsg:4326",
            "address": text,
            "refine": "true",
            "simple": "false",
            "format": "json",
            "type": kind,
            "key": self._key,
        }
        body = get_json(self.name, self._url, params, {}, self._timeout_s)
        try:
            response = body["response"]
            status = response["status"]
        except (KeyError, TypeError):
            raise GeocoderParseError("vworld: the answer has no response.status") from None
        if status == "NOT_FOUND":
            return None
        if status == "ERROR":
            code = str(response.get("error", {}).get("code", ""))
            text_ = response.get("error", {}).get("text", "")
            if code in AUTH_CODES:
                raise GeocoderAuthenticationFailed(f"vworld: the API key was refused ({code})")
            if code in QUOTA_CODES:
                raise GeocoderQuotaExceeded(f"vworld: request limit exceeded ({code})")
            raise GeocoderUnavailable(f"vworld: {code} {text_}".strip())
        if status != "OK":
            raise GeocoderParseError(f"vworld: unknown status {status!r}")
        return response

    def geocode(self, address: ParsedAddress) -> Location | None:
        kind = "road" if address.road else "parcel"
        response = self._request(address.canonical, kind)
        if response is None:
            return None
        try:
            point = response["result"]["point"]
        except (KeyError, TypeError):
            raise GeocoderParseError("vworld: the answer has no result.point") from None
        refined = (response.get("refined") or {}).get("text")
        return Location(
            lon=number(self.name, point.get("x"), "x"),
            lat=number(self.name, point.get("y"), "y"),
            match_type="building" if kind == "road" else "lot",
            confidence=0.9,
            geocoder=self.name,
            matched_address=refined,
        )
