"""What a broken-file corpus found after the first round (issue 22): each case is a one-line error naming the file,
or rejects whose rows are counted — never rows that vanish or a location read from the wrong column.

The files are the demo registry (synthetic) broken the way real downloads break.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from semap.pipeline.ingest import RegistryEntry, ingest
from tests.test_cli import semap
from tests.test_nothing_lost import FORMAT, VILLAGE, _manifest, _organizations


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(VILLAGE.read_text(encoding="utf-8-sig"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return path


def second_address_column(path: Path) -> Path:
    """A second 주소 column appended at the right (an export that added the old address), holding other text."""
    rows = _rows()
    return _write(path, [rows[0] + ["주소"]] + [[*row, "(구 주소) 확인 필요"] for row in rows[1:]])


def test_a_header_repeating_a_mapped_column_is_one_line_naming_both_columns_and_the_file(tmp_path: Path) -> None:
    path = second_address_column(tmp_path / "village-two-addresses.csv")
    result = ingest([RegistryEntry(path, FORMAT)])
    report = result.files[0]
    assert report.failed == (
        "village-two-addresses.csv: header row 1 names one column twice: '주소' (column C) and '주소' (column H); "
        "SeMap cannot tell which to read, rename or delete one"
    )
    assert result.organizations == [] and report.accepted == 0  # no row loaded with the wrong column's address
    assert [(p.file, p.field) for p in result.problems] == [("village-two-addresses.csv", "(file)")]


def test_a_build_of_a_file_repeating_a_mapped_column_stops_and_says_why(
    built_env: dict[str, str], tmp_path: Path
) -> None:
    path = second_address_column(tmp_path / "village-two-addresses.csv")
    result = semap("build", env={**built_env, "SEMAP_REGISTRIES": str(_manifest(tmp_path, path))}, check=False)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    message = next(line for line in stderr.splitlines() if line.startswith("semap: error:"))
    assert "village-two-addresses.csv was rejected whole" in message
    assert "'주소' (column C) and '주소' (column H)" in message
    assert _organizations(built_env) == 1871  # the previous data keep serving


def unbalanced_quote(path: Path) -> tuple[Path, int]:
    """An address cell opened with a quote that is never closed: the CSV reader runs it into the rows after it,
    up to the next quote in the file. Returns the file and the row (line) holding the bad cell."""
    lines = VILLAGE.read_text(encoding="utf-8-sig").split("\n")
    lines[1] = lines[1].replace("성북구 정릉로 342", '"성북구 정릉로 342', 1)
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    return path, 2


def test_an_unbalanced_quote_swallowing_rows_is_reported_with_every_row_it_swallowed(tmp_path: Path) -> None:
    path, row = unbalanced_quote(tmp_path / "village-quote.csv")
    seen = len(_rows()) - 1  # the records a person sees in the unbroken file (line breaks inside cells included)
    result = ingest([RegistryEntry(path, FORMAT)])
    report = result.files[0]
    assert report.rows == seen == report.accepted + report.rejected  # rows read = rows a person sees
    rejects = {p.row: p for p in result.problems if p.action == "rejected"}
    assert sorted(rejects) == [row, row + 1, row + 2] and report.rejected == 3
    assert rejects[row].reason.startswith("an unbalanced quote in column C (주소) runs over the next 2 rows (3–4)")
    assert all(f"swallowed by the unbalanced quote in row {row}" in rejects[r].reason for r in (row + 1, row + 2))
    assert rejects[row + 1].value.startswith("영농조합법인 꿈터나눔돌봄,서울시,서울특별시 구로구 디지털로 67")
    assert not report.failed


def test_a_line_break_inside_an_address_is_not_taken_for_swallowed_rows() -> None:
    broken_cells = [row for row in _rows() if "\n" in row[2]]  # the demo writes some addresses over two lines
    report = ingest([RegistryEntry(VILLAGE, FORMAT)]).files[0]
    assert broken_cells and report.rejected == 0 and report.rows == len(_rows()) - 1


def test_an_address_in_another_sido_in_a_list_without_a_sido_column_is_outside_the_area(tmp_path: Path) -> None:
    rows = _rows()
    extra = [
        ["부산 마을", "서울시", "부산광역시 중구 중앙대로 1", "카페", "", "", "2013-01-01"],
        ["해운대 마을", "서울시", "해운대구 해운대로 570", "카페", "", "", "2013-01-01"],  # 해운대구: only Busan's
        ["동구 마을", "서울시", "동구 초량상로 63번가길 28", "카페", "", "", "2013-01-01"],  # six cities, none Seoul
        ["세종 마을", "서울시", "중구 세종대로 110", "카페", "", "", "2013-01-01"],  # Seoul's 중구
    ]
    path = _write(tmp_path / "village-busan.csv", rows + extra)
    result = ingest([RegistryEntry(path, FORMAT)])
    report = result.files[0]
    outside = {p.row: p.reason for p in result.problems if p.action == "outside_area"}
    first = len(path.read_text(encoding="utf-8-sig").splitlines()) - len(extra) + 1  # rows count lines
    assert outside == {
        first: "in 부산광역시, outside the study area 서울특별시: not loaded",
        first + 1: "in 부산광역시, outside the study area 서울특별시: not loaded",
        first
        + 2: "in 동구 (부산광역시, 대구광역시, 인천광역시, 광주광역시, 대전광역시, 울산광역시), outside the study "
        "area 서울특별시: not loaded",
    }
    assert "세종 마을" in {o.name for o in result.organizations}
    assert report.rows == report.accepted + report.rejected + report.outside_area and report.outside_area == 3
