"""A coordinator's survey upload (demo data: the synthetic 송파구 survey the demo generator writes): read with the
registry reader, rejects with rows and reasons, the difference with what is served (new, changed, gone), applied
as ordinary edits in that district only, revertible, kept over a rebuild — on both stores; and the upload's
checks (size, type by the bytes, formula cells as text, columns mapped by the coordinator)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from semap.curation import events, review, survey
from semap.curation.policy import Actor
from semap.curation.survey_read import Upload, read_survey
from semap.errors import Conflict, UnreadableUpload, UploadTooLarge
from semap.geodata.districts import by_adm_code
from semap.pipeline.build import build
from semap.settings import PACKAGE_DATA_DIR, GeodataSettings
from tests.conftest import BACKENDS
from tests.living import add_coordinator, signed_in, writable_store

SONGPA = Actor("coordinator", "songpa@example.org", frozenset({"11710"}))
SURVEY = PACKAGE_DATA_DIR / "demo" / "registries" / "shared_resources_songpa-gu_2013.csv"
LIMIT = 2 * 1024 * 1024


def survey_rows() -> list[list[str]]:
    """The demo 송파구 survey: the header, then one list per row (row n of the file is index n - 1)."""
    return list(csv.reader(io.StringIO(SURVEY.read_bytes().decode("utf-8-sig"), newline="")))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(store, record_id: str, column: str):
    found = store.fetch(f"SELECT {column} FROM resources WHERE id = :id", {"id": record_id})
    return found[0][0] if found else "<gone>"


def _edited_survey() -> tuple[list[list[str]], str, int]:
    """The survey with one row of each kind: changed fee, renamed, removed, new; and four rows to refuse."""
    rows = survey_rows()
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows[1][col["이용료"]] = "1회 5,000원"  # row 2: changed
    rows[2][col["자원명"]] = "갈등 조정 상담"  # row 3: renamed, everything else alike: the same resource
    removed = rows.pop(6)  # row 7 of the original: gone
    new = list(rows[1])
    new[col["자원명"]], new[col["보유기관"]] = "공유 냉장고", "새 마을부엌"
    new[col["소재지"]] = "서울특별시 송파구 올림픽로 300"
    other = list(rows[1])
    other[col["자치구"]] = "강남구"
    bad_category = list(rows[1])
    bad_category[col["자원구분"]], bad_category[col["자원명"]] = "우주선", "다른 자원"
    elsewhere = list(new)  # a 송파구 row whose address lies in 은평구
    elsewhere[col["자원명"]], elsewhere[col["소재지"]] = "먼 창고", "서울특별시 은평구 통일로 684"
    no_name = list(new)
    no_name[col["자원명"]] = ""
    rows += [new, other, bad_category, elsewhere, no_name]
    # The new row's line in the file (cells holding line breaks take several); the refused rows follow it.
    return rows, removed[col["자원명"]], as_csv(rows[:-5]).decode("utf-8-sig").count("\n") + 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_survey_upload_is_diffed_applied_in_its_district_reverted_and_kept_over_a_rebuild(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, mirror: Path
) -> None:
    rows, removed_name, new_row = _edited_survey()
    with writable_store(backend, request, tmp_path) as (store, _):
        district = by_adm_code("11710")
        unchanged = survey.diff(store, SONGPA, district, Upload(SURVEY.name, SURVEY.read_bytes()), {}, LIMIT)
        assert unchanged.accepted == 205 and unchanged.rejects == [] and unchanged.changes == []

        found = survey.diff(store, SONGPA, district, Upload("송파구 조사표 2014.csv", as_csv(rows)), {}, LIMIT)
        kinds = {(c.kind, c.row, c.name) for c in found.changes}
        assert kinds == {
            ("changed", 2, "천막"),
            ("changed", 3, "갈등 조정"),
            ("new", new_row, "공유 냉장고"),
            ("gone", None, removed_name),
        }
        changed = {c.row: c for c in found.of("changed")}
        assert changed[2].after == {"fee": "1회 5,000원"} and changed[2].before == {"fee": "협의"}
        assert changed[3].after == {"name": "갈등 조정 상담"}
        refused = {r.row: r.reason for r in found.rejects}
        first = new_row + 1
        assert set(refused) == {first, first + 1, first + 2, first + 3}
        assert "a row of 강남구" in refused[first]
        assert "unknown value" in refused[first + 1]
        assert "placed in 은평구, not in 송파구" in refused[first + 2]
        assert "required value is empty" in refused[first + 3]

        with pytest.raises(Conflict):
            survey.apply(store, SONGPA, found, "not-the-digest", retire_gone=True)
        events_before = store.overlay.fetch("SELECT count(*) FROM change_events")[0][0]
        done = survey.apply(store, SONGPA, found, found.digest, retire_gone=True)
        assert done.failed == [] and len(done.changes) == 4
        fee_id, renamed_id, gone_id = changed[2].record_id, changed[3].record_id, found.of("gone")[0].record_id
        assert _value(store, fee_id, "fee") == "1회 5,000원"
        assert _value(store, renamed_id, "name") == "갈등 조정 상담"
        assert _value(store, gone_id, "status") == "retired"
        created = store.fetch("SELECT id, district_adm_code, source FROM resources WHERE name = '공유 냉장고'")
        assert len(created) == 1 and created[0][1] == "11710" and created[0][2].startswith("survey upload: ")
        districts = store.overlay.fetch("SELECT DISTINCT district_adm_code FROM change_events")
        assert districts == [("11710",)]  # every change an event in that district only
        assert store.overlay.fetch("SELECT count(*) FROM change_events")[0][0] > events_before
        listed = survey.upload_history(store, "11710")
        expected = {(fee_id, "fee"), (renamed_id, "name"), (gone_id, "status")}
        assert {(e.record_id, e.field) for e, _ in listed} >= expected
        # Applied once, the same file differs no more.
        again = survey.diff(store, SONGPA, district, Upload("송파구 조사표 2014.csv", as_csv(rows)), {}, LIMIT)
        assert again.changes == []

        fee_event = next(e for e, _ in listed if e.field == "fee")
        review.revert(store, SONGPA, fee_event.id)
        assert _value(store, fee_id, "fee") == "협의"
        assert dict((e.id, r) for e, r in survey.upload_history(store, "11710"))[fee_event.id] is True

        build(store, GeodataSettings(geodata_mirror=mirror, data_dir=tmp_path / "data"))
        assert _value(store, fee_id, "fee") == "협의"  # the revert holds
        assert _value(store, renamed_id, "name") == "갈등 조정 상담"
        assert _value(store, gone_id, "status") == "retired"
        assert store.fetch("SELECT district_adm_code FROM resources WHERE name = '공유 냉장고'") == [("11710",)]
        history = events.history(store.overlay, "resources", renamed_id)
        assert [(e.kind, e.field, e.district_adm_code) for e in history] == [("edit", "name", "11710")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_upload_pages_refuse_large_binary_other_districts_and_keep_formulas_as_text(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    rows = survey_rows()
    formula = '=HYPERLINK("http://evil.example","x")'
    rows[1][rows[0].index("이용료")] = formula
    rows.append(list(rows[2]))
    rows[-1][rows[0].index("자치구")] = "강남구"
    with writable_store(backend, request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_UPLOAD_MAX_KB", "100")
        add_coordinator(store, "songpa@example.org", "송파구")
        client, csrf = signed_in(store, "songpa@example.org")
        page = "/coordinator/districts/송파구/survey?lang=en"
        assert 'action="/coordinator/districts/송파구/survey' in client.get("/coordinator/districts/송파구").text

        def send(name: str, data: bytes, token: str = csrf, url: str = page):
            return client.post(url, data={"csrf": token}, files={"file": (name, data, "text/csv")})

        too_large = send("big.csv", as_csv(rows) + b"x," * 60_000)
        assert too_large.status_code == 413 and "more than the 100 KiB" in too_large.text
        refused_unread = send("huge.csv", b"x," * 200_000)  # refused by its Content-Length, before it is read
        assert refused_unread.status_code == 413 and "a survey may have 100 KiB" in refused_unread.text
        picture = send("survey.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
        assert picture.status_code == 400 and "not a CSV or XLSX" in picture.text
        assert send("survey.csv", as_csv(rows), token="stale").status_code == 403
        cross_site = client.post(
            page,
            data={"csrf": csrf},
            files={"file": ("survey.csv", as_csv(rows), "text/csv")},
            headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert cross_site.status_code == 403
        assert send("survey.csv", as_csv(rows), url="/coordinator/districts/은평구/survey").status_code == 403

        # A workbook named .csv is read as the workbook it is; its formula cell is text, never evaluated.
        preview = send("survey.csv", as_xlsx(rows))
        assert preview.status_code == 200, preview.text[:500]
        assert "XLSX" in preview.text and "HYPERLINK" in preview.text
        assert "a row of Gangnam-gu: this page takes Songpa-gu&#39;s rows only" in preview.text  # the page's language
        digest = re.search(r'name="digest" value="([^"]+)"', preview.text)
        payload = re.search(r'name="payload" value="([^"]+)"', preview.text)
        assert digest and payload
        applied = client.post(
            "/coordinator/districts/송파구/survey/apply?lang=en",
            data={"csrf": csrf, "digest": digest.group(1), "payload": payload.group(1), "filename": "survey.csv"},
        )
        assert applied.status_code == 200 and "Changes applied: 1" in applied.text
        assert store.fetch("SELECT count(*) FROM resources WHERE fee = :f", {"f": formula}) == [(1,)]
        exported = client.get("/coordinator/districts/송파구/resources.csv").content.decode("utf-8-sig")
        assert "'" + formula.replace('"', '""') in exported and "\n" + formula not in exported


def test_upload_checks_go_by_the_bytes_and_the_size() -> None:
    rows = survey_rows()
    with pytest.raises(UploadTooLarge, match="more than the 1 KiB"):
        read_survey(Upload("s.csv", as_csv(rows)), {}, 1024)
    for data in (b"%PDF-1.4 ...", b'{"items": []}', b"   \r\n"):
        with pytest.raises(UnreadableUpload):
            read_survey(Upload("s.csv", data), {}, LIMIT)
    assert read_survey(Upload("s.xlsx", as_csv(rows)), {}, LIMIT).kind == "csv"  # a CSV named .xlsx
    workbook = read_survey(Upload("s.csv", as_xlsx(rows)), {}, LIMIT)
    assert workbook.kind == "xlsx" and len(workbook.read.rows) == 205


def test_columns_the_coordinator_maps_are_read_as_the_survey_fields() -> None:
    rows = survey_rows()
    rows[0] = ["자원 이름" if h == "자원명" else "주소" if h == "소재지" else h for h in rows[0]]
    unmapped = read_survey(Upload("s.csv", as_csv(rows)), {}, LIMIT)
    assert unmapped.missing[0] == "name" and "address" in unmapped.missing
    assert unmapped.suggested["name"] == "자원 이름"
    mapped = read_survey(Upload("s.csv", as_csv(rows)), {"name": "자원 이름", "address": "주소"}, LIMIT)
    assert mapped.missing == [] and mapped.read.rows[0].values["name"] == "천막"
    with pytest.raises(UnreadableUpload, match="read as 'category' already"):
        read_survey(Upload("s.csv", as_csv(rows)), {"name": "자원구분"}, LIMIT)


def test_formula_cells_of_a_workbook_are_read_as_their_text() -> None:
    rows = survey_rows()[:3]
    rows[1][rows[0].index("이용료")] = "=1+1"
    rows[2][rows[0].index("설명")] = '=HYPERLINK("http://evil.example","x")'
    read = read_survey(Upload("s.xlsx", as_xlsx(rows)), {}, LIMIT).read
    assert read.rows[0].values["fee"] == "=1+1"
    assert read.rows[1].values["description"] == '=HYPERLINK("http://evil.example","x")'
