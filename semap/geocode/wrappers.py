"""Cross-cutting behaviour as wrappers around any Geocoder (not subclasses): caching, retries, rate limiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from semap.errors import GeocoderTimedOut, GeocoderUnavailable
from semap.geocode.address import ParsedAddress
from semap.geocode.types import Geocoder, Location
from semap.store.base import Store


class Cached:
    """A persistent cache in the store, keyed by provider and normalized address; misses are cached too, so a
    rerun sends no repeated request."""

    def __init__(self, inner: Geocoder, store: Store) -> None:
        self.inner, self.name, self._store = inner, inner.name, store
        self.requests = 0  # calls that reached the provider

    def geocode(self, address: ParsedAddress) -> Location | None:
        rows = self._store.overlay.fetch(
            "SELECT lon, lat, match_type, confidence, matched_address FROM geocode_cache "
            "WHERE geocoder = :geocoder AND query = :query",
            {"geocoder": self.name, "query": address.canonical},
        )
        if rows:
            lon, lat, match_type, confidence, matched = rows[0]
            return None if match_type == "none" else Location(lon, lat, match_type, confidence, self.name, matched)
        self.requests += 1
        found = self.inner.geocode(address)
        row = {
            "geocoder": self.name,
            "query": address.canonical,
            "lon": found.lon if found else None,
            "lat": found.lat if found else None,
            "match_type": found.match_type if found else "none",
            "confidence": found.confidence if found else 0.0,
            "matched_address": found.matched_address if found else None,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self._store.overlay.transaction() as tx:
            tx.execute("DELETE FROM geocode_cache WHERE geocoder = :geocoder AND query = :query", row)
            tx.execute(
                "INSERT INTO geocode_cache (geocoder, query, lon, lat, match_type, confidence, matched_address, "
                "created_at) VALUES (:geocoder, :query, :lon, :lat, :match_type, :confidence, :matched_address, "
                ":created_at)",
                row,
            )
        return found


class Retried:
    """Retries passing failures (timeouts, unreachable, 5xx) with exponential back-off; others fail at once."""

    def __init__(self, inner: Geocoder, attempts: int = 3, wait_s: float = 0.5) -> None:
        self.inner, self.name = inner, inner.name
        self._retrying = Retrying(
            retry=retry_if_exception_type((GeocoderTimedOut, GeocoderUnavailable)),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=wait_s, max=10 * wait_s),
            reraise=True,
        )

    def geocode(self, address: ParsedAddress) -> Location | None:
        return self._retrying(self.inner.geocode, address)


class RateLimited:
    """At most one request per ``min_interval_s`` (Nominatim's policy is one per second)."""

    def __init__(
        self,
        inner: Geocoder,
        min_interval_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner, self.name = inner, inner.name
        self._interval, self._clock, self._sleep = min_interval_s, clock, sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def geocode(self, address: ParsedAddress) -> Location | None:
        with self._lock:
            if self._last is not None:
                wait = self._interval - (self._clock() - self._last)
                if wait > 0:
                    self._sleep(wait)
            self._last = self._clock()
        return self.inner.geocode(address)
