"""The offline geocoder on the demo address database, the wrappers, the chain's fallbacks, provider lookup."""

from __future__ import annotations

import pytest

from semap.errors import ConfigError, GeocoderQuotaExceeded
from semap.geocode.address import normalize
from semap.geocode.chain import GeocoderChain
from semap.geocode.kakao import KakaoLocal
from semap.geocode.offline import OfflineAddressDatabase
from semap.geocode.providers import build_geocoders
from semap.geocode.types import Location
from semap.geocode.wrappers import Cached, RateLimited, Retried
from semap.settings import GeocodeSettings
from semap.store import Store
from tests import fake_geocoders as fake


def _first_entrance(store: Store) -> tuple[str, str, int, int]:
    sigungu, road, main, sub = store.fetch(
        "SELECT sigungu, road, main, sub FROM address_points WHERE sido = '서울특별시' "
        "ORDER BY sigungu, road, main, sub LIMIT 1"
    )[0]
    return sigungu, road, int(main), int(sub)


def test_offline_building_match(built_store: Store) -> None:
    sigungu, road, main, sub = _first_entrance(built_store)
    number = f"{main}-{sub}" if sub else str(main)
    found = OfflineAddressDatabase(built_store).geocode(normalize(f"서울 {sigungu} {road}{number} 2층"))
    assert found is not None and found.match_type == "building" and found.geocoder == "offline"
    assert (
        built_store.locate(found.lon, found.lat)[0]
        == built_store.fetch("SELECT adm_code FROM districts WHERE name_ko = :n", {"n": sigungu})[0][0]
    )


def test_offline_road_fallback_and_unknown(built_store: Store) -> None:
    sigungu, road, _, _ = _first_entrance(built_store)
    address = normalize(f"서울특별시 {sigungu} {road} 9999")
    assert OfflineAddressDatabase(built_store).geocode(address) is None  # no building 9999: not the building tier
    near = OfflineAddressDatabase(built_store, road_level=True).geocode(address)  # a later tier: the road
    assert near is not None and near.match_type == "road" and near.precision == 300
    numberless = OfflineAddressDatabase(built_store, road_level=True).geocode(normalize(f"{sigungu} {road}, 3층"))
    assert numberless is not None and numberless.match_type == "road"
    assert OfflineAddressDatabase(built_store, road_level=True).geocode(normalize("서울특별시 중구 없는길 1")) is None


def test_offline_lot_and_outside_seoul(built_store: Store) -> None:
    offline = OfflineAddressDatabase(built_store)
    lot = offline.geocode(normalize("서울특별시 마포구 성산동 661 (마포 문화비축기지 내)"))
    assert lot is not None and lot.match_type == "lot"
    assert built_store.locate(lot.lon, lot.lat)[0] == "11440"  # 마포구
    outside = offline.geocode(normalize("경기도 고양시 덕양구 통일로 140"))
    assert outside is not None and outside.match_type == "building"
    assert built_store.locate(outside.lon, outside.lat) is None


def test_cache_answers_reruns_without_requests(empty_store: Store) -> None:
    with fake.fake_geocoder_server() as (url, requests):
        cached = Cached(KakaoLocal("test-key", url), empty_store)
        known, unknown = normalize("서울특별시 중구 세종대로 110"), normalize("서울특별시 중구 세종대로 9999")
        first = cached.geocode(known)
        assert cached.geocode(unknown) is None
        again = Cached(KakaoLocal("test-key", url), empty_store)  # a new run, same store
        assert again.geocode(known) == first
        assert again.geocode(unknown) is None
        assert requests == [known.canonical, unknown.canonical]
        assert again.requests == 0


def test_retries_passing_failures_only() -> None:
    with fake.fake_geocoder_server() as (url, requests):
        flaky = normalize(f"서울특별시 중구 {fake.FLAKY} 1")
        assert Retried(KakaoLocal("test-key", url), wait_s=0.01).geocode(flaky) is not None
        assert len(requests) == 2  # a 503, then the answer
        with pytest.raises(GeocoderQuotaExceeded):
            Retried(KakaoLocal("test-key", url), wait_s=0.01).geocode(normalize(f"서울 중구 {fake.THROTTLED} 1"))
        assert len(requests) == 3  # a quota answer is not retried


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.calls = 0

    def geocode(self, address) -> Location | None:
        self.calls += 1
        return None


def test_rate_limit_spaces_requests() -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limited = RateLimited(_Recorder(), 1.0, clock=lambda: now[0], sleep=sleep)
    address = normalize("서울특별시 중구 세종대로 110")
    limited.geocode(address)
    now[0] += 0.25
    limited.geocode(address)
    limited.geocode(address)
    assert sleeps == pytest.approx([0.75, 1.0])


def test_chain_falls_back_to_dong_then_district(built_store: Store) -> None:
    chain = GeocoderChain([OfflineAddressDatabase(built_store)], built_store)
    dong = chain.geocode(normalize("서울특별시 종로구 없는길 5 (사직동)"), "11110").location
    assert dong is not None and dong.match_type == "dong" and built_store.locate(dong.lon, dong.lat)[0] == "11110"
    district = chain.geocode(None, "11710").location
    assert district is not None and district.match_type == "district"
    assert built_store.locate(district.lon, district.lat)[0] == "11710"
    assert chain.geocode(None, None).location is None


def test_chain_reports_provider_failures_and_goes_on(built_store: Store) -> None:
    with fake.fake_geocoder_server() as (url, _):
        chain = GeocoderChain([KakaoLocal("wrong-key", url), OfflineAddressDatabase(built_store)], built_store)
        sigungu, road, main, sub = _first_entrance(built_store)
        result = chain.geocode(normalize(f"서울특별시 {sigungu} {road} {main}{f'-{sub}' if sub else ''}"), None)
    assert result.location is not None and result.location.geocoder == "offline"
    assert len(result.errors) == 1 and "kakao" in result.errors[0]


def test_providers_by_name(empty_store: Store) -> None:
    geocoders = build_geocoders(GeocodeSettings(geocoders="offline, kakao", kakao_api_key="k"), empty_store)
    assert [g.name for g in geocoders] == ["offline", "kakao"]
    with pytest.raises(ConfigError, match="SEMAP_VWORLD_API_KEY"):
        build_geocoders(GeocodeSettings(geocoders="vworld"), empty_store)
    with pytest.raises(ConfigError, match="unknown geocoder 'google'"):
        build_geocoders(GeocodeSettings(geocoders="google"), empty_store)


def _addresses_to_place(store: Store) -> list:
    """Every entrance of the demo address database written as people write it (with and without the district,
    above and below ground, the wrong sub-number), lot addresses, the demo registry's own addresses, and ones
    that match nothing: the cases where batching could answer differently from one query per record."""
    rows = store.fetch("SELECT sigungu, road, main, sub, underground FROM address_points ORDER BY 1, 2, 3, 4")
    texts = []
    for sigungu, road, main, sub, underground in rows[:400]:
        number = f"{'지하 ' if underground else ''}{main}{f'-{sub}' if sub else ''}"
        texts += [
            f"서울 {sigungu} {road} {number}",
            f"{road} {number}",
            f"서울 {sigungu} {road} {main}-{int(sub) + 97}",
        ]
        texts.append(f"서울 {sigungu} {road} {'' if underground else '지하 '}{main}{f'-{sub}' if sub else ''}")
        texts.append(f"서울 {'중랑구' if sigungu != '중랑구' else '종로구'} {road} {number}")  # the wrong district
    lots = store.fetch("SELECT sigungu, emd, san, lot_main, lot_sub FROM address_lots ORDER BY 1, 2, 4, 5")
    for sigungu, emd, san, lot_main, lot_sub in lots[:200]:
        texts.append(f"서울 {sigungu} {emd} {'산 ' if san else ''}{lot_main}{f'-{lot_sub}' if lot_sub else ''}")
        texts += [f"서울 {sigungu} {emd} {lot_main}-{int(lot_sub) + 97}", f"서울 {sigungu} {emd} 산 {lot_main}"]
        texts.append(
            f"서울 {'중랑구' if sigungu != '중랑구' else '종로구'} {emd} {lot_main}{f'-{lot_sub}' if lot_sub else ''}"
        )
    texts += [
        str(r[0]) for r in store.fetch("SELECT address_raw FROM organizations WHERE address_raw IS NOT NULL LIMIT 400")
    ]
    texts += ["서울특별시 중구 없는길 1", "부산광역시 중구 중앙대로 2", "서울 종로구 청운동 9999"]
    parsed = []
    for text in texts:
        try:
            parsed.append(normalize(text))
        except Exception:
            continue
    return parsed


def test_offline_batch_answers_what_one_query_per_record_answers(built_store: Store) -> None:
    """The build asks the address database once per 500 addresses: each answer must be the one the
    single-record query gives (two independent computations: SQL per record, and SQL per batch + Python)."""
    addresses = _addresses_to_place(built_store)
    offline = OfflineAddressDatabase(built_store)
    batched = offline.geocode_many(addresses)
    one_by_one = [offline.geocode(a) for a in addresses]
    assert len(addresses) > 1000
    assert sum(found is not None for found in one_by_one) > 500  # the comparison covers real matches
    assert batched == one_by_one


def test_chain_batch_answers_what_the_chain_answers_per_record(built_store: Store) -> None:
    addresses = _addresses_to_place(built_store)[::7]
    chain = GeocoderChain(
        [OfflineAddressDatabase(built_store), OfflineAddressDatabase(built_store, road_level=True)], built_store
    )
    requests = [(a, "11110" if i % 3 == 0 else None) for i, a in enumerate(addresses)]
    assert chain.geocode_many(requests) == [chain.geocode(a, d) for a, d in requests]
