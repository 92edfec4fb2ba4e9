"""Column names drift between releases: every shipped official format reads every spelling of its headers that
shared/facts/official_layouts.md lists, `semap registry inspect` names the closest header cell of a column it
cannot find, and what it says to write makes the file read.

LAYOUT-ONLY data (synthetic rows): the files here are written in the official layouts with made-up rows; the real
rows are the Busan 마을기업 excerpt (test_registry_official.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from semap.errors import GeodataError
from semap.pipeline.ingest import RegistryEntry, ingest
from semap.registry.formats import load_format
from semap.registry.header import match_cells
from semap.registry.read import read_registry
from tests.conftest import SHARED
from tests.test_cli import semap
from tests.test_registry_official import SELF_SUFFICIENCY_ROWS

LAYOUTS = SHARED / "facts" / "official_layouts.md"
# The facts file's datasets (a key its row holds) and the shipped format for each
FORMAT_OF_DATASET = {
    "15080745": "mois-village-enterprises",
    "15091502": "kdissw-self-sufficiency-enterprises",
    "15090110": "kosea-certified-social-enterprises",
    "사회적협동조합 설립현황": "kosea-social-cooperatives",
}
OFFICIAL = [*FORMAT_OF_DATASET.values(), "kosea-social-enterprise-api"]


def _layouts() -> list[tuple[str, list[str], list[str]]]:
    """(format, the header as the facts file lists it, the other spellings it names in backquotes)."""
    found = []
    for line in LAYOUTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        key = next((k for k in FORMAT_OF_DATASET if line.startswith("|") and k in cells[1]), None)
        if key is None:
            continue
        columns, _, notes = cells[4].partition(" — ")
        found.append((FORMAT_OF_DATASET[key], columns.split(", "), re.findall(r"`([^`]+)`", notes)))
    return found


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_the_facts_file_lists_the_four_tabular_layouts() -> None:
    assert sorted(f for f, _, _ in _layouts()) == sorted(FORMAT_OF_DATASET.values())


@pytest.mark.parametrize(("name", "header", "spellings"), _layouts(), ids=[f for f, _, _ in _layouts()])
def test_each_official_layout_as_the_facts_file_writes_it_reads_every_column(
    tmp_path: Path, name: str, header: list[str], spellings: list[str]
) -> None:
    fmt = load_format(name)
    variants = [header]
    for spelling in spellings:  # each other spelling the facts file names, in place of the column it renames
        field = _field(name, spelling)
        assert field is not None, f"{spelling!r} is not a spelling {name} knows"
        variants.append([spelling if _field(name, cell) == field else cell for cell in header])
    for number, variant in enumerate(variants):
        written = [cell.replace(" (", "\n(") for cell in variant]  # header cells with a line break in them
        read = read_registry(_csv(tmp_path / f"{number}.csv", written, [["x"] * len(written)]), fmt)
        assert set(read.columns) == set(fmt.fields), (variant, read.columns)
        assert read.missing_fields == ()


def _field(name: str, cell: str) -> str | None:
    return match_cells([cell], load_format(name)).get(0)


@pytest.mark.parametrize("name", OFFICIAL)
def test_each_official_format_reads_each_spelling_of_each_header(tmp_path: Path, name: str) -> None:
    fmt = load_format(name)
    for field in fmt.fields:
        for spelling in fmt.spellings(field):
            # as listed, with spaces doubled and brackets full-width (normalized the same way)
            for written in (spelling, spelling.replace(" ", "  ").replace("(", "（").replace(")", "）")):
                header = [written if f == field else fmt.spellings(f)[0] for f in fmt.fields]
                if name.endswith("-api"):
                    path = tmp_path / "api.json"
                    path.write_text(json.dumps({"items": [dict.fromkeys(header, "x")]}, ensure_ascii=False), "utf-8")
                else:
                    path = _csv(tmp_path / "file.csv", header, [["x"] * len(header)])
                read = read_registry(path, fmt)
                assert set(read.columns) == set(fmt.fields), (field, written)
                assert read.rows[0].values[field] == "x"


def test_a_header_naming_one_field_twice_is_refused_with_both_columns(tmp_path: Path) -> None:
    header = ["순번", "시도", "시군구", "자활기업", "자활기업구분", "대표자명", "업종", "사업자구분", "주소"]
    path = _csv(tmp_path / "both.csv", [*header, "자활기업구분 (지역/광역)"], [["1"] * 10], "cp949")
    with pytest.raises(GeodataError) as raised:
        read_registry(path, load_format("kdissw-self-sufficiency-enterprises"))
    message = str(raised.value)
    assert message.startswith("both.csv: header row 1 names one column twice")
    assert "'자활기업구분' (column E) and '자활기업구분 (지역/광역)' (column J)" in message


def test_a_format_giving_one_spelling_to_two_fields_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'extends = "kdissw-self-sufficiency-enterprises"\n[aliases]\nname = ["자활기업 구분"]\n', encoding="utf-8"
    )
    expected = "'자활기업구분' \\(for 'subtype'\\) reads as '자활기업 구분' \\(for 'name'\\)"
    with pytest.raises(GeodataError, match=expected):
        load_format(str(path))


DRIFTED = ["순번", "시도", "시군구", "자활기업", "자활기업종류", "대표자명", "업종", "사업자구분", "주소"]


def test_inspect_names_the_closest_header_cell_and_following_its_advice_reads_the_file_synthetic_rows(
    tmp_path: Path,
) -> None:
    """A release that renames a column again (자활기업종류): inspect says which cell it probably is and what to
    write; written as it says, the file reads."""
    path = _csv(tmp_path / "jahwal-2027.csv", DRIFTED, SELF_SUFFICIENCY_ROWS, "cp949")
    env = dict(os.environ)
    lines = semap("registry", "inspect", str(path), env=env).stdout.decode().splitlines()
    required = "자활기업구분 (or 자활기업구분 (지역/광역))"
    assert f"  kdissw-self-sufficiency-enterprises: 6/7 columns; missing required: {required}" in lines
    assert (
        "  no column 자활기업구분 (or 자활기업구분 (지역/광역)) (required); the file has 자활기업종류 (column E)"
        in lines
    )
    # the preview says the column is missing, not that each row's value is empty
    assert (
        "  row 2: not loaded: column missing from the header row 1: 자활기업구분 (or 자활기업구분 (지역/광역))" in lines
    )
    assert not any("required value is empty" in line for line in lines)

    start = next(i for i, line in enumerate(lines) if "write a format file (e.g. my-format.toml)" in line)
    advice = [line.strip() for line in lines[start + 1 : start + 4]]
    assert advice == ['extends = "kdissw-self-sufficiency-enterprises"', "[aliases]", 'subtype = ["자활기업종류"]']
    (tmp_path / "my-format.toml").write_text("\n".join(advice) + "\n", encoding="utf-8")

    again = semap("registry", "inspect", str(path), "--format", str(tmp_path / "my-format.toml"), env=env)
    assert "my-format.toml: 7/7 columns" in again.stdout.decode()
    result = ingest([RegistryEntry(path, "my-format.toml", tmp_path)])
    report = result.files[0]
    assert (report.rows, report.accepted, report.outside_area, report.failed) == (4, 3, 1, "")
    assert {o.name for o in result.organizations} == {"강서나눔 자활", "서울광역 자활", "은평 자활"}


def test_without_the_spelling_the_build_names_the_column_and_every_row_is_a_reject_synthetic_rows(
    tmp_path: Path,
) -> None:
    path = _csv(tmp_path / "jahwal-2027.csv", DRIFTED, SELF_SUFFICIENCY_ROWS, "cp949")
    result = ingest([RegistryEntry(path, "kdissw-self-sufficiency-enterprises")])
    report = result.files[0]
    assert report.failed == ("required column 자활기업구분 (or 자활기업구분 (지역/광역)) missing from the header row 1")
    assert report.rejected == 4 == len([p for p in result.problems if "column missing" in p.reason])
