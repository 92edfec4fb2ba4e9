"""Registry reading, validation and deduplication on files laid out like Korean public data."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from semap.errors import GeodataError
from semap.pipeline.ingest import RegistryEntry, ingest
from semap.registry.dedup import deduplicate, normalized_name
from semap.registry.formats import classify_industry, load_format
from semap.registry.read import read_registry
from semap.registry.validate import RowRejected, validate_organization

COOP = load_format("cooperative-registry")
HEADER = "번호,조합명,조합원유형,사업자번호,주소,업종,주요사업,연락처,이메일,설립일,상태"
ROW_A = "1,햇살카페 협동조합,소비자,123-45-67890,서울특별시 마포구 와우산로 94 2층,카페,,02-123-4567,,2013-05-01,정상"
ROW_B = "2,새싹공방 협동조합,직원,,서울 종로구 대학로 101,공예품 제조,,,,2013.07.15,정상"


def _csv(tmp_path: Path, lines: list[str], encoding: str, name: str = "coops.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_encodings_are_detected_and_reported(tmp_path: Path, encoding: str) -> None:
    read = read_registry(_csv(tmp_path, [HEADER, ROW_A], encoding), COOP)
    assert read.encoding == encoding
    assert read.rows[0].values["name"] == "햇살카페 협동조합"


def test_undecodable_file_names_itself(tmp_path: Path) -> None:
    path = _csv(tmp_path, [HEADER, ROW_A], "utf-16")
    with pytest.raises(GeodataError, match=r"coops\.csv: neither UTF-8 nor CP949"):
        read_registry(path, COOP)


def test_header_below_title_rows_is_found_and_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    read = read_registry(
        _csv(tmp_path, ["협동조합 현황", "(2013년 말 기준)", "", HEADER, ROW_A, "", ROW_B], "cp949"), COOP
    )
    assert read.header_row == 4
    assert [r.row for r in read.rows] == [5, 7]


def test_xlsx_with_title_rows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["서울특별시 사회적기업 현황"])
    sheet.append([])
    sheet.append(["연번", "기업명", "인증구분", "소재지", "인증(지정)일"])
    sheet.append([1, "(주)행복", "서울형예비", "서울특별시 중구 세종대로 110", "2012-03-04"])
    path = tmp_path / "se.xlsx"
    book.save(path)
    read = read_registry(path, load_format("social-enterprise-registry"))
    assert read.header_row == 3 and read.encoding == "xlsx:Sheet"  # which sheet was read
    record, problems = validate_organization(read.rows[0], load_format("social-enterprise-registry"))
    assert record.designation.subtype == "서울형(예비)" and record.designation.designated_on == "2012-03-04"
    assert problems == []


def test_field_problems_are_precise(tmp_path: Path) -> None:
    bad = "3,바른협동조합,우주인,12-3,서울 중구 세종대로 110,카페,,전화없음,not-mail,2013-13-45,정상"
    read = read_registry(_csv(tmp_path, [HEADER, bad], "utf-8"), COOP)
    with pytest.raises(RowRejected) as rejected:
        validate_organization(read.rows[0], COOP)
    problem = rejected.value.problem
    assert (problem.file, problem.row, problem.field, problem.value) == ("coops.csv", 2, "조합원유형", "우주인")
    assert "allowed:" in problem.reason and "사회적협동조합" in problem.reason

    fixed = bad.replace("우주인", "직원")
    read = read_registry(_csv(tmp_path, [HEADER, fixed], "utf-8"), COOP)
    record, problems = validate_organization(read.rows[0], COOP)
    dropped = {(p.field, p.action) for p in problems}
    assert dropped == {("사업자번호", "dropped"), ("연락처", "dropped"), ("이메일", "dropped"), ("설립일", "dropped")}
    assert record.business_number is None and record.email is None


def test_industry_rules() -> None:
    assert (classify_industry("출판·인쇄").industry, classify_industry("출판·인쇄").category) == ("문화", "출판·미디어")
    assert classify_industry("도시락").industry == "식음료"
    assert classify_industry("우주 항공") is None


def test_normalized_names() -> None:
    assert normalized_name("(주)행복 나눔") == normalized_name("주식회사 행복나눔") == "행복나눔"
    assert normalized_name("행복나눔 협동조합") == "행복나눔"


def _records(tmp_path: Path, rows: list[str]) -> list:
    read = read_registry(_csv(tmp_path, [HEADER, *rows], "utf-8"), COOP)
    return [validate_organization(r, COOP)[0] for r in read.rows]


def test_dedup_rules(tmp_path: Path) -> None:
    same_number = ROW_A.replace("1,햇살카페 협동조합", "9,햇살 카페").replace("와우산로 94 2층", "와우산로 94, 3층")
    same_name_other_number = ROW_A.replace("123-45-67890", "999-99-99999")
    namesake = ROW_B.replace("대학로 101", "대학로 202")
    records = _records(tmp_path, [ROW_A, same_number, ROW_B, ROW_B, same_name_other_number, namesake])
    organizations, merges, near_misses = deduplicate(records)
    assert len(organizations) == 4  # A(+its number twin), B(+its duplicate), A's other-number twin, B's namesake
    assert sorted(m.rule for m in merges) == ["same business number", "same normalized name and address"]
    reasons = {n.reason for n in near_misses}
    assert reasons == {"same name, different address or business number"}
    assert len(near_misses) == 4


def test_a_corrupted_registry_gives_precise_rejects_and_no_crash(tmp_path: Path) -> None:
    good = [HEADER, ROW_A, ROW_B]
    files = {
        "wrong_encoding.csv": ("\r\n".join(good).encode("utf-16"), "cooperative-registry"),
        "shifted.csv": ("\r\n".join(["제목", "", *good]).encode("cp949"), "cooperative-registry"),
        "missing_column.csv": (
            "\r\n".join(["번호,조합명,조합원유형,업종", "1,햇살카페 협동조합,소비자,카페"]).encode(),
            "cooperative-registry",
        ),
        "junk.csv": (
            "\r\n".join([*good, "합계,2개소", "※ 자료: 협동조합 통계", ",,,,@@@,,,"]).encode(),
            "cooperative-registry",
        ),
        "duplicates.csv": ("\r\n".join([HEADER, ROW_A, ROW_A, ROW_A]).encode(), "cooperative-registry"),
        "no_header.csv": (b"a,b,c\r\n1,2,3\r\n", "cooperative-registry"),
    }
    entries = []
    for name, (data, fmt) in files.items():
        (tmp_path / name).write_bytes(data)
        entries.append(RegistryEntry(tmp_path / name, fmt))
    entries.append(RegistryEntry(tmp_path / "absent.csv", "cooperative-registry"))
    result = ingest(entries)
    rejects = {(p.file, p.row, p.field): p for p in result.problems if p.action == "rejected"}
    assert "neither UTF-8 nor CP949" in rejects[("wrong_encoding.csv", 0, "(file)")].reason
    assert "no header row" in rejects[("no_header.csv", 0, "(file)")].reason
    assert "no such registry file" in rejects[("absent.csv", 0, "(file)")].reason
    assert "column missing" in rejects[("missing_column.csv", 2, "주소")].reason
    assert rejects[("junk.csv", 4, "(row)")].reason.startswith("not a data row")
    assert rejects[("junk.csv", 5, "(row)")].reason.startswith("not a data row")
    assert rejects[("junk.csv", 6, "조합명")].reason == "required value is empty"
    shifted = next(f for f in result.files if f.file == "shifted.csv")
    assert (shifted.header_row, shifted.accepted) == (3, 2)
    # shifted.csv, junk.csv and duplicates.csv all list ROW_A and ROW_B's organizations: two organizations.
    assert len(result.organizations) == 2
    assert result.summary()["merged"] == 5


def test_demo_survey_scaled_past_the_names_a_district_has_still_ends() -> None:
    """The demo generator scaled to many more shared-resource holders than a district has dongs × kinds of
    holder: it numbers them (it used to draw names forever), every holder distinct."""
    import random
    from types import SimpleNamespace

    from semap.demo.resources import COMMUNITY_HOLDERS, _holders

    class TwoDongs:
        def new_address(self, district: str, roads: object) -> SimpleNamespace:
            return SimpleNamespace(dong=random.Random(len(district)).choice(["가동", "나동"]))

    wanted = 2 * len(COMMUNITY_HOLDERS) * 5
    holders = _holders("송파구", wanted, [], TwoDongs(), random.Random(7))  # type: ignore[arg-type]
    names = [name for name, _, _ in holders]
    assert len(names) == wanted and len(set(names)) == wanted
