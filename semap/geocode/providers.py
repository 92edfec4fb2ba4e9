"""Geocoders looked up by name from settings; online ones wrapped with cache, retries and rate limit."""

from __future__ import annotations

from collections.abc import Callable

from semap.errors import ConfigError
from semap.geocode.kakao import KakaoLocal
from semap.geocode.legal_dong import LegalDongGeocoder
from semap.geocode.nominatim import Nominatim
from semap.geocode.offline import OfflineAddressDatabase
from semap.geocode.types import Geocoder
from semap.geocode.vworld import VWorld
from semap.geocode.wrappers import Cached, RateLimited, Retried
from semap.settings import GeocodeSettings
from semap.store.base import Store


def _key(value: str | None, variable: str, provider: str) -> str:
    if not value:
        raise ConfigError(f"geocoder {provider!r} needs {variable}")
    return value


def _kakao(s: GeocodeSettings) -> Geocoder:
    return KakaoLocal(_key(s.kakao_api_key, "SEMAP_KAKAO_API_KEY", "kakao"), s.kakao_url, s.geocode_timeout_s)


def _vworld(s: GeocodeSettings) -> Geocoder:
    return VWorld(_key(s.vworld_api_key, "SEMAP_VWORLD_API_KEY", "vworld"), s.vworld_url, s.geocode_timeout_s)


def _nominatim(s: GeocodeSettings) -> Geocoder:
    return Nominatim(s.nominatim_user_agent, s.nominatim_url, s.geocode_timeout_s)


ONLINE: dict[str, tuple[Callable[[GeocodeSettings], Geocoder], str]] = {
    "kakao": (_kakao, "geocode_min_interval_s"),
    "vworld": (_vworld, "geocode_min_interval_s"),
    "nominatim": (_nominatim, "nominatim_min_interval_s"),
}


def build_geocoders(settings: GeocodeSettings, store: Store) -> list[Geocoder]:
    geocoders: list[Geocoder] = []
    for name in settings.names:
        if name == "offline":
            geocoders.append(OfflineAddressDatabase(store))
        elif name == "legal_dong":
            geocoders.append(LegalDongGeocoder())
        elif name == "offline_road":
            geocoders.append(OfflineAddressDatabase(store, road_level=True))
        elif name in ONLINE:
            factory, interval = ONLINE[name]
            adapter = RateLimited(Retried(factory(settings)), getattr(settings, interval))
            geocoders.append(Cached(adapter, store))
        else:
            known = ", ".join(("offline", *ONLINE, "legal_dong", "offline_road"))
            raise ConfigError(f"unknown geocoder {name!r} in SEMAP_GEOCODERS; known: {known}")
    return geocoders
