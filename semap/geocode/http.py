"""What the HTTP adapters share: one client call, provider failures mapped onto SeMap's error tree."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from semap.errors import (
    GeocoderAuthenticationFailed,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderTimedOut,
    GeocoderUnavailable,
)


def get_json(provider: str, url: str, params: dict[str, Any], headers: dict[str, str], timeout_s: float) -> Any:
    try:
        response = httpx.get(url, params=params, headers=headers, timeout=timeout_s)
    except httpx.TimeoutException:
        raise GeocoderTimedOut(f"{provider}: no answer within {timeout_s:g} s") from None
    except httpx.TransportError as exc:
        raise GeocoderUnavailable(f"{provider}: cannot reach {url}: {exc}") from None
    if response.status_code in (401, 403):
        raise GeocoderAuthenticationFailed(f"{provider}: the API key was refused (HTTP {response.status_code})")
    if response.status_code == 429:
        raise GeocoderQuotaExceeded(f"{provider}: rate limit or quota exceeded (HTTP 429)")
    if response.status_code >= 500:
        raise GeocoderUnavailable(f"{provider}: server error (HTTP {response.status_code})")
    if response.status_code >= 400:
        raise GeocoderParseError(f"{provider}: request rejected (HTTP {response.status_code}): {response.text[:200]}")
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise GeocoderParseError(f"{provider}: the answer is not JSON: {response.text[:80]!r}") from None


def number(provider: str, value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GeocoderParseError(f"{provider}: {what} is not a number: {value!r}") from None
