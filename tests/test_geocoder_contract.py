"""One contract every geocoder adapter passes, against a loopback fake of its real service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from semap.errors import (
    GeocoderAuthenticationFailed,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from semap.geocode.address import normalize
from semap.geocode.kakao import KakaoLocal
from semap.geocode.nominatim import Nominatim
from semap.geocode.types import MATCH_TYPES, Geocoder
from semap.geocode.vworld import VWorld
from tests import fake_geocoders as fake

# Under the fake's slow answer (2 s), well over a normal one even on a loaded machine (0.5 s once timed out there).
TIMEOUT_S = 1.5


@dataclass(frozen=True)
class Adapter:
    name: str
    make: Callable[[str, str], Geocoder]  # (base URL, api key) -> geocoder


ADAPTERS = [
    Adapter("kakao", lambda url, key: KakaoLocal(key, url, timeout_s=TIMEOUT_S)),
    Adapter("vworld", lambda url, key: VWorld(key, url, timeout_s=TIMEOUT_S)),
    Adapter("nominatim", lambda url, key: Nominatim("semap-tests", url, timeout_s=TIMEOUT_S)),
]


@pytest.fixture(params=ADAPTERS, ids=lambda a: a.name)
def adapter(request: pytest.FixtureRequest) -> Iterator[tuple[Adapter, str, list[str]]]:
    with fake.fake_geocoder_server() as (url, requests):
        yield request.param, url, requests


def _address(road: str = "세종대로") -> object:
    return normalize(f"서울특별시 중구 {road} 110")


def test_finds_a_known_building(adapter) -> None:
    spec, url, requests = adapter
    found = spec.make(url, "test-key").geocode(_address())
    assert found is not None
    assert found.geocoder == spec.name
    assert found.match_type in MATCH_TYPES and found.match_type == "building"
    assert abs(found.lon - 126.97797) < 1e-6 and abs(found.lat - 37.56654) < 1e-6
    assert 0 < found.confidence <= 1
    assert requests == ["서울특별시 중구 세종대로 110"]  # the canonical address is what is sent


def test_unknown_address_is_none(adapter) -> None:
    spec, url, _ = adapter
    assert spec.make(url, "test-key").geocode(normalize("서울특별시 중구 세종대로 9999")) is None


@pytest.mark.parametrize(
    ("marker", "error"),
    [
        (fake.UNAUTHORIZED, GeocoderAuthenticationFailed),
        (fake.THROTTLED, GeocoderQuotaExceeded),
        (fake.SLOW, GeocoderTimedOut),
        (fake.MALFORMED, GeocoderParseError),
        (fake.BROKEN, GeocoderUnavailable),
    ],
)
def test_failures_map_onto_one_error_tree(adapter, marker: str, error: type[Exception]) -> None:
    spec, url, _ = adapter
    with pytest.raises(error, match=spec.name):
        spec.make(url, "test-key").geocode(_address(marker))


@pytest.mark.parametrize("spec", [a for a in ADAPTERS if a.name != "nominatim"], ids=lambda a: a.name)
def test_wrong_key_is_an_authentication_failure(spec: Adapter) -> None:
    with fake.fake_geocoder_server() as (url, _), pytest.raises(GeocoderAuthenticationFailed):
        spec.make(url, "wrong-key").geocode(_address())


def test_unreachable_service_is_unavailable() -> None:
    for spec in ADAPTERS:
        with pytest.raises((GeocoderUnavailable, GeocoderTimedOut)):
            spec.make("http://127.0.0.1:9", "test-key").geocode(_address())
