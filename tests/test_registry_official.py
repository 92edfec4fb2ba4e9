"""Registries in the layouts coordinators really download (shared/facts/official_layouts.md).

REAL data: the Busan 마을기업 rows in shared/samples/official (MOIS layout, public data).
LAYOUT-ONLY data: the other files are written here in each official layout (headers, header rows, sheets,
encodings, the traps the facts file lists) with made-up rows; they prove the shipped formats read the layout,
not that every real row of such a file geocodes.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from semap.geodata.sido import canonical_sido
from semap.pipeline.ingest import FileReport, IngestResult, RegistryEntry, ingest, read_manifest
from semap.registry.formats import classify_industry
from semap.registry.model import INDUSTRIES, SEMAP_CATEGORIES
from tests.conftest import SHARED
from tests.test_cli import semap

SAMPLES = SHARED / "samples" / "official"
BUSAN = SAMPLES / "mois_village_enterprises_2025-12-31_busan_excerpt.xlsx"


def _ingest(path: Path, fmt: str) -> tuple[IngestResult, FileReport]:
    result = ingest([RegistryEntry(path, fmt)])
    return result, result.files[0]


def _accounted(report: FileReport) -> None:
    assert report.rows == report.accepted + report.rejected + report.outside_area, report


def test_real_busan_rows_are_read_and_none_is_placed_in_seoul() -> None:
    result, report = _ingest(BUSAN, "mois-village-enterprises")
    assert report.header_row == 5 and report.rows == 10 and not report.failed
    assert report.outside_area == 10 and report.accepted == 0  # 부산 중구 is not 서울 중구
    assert result.organizations == []
    reasons = [p for p in result.problems if p.action == "outside_area"]
    assert len(reasons) == 10 and all("부산광역시" in p.reason for p in reasons)
    assert {p.row for p in reasons} == set(range(6, 16))  # the rows as a person opening the file counts them
    _accounted(report)


def _mois_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "마을기업 현황"
    sheet.append(["전국 마을기업 현황 (2025. 12. 31. 기준)"])
    sheet.append([])
    sheet.append(["※ 행정안전부 지정 마을기업"])
    sheet.append([])
    sheet.append(
        [
            "연번",
            "시도",
            "시군구",
            "소재지",
            "마을기업명",
            "유형",
            "주 업종",
            "주 생산품 또는 서비스명",
            "사업내용",
            "사업자등록번호\n(-포함 작성)",
        ]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_national_mois_file_keeps_seoul_rows_and_reports_the_others(tmp_path: Path) -> None:
    path = _mois_workbook(
        tmp_path / "mois.xlsx",
        [
            [
                1,
                "서울",
                "중구",
                "서울 중구 세종대로 110",
                "세종마을 협동조합",
                "전통식품",
                "떡 제조",
                "떡",
                "",
                "104-86-12345",
            ],
            [2, "부산", "중구", "부산 중구 대청로 69-12", "부산 중구 마을", "일반식품", "카페", "카페", "", ""],
            [3, "경기", "광명시", "광명시 오리로 613", "광명 마을", "의류신발", "봉제", "의류", "", ""],
            [4, "서울특별시", "도봉구", "도봉구 시루봉로 87", "도봉 마을", "의류신발", "봉제", "의류", "", ""],
        ],
    )
    result, report = _ingest(path, "mois-village-enterprises")
    assert (report.accepted, report.outside_area) == (2, 2)
    names = {o.name: o for o in result.organizations}
    assert set(names) == {"세종마을 협동조합", "도봉 마을"}
    assert names["세종마을 협동조합"].industry == "식음료" and names["도봉 마을"].industry == "일반제조"
    assert names["세종마을 협동조합"].business_number == "104-86-12345"
    _accounted(report)


# The fifth column as releases name it: 자활기업구분 in the 2025-12-31 release, 자활기업구분 (지역/광역) in others
SELF_SUFFICIENCY_SPELLINGS = ["자활기업구분", "자활기업구분 (지역/광역)"]
SELF_SUFFICIENCY_ROWS = [  # synthetic rows
    [
        "1",
        "서울특별시",
        "강서구",
        "강서나눔 자활",
        "지역",
        "홍길동",
        "청소(학교)",
        "법인",
        "서울특별시 양천구 목동로 1",
    ],
    [
        "2",
        "서울특별시",
        "서울",
        "서울광역 자활",
        "광역",
        "김철수",
        "유통ㆍ판매(편의점)",
        "개인",
        "서울 중구 세종대로 110",
    ],
    ["3", "부산광역시", "강서구", "부산 강서 자활", "지역", "이영희", "집수리", "법인", "부산 강서구 공항로 1"],
    ["4", "서울특별시", "은평구", "은평 자활", "지역", "박민수", "꽃꽂이 강습", "법인", "서울 은평구 통일로 26"],
]


@pytest.mark.parametrize("subtype_header", SELF_SUFFICIENCY_SPELLINGS)
def test_self_sufficiency_csv_in_cp949_and_utf8_bom_synthetic_rows(tmp_path: Path, subtype_header: str) -> None:
    header = ["순번", "시도", "시군구", "자활기업", subtype_header, "대표자명", "업종", "사업자구분", "주소"]
    for encoding in ("cp949", "utf-8-sig"):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([header, *SELF_SUFFICIENCY_ROWS])
        path = tmp_path / f"jahwal-{encoding}.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        result, report = _ingest(path, "kdissw-self-sufficiency-enterprises")
        assert report.encoding == encoding
        assert (report.accepted, report.outside_area) == (3, 1)
        by_name = {o.name: o for o in result.organizations}
        assert by_name["강서나눔 자활"].industry == "기타서비스" and by_name["서울광역 자활"].industry == "유통"
        # An unmapped 업종 is reported once per value, naming the rows
        unmapped = [p for p in result.problems if p.field == "업종"]
        assert [p.value for p in unmapped] == ["꽃꽂이 강습"]
        _accounted(report)


def test_certified_social_enterprise_list_reads_its_named_sheet_below_title_rows(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "안내"  # a cover sheet first
    sheet = book.create_sheet("인증사회적기업")
    sheet.append(["고용노동부 인증 사회적기업 목록"])
    sheet.append(["(2025. 12. 기준)"])
    sheet.append([])
    sheet.append(
        [
            "지역",
            "인증번호",
            "기관명",
            "사업내용",
            "사회적목적실현유형",
            "사회서비스분야",
            "사업자등록번호",
            "대표자",
            "소재지",
            "홈페이지",
            "인증일자",
            "인증회차",
        ]
    )
    sheet.append(
        [
            "서울",
            "2007-001",
            "(주)함께일하는세상",
            "청소",
            "일자리제공형",
            "환경",
            "101-81-12345",
            "대표",
            "서울특별시 성동구 천호대로 362",
            "http://example.org",
            "2007-10-29",
            "1",
        ]
    )
    sheet.append(
        [
            "대구",
            "2007-002",
            "대구 기업",
            "교육",
            "혼합형",
            "교육",
            "",
            "대표",
            "대구광역시 중구 동덕로 1",
            "",
            "2007-10-29",
            "1",
        ]
    )
    path = tmp_path / "certified.xlsx"
    book.save(path)
    result, report = _ingest(path, "kosea-certified-social-enterprises")
    assert report.encoding == "xlsx:인증사회적기업" and report.header_row == 4
    assert (report.accepted, report.outside_area) == (1, 1)
    organization = result.organizations[0]
    assert organization.designations[0].subtype == "인증" and organization.designations[0].designated_on == "2007-10-29"
    _accounted(report)


def test_social_cooperative_csv(tmp_path: Path) -> None:
    lines = [
        "구분,협동조합명,대표자,업종,유형,소재지,수리인가일,주소",
        "사회적협동조합,마을돌봄 사회적협동조합,대표,돌봄,지역사회공헌형,서울,2014-02-03,서울특별시 마포구 와우산로 94",
        "사회적협동조합,인천 협동,대표,교육,일자리제공형,인천,2014-03-03,인천광역시 남동구 정각로 29",
    ]
    path = tmp_path / "social-coops.csv"
    path.write_bytes("\r\n".join(lines).encode("cp949"))
    result, report = _ingest(path, "kosea-social-cooperatives")
    assert (report.accepted, report.outside_area) == (1, 1)
    assert result.organizations[0].designations[0].subtype == "사회적협동조합"
    _accounted(report)


def test_social_enterprise_api_response_saved_as_json(tmp_path: Path) -> None:
    items = [
        {
            "co_name": "성동 기업",
            "co_sevice": "환경",
            "co_object": "일자리제공형",
            "co_content": "재활용",
            "co_date": "2010-01-01",
            "co_num": "제2007-002호",
            "co_ceo": "대표",
            "co_tel": "02-123-4567",
            "new_address": "서울특별시 성동구 천호대로 362(용답동)",
            "address": "서울특별시 성동구 용답동 225-5",
            "homepage": "",
        },
        {
            "co_name": "부산 기업",
            "co_sevice": "교육",
            "co_object": "혼합형",
            "co_content": "교육",
            "co_date": "",
            "co_num": "제2008-001호",
            "co_ceo": "대표",
            "co_tel": "",
            "new_address": "부산광역시 해운대구 해운대로 1",
            "address": "",
            "homepage": "",
        },
    ]
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"response": {"body": {"items": {"item": items}}}}, ensure_ascii=False), "utf-8")
    result, report = _ingest(path, "kosea-social-enterprise-api")
    assert report.encoding == "json" and (report.accepted, report.outside_area) == (1, 1)
    assert result.organizations[0].name == "성동 기업" and result.organizations[0].industry == "환경"
    _accounted(report)


@pytest.mark.parametrize(
    ("written", "sido"),
    [
        ("서울", "서울특별시"),
        ("서울시", "서울특별시"),
        ("부산", "부산광역시"),
        ("경기 광명시 오리로 613", "경기도"),
        ("서울특별시강남구 테헤란로 1", "서울특별시"),
        ("광주광역시 북구", "광주광역시"),
        ("중구 세종대로 110", None),
    ],
)
def test_sido_as_registries_write_it(written: str, sido: str | None) -> None:
    assert canonical_sido(written) == sido


EXAMPLE = Path(__file__).resolve().parent.parent / "geodata" / "examples" / "renamed-columns"


def test_the_readmes_own_format_example_reads_with_its_format_named_by_path() -> None:
    manifest = read_manifest(EXAMPLE / "registries.toml")
    result = ingest(manifest.registries)
    report = result.files[0]
    assert report.format == "songpa-resource-list" and (report.rows, report.accepted) == (3, 3)
    assert {r.name for r in result.resources} == {"마을 회의실", "빔프로젝터", "회계 상담"}
    assert {r.district_written for r in result.resources} == {"11710"}  # 송파구, from the format's default


def test_registry_inspect_on_the_real_busan_file() -> None:
    out = semap("registry", "inspect", str(BUSAN), env=dict(os.environ)).stdout.decode()
    assert "header row: 5" in out and "mois-village-enterprises: 9/9 columns" in out
    assert "row 6: in 부산광역시, outside the study area 서울특별시: not loaded" in out


def test_registry_inspect_names_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "almost.csv"
    path.write_bytes("순번,시도,시군구,자활기업,업종\r\n1,서울,강서구,나눔,청소\r\n".encode("cp949"))
    out = semap("registry", "inspect", str(path), env=dict(os.environ)).stdout.decode()
    assert "encoding: cp949" in out
    missing = "missing required: 자활기업구분 (or 자활기업구분 (지역/광역)), 주소"
    assert f"kdissw-self-sufficiency-enterprises: 4/7 columns; {missing}" in out


@pytest.mark.parametrize(
    "value",
    [
        "일반식품",
        "전통식품",
        "문화예술",
        "교육",
        "공예품",
        "사회복지",
        "재활용",
        "의류신발",
        "관광체험",
        "에너지",
        "유통기업",
        "기타",
        "청소(학교)",
        "유통ㆍ판매(편의점)",
        "집수리",
    ],
)
def test_official_industry_vocabularies_map_to_the_research_scheme(value: str) -> None:
    rule = classify_industry(value)
    assert rule is not None, value
    assert rule.industry in INDUSTRIES and rule.category in SEMAP_CATEGORIES
