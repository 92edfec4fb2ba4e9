"""Address normalization on real forms, and on anything at all."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semap.geocode.address import AddressError, normalize

SAMPLES = Path(__file__).resolve().parent / "data" / "address_samples.tsv"


def _samples() -> list[list[str]]:
    text = "\n".join(line for line in SAMPLES.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return list(csv.reader(io.StringIO(text), delimiter="\t"))


def _matches(raw: str, district: str, place: str, main: str, sub: str) -> bool:
    parsed = normalize(raw)
    return (
        parsed.district == district
        and (parsed.road or parsed.lot_dong) == place
        and parsed.main == int(main)
        and parsed.sub == (int(sub) if sub else None)
    )


def test_real_sample_reads_at_least_95_percent_right() -> None:
    samples = _samples()
    assert len(samples) >= 50
    wrong = [s[0] for s in samples if not _matches(*s)]
    assert len(wrong) / len(samples) <= 0.05, wrong


@pytest.mark.parametrize(
    ("raw", "canonical", "detail"),
    [
        ("서울 관악구 신림로250", "서울특별시 관악구 신림로 250", None),
        ("성북구 동소문로23길8-8", "서울특별시 성북구 동소문로23길 8-8", None),
        ("서울시 강남구 양재대로 136길 12, 3층", "서울특별시 강남구 양재대로136길 12", "3층"),
        ("서울 중구 퇴계로 100 (오장동,1층)", "서울특별시 중구 퇴계로 100", "1층"),
        ("강남구 테헤란로 지하 101 지하02호", "서울특별시 강남구 테헤란로 지하 101", "지하02호"),
        ("서울특별시 마포구 성산동 661", "서울특별시 마포구 성산동 661", None),
        ("서울 용산구 용산동2가 산 1-3", "서울특별시 용산구 용산동2가 산 1-3", None),
        ("서울특별시 노원구 동일로 1414 101동 301호", "서울특별시 노원구 동일로 1414", "101동 301호"),
    ],
)
def test_canonical_forms(raw: str, canonical: str, detail: str | None) -> None:
    parsed = normalize(raw)
    assert parsed.canonical == canonical
    assert parsed.detail == detail


@pytest.mark.parametrize(
    ("raw", "district", "place", "number", "detail"),
    [
        # the corpus's real cell: city, district and dong glued, a lot address, a building and unit glued after it
        ("서울노원구하계동 256번지종합상가1단지105호", "노원구", "하계동", "256", "종합상가1단지105호"),
        ("서울특별시노원구하계동256", "노원구", "하계동", "256", None),
        ("서울강남구역삼동 1", "강남구", "역삼동", "1", None),
        ("노원구하계동256", "노원구", "하계동", "256", None),
        ("서울중구을지로1가 1", "중구", "을지로1가", "1", None),  # a dong named after a road
        ("서울광진구구의동 1-1", "광진구", "구의동", "1-1", None),  # a dong beginning with 구
        ("서울구로구구로동 1", "구로구", "구로동", "1", None),
        ("서울 은평구구산동 산 1", "은평구", "구산동", "산 1", None),
        ("서울시성북구보문로34다길2", "성북구", "보문로34다길", "2", None),
    ],
)
def test_glued_city_district_and_dong_parse_with_their_district(
    raw: str, district: str, place: str, number: str, detail: str | None
) -> None:
    parsed = normalize(raw)
    assert (parsed.sido, parsed.district, parsed.road or parsed.lot_dong) == ("서울특별시", district, place)
    assert parsed.canonical.endswith(f"{district} {place} {number}") and parsed.detail == detail


def test_dong_in_parentheses_is_a_hint() -> None:
    assert normalize("관악구 봉천로 227 (봉천동)").dong_hint == "봉천동"


def test_two_addresses_in_one_cell_keeps_the_other() -> None:
    parsed = normalize("(사업장) 경기도 고양시 통일로 100 (본점) 서울특별시 종로구 창경궁로 120")
    assert parsed.canonical == "서울특별시 종로구 창경궁로 120"
    assert parsed.other == "경기도 고양시 통일로 100"


def test_outside_seoul_is_kept_and_marked() -> None:
    parsed = normalize("경기도 성남시 분당구 판교역로 235")
    assert parsed.sido == "경기도" and not parsed.in_seoul and parsed.district == "성남시 분당구"
    assert parsed.road == "판교역로" and parsed.main == 235
    assert parsed.canonical == "경기도 성남시 분당구 판교역로 235"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty address"),
        ("   ", "empty address"),
        ("주소 미상", "no road name with a building number"),
    ],
)
def test_unparseable_input_says_why(raw: str, reason: str) -> None:
    with pytest.raises(AddressError, match=reason):
        normalize(raw)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("서울특별시강남구테헤란로길동산지하층호()-,.~ 0123456789\nB비"), max_size=40))
def test_never_crashes(raw: str) -> None:
    try:
        parsed = normalize(raw)
    except AddressError:
        return
    assert parsed.canonical
    assert parsed.main is not None or parsed.road  # only a road may come without a number


def test_cli_normalize_reads_lines_and_writes_json_lines() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "semap.cli.main", "address", "normalize"],
        input="서울 관악구 신림로250\n주소 미상\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["district"] == "관악구" and first["road"] == "신림로" and first["main"] == 250
    assert first["canonical"] == "서울특별시 관악구 신림로 250" and first["error"] is None
    assert second["input"] == "주소 미상" and "no road name" in second["error"]
