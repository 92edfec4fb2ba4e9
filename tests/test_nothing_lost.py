"""Nothing lost: every row of every file is accounted for, broken files are named with a reason, and a build that
would serve less than it should stops with a non-zero exit while the previous data keep serving.

The corpus is made from the demo registry (synthetic) broken the ways real downloads break.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from semap.pipeline.ingest import RegistryEntry, ingest, read_manifest
from semap.settings import PACKAGE_DATA_DIR, StoreSettings
from semap.store import open_store
from tests.conftest import SHARED
from tests.test_cli import semap

DEMO = PACKAGE_DATA_DIR / "demo"
VILLAGE = DEMO / "registries" / "village_enterprises_2013.csv"
FORMAT = "village-enterprise-registry"


def _lines() -> list[bytes]:
    return VILLAGE.read_bytes().splitlines(keepends=True)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def header_only(path: Path) -> None:
    path.write_bytes(_lines()[0])


def png_renamed(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


def truncated_xlsx(path: Path) -> None:
    path.write_bytes((DEMO / "registries" / "social_enterprises_2013.xlsx").read_bytes()[:3000])


def utf8_with_cp949_tail(path: Path) -> None:
    lines = _lines()
    path.write_bytes(b"".join(lines[:50]) + "".join(x.decode("utf-8-sig") for x in lines[50:]).encode("cp949"))


def missing_column(path: Path) -> None:
    text = VILLAGE.read_text(encoding="utf-8-sig").replace("주소", "위치", 1)
    path.write_text(text, encoding="utf-8-sig")


def shifted_header(path: Path) -> None:
    path.write_bytes(
        "마을기업 지정 현황\r\n(2013년 말)\r\n".encode() + VILLAGE.read_bytes().removeprefix(b"\xef\xbb\xbf")
    )


def blank_and_junk_rows(path: Path) -> None:
    lines = _lines()
    junk = [b"\r\n", b",,,,,,\r\n", "합계,,,,,,\r\n".encode(), "※ 자료: 서울시,,,,,,\r\n".encode()]
    path.write_bytes(b"".join(lines[:10] + junk + lines[10:]))


def huge_cell(path: Path) -> None:
    lines = _lines()
    big = "가" * 350_000  # about 1 MB in UTF-8
    path.write_bytes(
        b"".join(lines[:5]) + f'1 MB 협동조합,서울시,서울특별시 도봉구 시루봉로 87,카페,"{big}",,\r\n'.encode()
    )


def nul_bytes(path: Path) -> None:
    lines = _lines()
    path.write_bytes(
        b"".join(lines[:5]) + "NUL\x00 협동조합,서울시,서울특별시 도봉구 시루봉로 87,카페,a\x00b,,\r\n".encode()
    )


def formula_cells(path: Path) -> None:
    lines = _lines()
    path.write_bytes(
        b"".join(lines[:5]) + '=HYPERLINK("x"),서울시,서울특별시 도봉구 시루봉로 87,=1+1,@SUM(1),,\r\n'.encode()
    )


def xlsx_named_csv(path: Path) -> None:
    shutil.copy(DEMO / "registries" / "social_enterprises_2013.xlsx", path)


def first_sheet_empty(path: Path) -> None:
    book = Workbook()
    book.active.title = "표지"
    sheet = book.create_sheet("현황")
    for line in VILLAGE.read_text(encoding="utf-8-sig").splitlines()[:20]:
        sheet.append(line.split(","))
    book.save(path)


# (how the file is broken, the file name, whether the file as a whole must be rejected)
CORPUS: list[tuple[Callable[[Path], None], str, bool]] = [
    (empty, "empty.csv", True),
    (header_only, "header-only.csv", False),  # no rows: nothing to reject, the shrink guard decides
    (png_renamed, "picture.csv", True),
    (truncated_xlsx, "truncated.xlsx", True),
    (utf8_with_cp949_tail, "mixed-encoding.csv", True),
    (missing_column, "missing-column.csv", True),
    (shifted_header, "shifted.csv", False),
    (blank_and_junk_rows, "junk.csv", False),
    (huge_cell, "huge-cell.csv", False),
    (nul_bytes, "nul.csv", False),
    (formula_cells, "formulas.csv", False),
    (first_sheet_empty, "first-sheet-empty.xlsx", False),
]


@pytest.mark.parametrize(("breaker", "name", "rejected_whole"), CORPUS, ids=[c[1] for c in CORPUS])
def test_every_row_is_accounted_for_and_broken_files_say_why(
    tmp_path: Path, breaker: Callable[[Path], None], name: str, rejected_whole: bool
) -> None:
    path = tmp_path / name
    breaker(path)
    fmt = "social-enterprise-registry" if breaker is xlsx_named_csv else FORMAT
    result = ingest([RegistryEntry(path, fmt)])
    report = result.files[0]
    assert report.rows == report.accepted + report.rejected + report.outside_area
    assert bool(report.failed) == rejected_whole, report
    if rejected_whole:
        assert "\n" not in report.failed and len(report.failed) < 300
        problem = next(p for p in result.problems if p.field in ("(file)", "주소"))
        assert problem.file == name
    rejected_rows = {p.row for p in result.problems if p.action == "rejected" and p.row}
    assert len(rejected_rows) == report.rejected or report.failed


def test_a_renamed_workbook_is_read_as_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "actually-a-workbook.csv"
    xlsx_named_csv(path)
    report = ingest([RegistryEntry(path, "social-enterprise-registry")]).files[0]
    assert report.encoding.startswith("xlsx") and report.accepted > 100 and not report.failed


def test_nul_and_formula_cells_load_as_text(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    formula_cells(path)
    nul = tmp_path / "nul.csv"
    nul_bytes(nul)
    result = ingest([RegistryEntry(path, FORMAT), RegistryEntry(nul, FORMAT)])
    names = {o.name for o in result.organizations}
    assert '=HYPERLINK("x")' in names and "NUL 협동조합" in names


def _manifest(tmp_path: Path, replace_village: Path | None, lots: bool = True, twice: bool = False) -> Path:
    raw = tomllib.loads((DEMO / "registries.toml").read_text(encoding="utf-8"))
    lines = [f'as_of = "{raw["as_of"]}"']
    for entry in raw["registry"]:
        file = DEMO / entry["file"]
        if replace_village is not None and file.name == VILLAGE.name:
            file = replace_village
        lines += ["[[registry]]", f'file = "{file}"', f'format = "{entry["format"]}"']
    if twice:
        lines += [
            "[[registry]]",
            f'file = "{DEMO / raw["registry"][1]["file"]}"',
            f'format = "{raw["registry"][1]["format"]}"',
        ]
    points = ", ".join(f'"{DEMO / f}"' for f in raw["addressdb"]["files"])
    lot_files = ", ".join(f'"{DEMO / f}"' for f in raw["addressdb"]["lots"]) if lots else ""
    lines += ["[addressdb]", f"files = [{points}]", f"lots = [{lot_files}]"]
    path = tmp_path / "registries.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _organizations(env: dict[str, str]) -> int:
    settings = StoreSettings(data_dir=Path(env["SEMAP_DATA_DIR"]), database_url=env.get("SEMAP_DATABASE_URL"))
    store = open_store(settings)
    try:
        return int(store.fetch("SELECT count(*) FROM organizations")[0][0])
    finally:
        store.close()


@pytest.mark.parametrize("breaker", [truncated_xlsx, png_renamed, missing_column], ids=lambda b: b.__name__)
def test_a_build_with_a_file_rejected_whole_stops_and_the_map_keeps_serving(
    built_env: dict[str, str],
    tmp_path: Path,
    breaker: Callable[[Path], None],
) -> None:
    broken = tmp_path / f"village.{'xlsx' if breaker is truncated_xlsx else 'csv'}"
    breaker(broken)
    env = {**built_env, "SEMAP_REGISTRIES": str(_manifest(tmp_path, broken))}
    result = semap("build", env=env, check=False)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    message = next(line for line in stderr.splitlines() if line.startswith("semap: error:"))
    assert f"{broken.name} was rejected whole" in message and "unchanged" in message
    assert "Traceback" not in stderr
    assert _organizations(built_env) == 1871  # the previous data keep serving


def test_a_shrinking_build_stops_unless_allowed(built_env: dict[str, str], tmp_path: Path) -> None:
    header = tmp_path / "village.csv"
    header_only(header)  # the file is fine, but 111 village enterprises would vanish...
    raw = tomllib.loads((DEMO / "registries.toml").read_text(encoding="utf-8"))
    busan_only = tmp_path / "busan.toml"  # ...and a manifest of only the real Busan rows would empty the map
    sample = SHARED / "samples" / "official"
    busan_only.write_text(
        'as_of = "2025-12-31"\n[[registry]]\n'
        f'file = "{sample / "mois_village_enterprises_2025-12-31_busan_excerpt.xlsx"}"\n'
        'format = "mois-village-enterprises"\n[addressdb]\n'
        f"files = [{', '.join(repr(str(DEMO / f)).replace(chr(39), chr(34)) for f in raw['addressdb']['files'])}]\n"
        "lots = []\n",
        encoding="utf-8",
    )
    refused = semap("build", env={**built_env, "SEMAP_REGISTRIES": str(busan_only)}, check=False)
    assert refused.returncode == 1
    assert "organizations would shrink from 1871 to 0" in refused.stderr.decode()
    assert _organizations(built_env) == 1871
    allowed = semap("build", "--allow-shrink", env={**built_env, "SEMAP_REGISTRIES": str(busan_only)})
    out = allowed.stdout.decode()
    assert "--allow-shrink: organizations would shrink from 1871 to 0" in out
    assert "10 outside the study area" in out
    assert _organizations(built_env) == 0


def test_manifest_mistakes_are_one_clear_line(tmp_path: Path, built_env: dict[str, str]) -> None:
    no_format = tmp_path / "no-format.toml"
    no_format.write_text(f'[[registry]]\nfile = "{VILLAGE}"\n', encoding="utf-8")
    result = semap("build", env={**built_env, "SEMAP_REGISTRIES": str(no_format)}, check=False)
    assert result.returncode == 1 and "[[registry]] entry 1 has no format" in result.stderr.decode()
    missing = _manifest(tmp_path, tmp_path / "nowhere.csv")
    result = semap("build", env={**built_env, "SEMAP_REGISTRIES": str(missing)}, check=False)
    assert result.returncode == 1 and "nowhere.csv" in result.stderr.decode()
    assert _organizations(built_env) == 1871


def test_no_lot_file_and_a_file_listed_twice_still_build(tmp_path: Path) -> None:
    manifest = read_manifest(_manifest(tmp_path, None, lots=False, twice=True))
    assert manifest.addressdb.lots == []
    result = ingest(manifest.registries)
    assert any("listed twice" in p.reason for p in result.problems)
    assert len({o.id for o in result.organizations}) == len(result.organizations)


def test_same_name_and_address_with_different_business_numbers_are_two_organizations(tmp_path: Path) -> None:
    path = tmp_path / "twins.csv"
    lines = _lines()
    path.write_bytes(
        lines[0]
        + "쌍둥이 협동조합,서울시,서울특별시 도봉구 시루봉로 87,카페,,,\r\n".encode()
        + "쌍둥이 협동조합,서울시,서울특별시 도봉구 시루봉로 87,카페,,,\r\n".encode()
    )
    coops = tmp_path / "coops.csv"
    coops.write_text(
        "번호,조합명,조합원유형,사업자번호,주소\r\n"
        "1,쌍둥이 협동조합,소비자,123-45-67890,서울특별시 도봉구 시루봉로 87\r\n"
        "2,쌍둥이 협동조합,소비자,223-45-67890,서울특별시 도봉구 시루봉로 87\r\n",
        encoding="utf-8-sig",
    )
    result = ingest([RegistryEntry(coops, "cooperative-registry")])
    twins = [o for o in result.organizations if o.name == "쌍둥이 협동조합"]
    assert len(twins) == 2 and twins[0].id != twins[1].id
