"""The normalizer against the grammar real registries write (shared/facts/official_layouts.md): addresses are
generated from their parts (prefixes, glued or split numbers, lettered branch roads, units, parentheses, two
addresses in a cell) and must come back as those parts. Plus the real forms of the Busan sample."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semap.geocode.address import normalize
from semap.geodata.districts import load_crosswalk

PREFIXES = ["", "서울 ", "서울시 ", "서울특별시 ", "서울특별시"]
ROADS = ["테헤란로", "시루봉로", "양재대로", "도봉로", "세종대로", "진관4로", "올림픽로", "초량상로"]
LETTERS = "가나다라마바사아자차카타파하"
BRANCH_KINDS = ["길", "번길", "안길", "번가길", "번안길", *(f"{c}길" for c in LETTERS)]
UNITS = ["", ", 3층", " 101동 301호", " B1층", " 지하1층", " (쌍문동)", " (쌍문동, 2층)", ",비1층", "\n2층"]


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    district = draw(st.sampled_from([d.name_ko for d in load_crosswalk()]))
    road = draw(st.sampled_from(ROADS))
    if draw(st.booleans()):
        number, kind = draw(st.integers(1, 199)), draw(st.sampled_from(BRANCH_KINDS))
        branch = f"{number}{kind}"
        road_written = road + draw(st.sampled_from(["", " "])) + branch
        road = road + branch
    else:
        road_written = road
    main = draw(st.integers(1, 999))
    sub = draw(st.one_of(st.none(), st.integers(1, 99)))
    number_written = f"{main}" + (f"-{sub}" if sub else "")
    underground = draw(st.booleans())
    gap = " " if underground else draw(st.sampled_from(["", " "]))
    building = ("지하 " if underground else "") + number_written
    text = f"{draw(st.sampled_from(PREFIXES))}{district} {road_written}{gap}{building}{draw(st.sampled_from(UNITS))}"
    if draw(st.booleans()):  # two addresses in one cell: the 본점 is the organization's own
        text = f"(사업장) 서울 중구 세종대로 110 (본점) {text}"
    return text, {"district": district, "road": road, "main": main, "sub": sub, "underground": underground}


@settings(max_examples=500, deadline=None)
@given(addresses())
def test_generated_addresses_come_back_as_their_parts(case: tuple[str, dict[str, object]]) -> None:
    text, expected = case
    parsed = normalize(text)
    got = {k: getattr(parsed, k) for k in expected}
    assert got == expected, text
    assert parsed.sido == "서울특별시" and parsed.in_seoul


@pytest.mark.parametrize(
    ("raw", "road", "main"),
    [
        ("서울 강남구 테헤란로93나길 88", "테헤란로93나길", 88),
        ("서울 강남구 테헤란로 93나길 88", "테헤란로93나길", 88),
        ("부산 동구 초량상로 63번가길 28", "초량상로63번가길", 28),  # the Busan sample's row 93
        ("서울 마포구 와우산로29안길 12", "와우산로29안길", 12),
        ("서울 마포구 와우산로 29번안길 12", "와우산로29번안길", 12),
        ("서울 중구 을지로3가 100", None, 100),  # 을지로3가 is a legal dong: a lot address, not building 3
    ],
)
def test_the_number_before_a_branch_road_is_never_a_building_number(raw: str, road: str | None, main: int) -> None:
    parsed = normalize(raw)
    assert (parsed.road, parsed.main) == (road, main)


def test_a_road_without_a_building_number_is_an_address() -> None:
    parsed = normalize("서울특별시 도봉구 시루봉로2길, 행복빌딩 3층")
    assert (parsed.district, parsed.road, parsed.main) == ("도봉구", "시루봉로2길", None)
    assert parsed.canonical == "서울특별시 도봉구 시루봉로2길" and parsed.detail == "행복빌딩 3층"


@pytest.mark.parametrize(
    ("raw", "sido", "district", "warning"),
    [
        ("부산 해운대구 해운대로 1", "부산광역시", "해운대구", False),
        ("경기 광명시 오리로 613", "경기도", "광명시", False),  # not 금천구
        ("부산 중구 대청로 69-12", "부산광역시", "중구", False),  # not Seoul's 중구
        ("부산 헤운대구 해운대로 781번길 33, 4층", "부산광역시", "해운대구", True),  # the Busan sample's typo
        ("경기도 수원시 영통구 광교로 1", "경기도", "수원시 영통구", False),
        ("경기도 고양시 덕양구 통일로 140", "경기도", "고양시 덕양구", False),  # a name the list lacks: kept
    ],
)
def test_other_provinces_keep_their_sido_and_sigungu(raw: str, sido: str, district: str, warning: bool) -> None:
    parsed = normalize(raw)
    assert (parsed.sido, parsed.district, parsed.in_seoul) == (sido, district, False)
    assert bool(parsed.warnings) == warning
    assert parsed.canonical.startswith(f"{sido} {district} ")


def test_a_bare_district_of_elsewhere_is_not_placed_in_seoul() -> None:
    parsed = normalize("동구 초량상로 63번가길 28")  # the Busan sample writes no 시도 in 소재지
    assert parsed.district == "동구" and parsed.sido is None and not parsed.in_seoul
    assert not parsed.canonical.startswith("서울")


def test_cli_writes_one_line_per_input_line_with_the_same_keys() -> None:
    lines = ["서울 강남구 테헤란로93나길 88", "", "주소 미상", "부산 헤운대구 해운대로 1", "도봉구 시루봉로2길"]
    result = subprocess.run(
        [sys.executable, "-m", "semap.cli.main", "address", "normalize"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == lines
    assert len({tuple(r) for r in records}) == 1  # every line has the same keys
    assert records[0]["road"] == "테헤란로93나길" and records[0]["main"] == 88
    assert records[1]["error"] == "empty address" and records[2]["error"]
    assert records[3]["district"] == "해운대구" and records[3]["warnings"]
    assert records[4]["main"] is None and records[4]["error"] is None
