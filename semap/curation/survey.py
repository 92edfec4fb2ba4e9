"""A survey upload against what SeMap serves in one district: rows read, rejects with their reasons, and the
difference (new, changed, gone), applied as ordinary edits (semap.curation.edits): every change an event in that
district, revertible, kept over rebuilds like any edit.

Which served resource a row is: the one with the same name and holder (보유기관) — of several, the one most alike
(then the one from the same row) — else the holder's one most alike (a renamed resource). What no row names is
gone, if it came from a survey (not the center's facility list or a resource added by hand)."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from semap.curation import edits
from semap.curation.events import COLUMNS, Event
from semap.curation.fields import CREATED, HIDDEN_STATUSES, RESOURCE_FIELDS
from semap.curation.policy import Actor, require_district
from semap.curation.survey_read import ReadSurvey, Upload, read_survey
from semap.errors import Conflict, Forbidden, InvalidParameter
from semap.geodata.districts import District, by_adm_code
from semap.registry.model import Resource
from semap.registry.outcome import take_row
from semap.settings import GeodataSettings, load
from semap.store.base import Store

COMPARED = (
    "name",
    "category",
    "description",
    "owner_name",
    "fee",
    "eligibility",
    "availability",
    "contact",
    "address_raw",
    "verified_at",
)
UPLOAD_REASON = "survey upload "  # every upload's event gives this reason, then the file and row
UPLOAD_SOURCE = "survey upload: "  # the source of a resource an upload created: "survey upload: FILE#row=N"
RECORD_FIELD = {"phone": "contact", "address": "address_raw"}  # the survey's field -> the record's
RENAME_ALIKE = 5  # of COMPARED, how many must agree for a row with another name to be the holder's resource


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    value: str
    reason: str  # in English, as the registry's rejects are written
    code: str = ""  # the upload's own reasons, which its page words in the reader's language: other_district, …
    districts: tuple[str, ...] = ()  # the adm_codes the reason names


@dataclass(frozen=True)
class Change:
    kind: str  # new / changed / gone
    row: int | None  # the upload's row (None: gone)
    record_id: str | None  # the served resource (None: new)
    name: str
    after: dict[str, str | None]  # new: every value; changed: the changed fields; gone: the status it gets
    before: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyDiff:
    survey: ReadSurvey
    district: District
    accepted: int
    rejects: list[Reject]
    notes: list[Reject]  # accepted rows' fields dropped or flagged
    changes: list[Change]

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def digest(self) -> str:
        """What the coordinator saw and confirmed: applying checks it is still the difference."""
        text = json.dumps([c.__dict__ for c in self.changes], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def _text(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _same(fieldname: str, a: str | None, b: str | None) -> bool:
    """Equal as the record keeps it: one-line fields compared with their spacing and line breaks folded."""
    if RESOURCE_FIELDS[fieldname].multiline:
        return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _one_line(fieldname: str, value: str | None) -> str | None:
    if value is None or RESOURCE_FIELDS[fieldname].multiline:
        return value
    return " ".join(value.split()) or None


def survey_files(settings: GeodataSettings | None = None) -> set[str]:
    """The file names the build read with the survey format (from the registries manifest)."""
    path = (settings or load(GeodataSettings)).registries
    try:
        manifest = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return set()
    entries = manifest.get("registry", [])
    return {Path(str(e.get("file", ""))).name for e in entries if "survey" in str(e.get("format", ""))}


def _from_survey(source: str | None, files: set[str]) -> bool:
    text = source or ""
    return text.startswith(UPLOAD_SOURCE) or text.split("#row=", 1)[0] in files


def _served(store: Store, district: str) -> list[dict[str, str | None]]:
    columns = ("id", *COMPARED, "status", "source")
    rows = store.fetch(
        f"SELECT {', '.join(columns)} FROM resources WHERE district_adm_code = :d ORDER BY id", {"d": district}
    )
    return [{c: _text(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def _values(resource: Resource) -> dict[str, str | None]:
    values = {name: _text(getattr(resource, name, None)) for name in COMPARED if name != "contact"}
    values["contact"] = _text(resource.contact)
    return {name: _one_line(name, value) for name, value in values.items()}


def _alike(row: dict[str, str | None], record: dict[str, str | None]) -> int:
    return sum(_same(n, row.get(n), record.get(n)) for n in COMPARED if n != "verified_at")


def _pick(candidates: list[dict[str, str | None]], values: dict[str, str | None], number: int) -> dict[str, str | None]:
    def score(record: dict[str, str | None]) -> tuple[int, bool]:
        return _alike(values, record), (record.get("source") or "").endswith(f"#row={number}")

    return max(candidates, key=score)


def _match(
    rows: list[tuple[int, dict[str, str | None]]], served: list[dict[str, str | None]]
) -> dict[int, dict[str, str | None]]:
    """Upload row -> the served resource it is (one each)."""
    free = {r["id"]: r for r in served}
    matched: dict[int, dict[str, str | None]] = {}

    def same_key(v: dict[str, str | None], r: dict[str, str | None]) -> bool:
        return _same("name", v["name"], r["name"]) and _same("owner_name", v["owner_name"], r["owner_name"])

    for number, values in rows:
        candidates = [r for r in free.values() if same_key(values, r)]
        if candidates:
            matched[number] = free.pop(str(_pick(candidates, values, number)["id"]))
    for number, values in rows:
        if number in matched:
            continue
        holder = [r for r in free.values() if _same("owner_name", values["owner_name"], r["owner_name"])]
        alike = [r for r in holder if _alike(values, r) >= RENAME_ALIKE]
        if alike:
            matched[number] = free.pop(str(_pick(alike, values, number)["id"]))
    return matched


def _changed(values: dict[str, str | None], record: dict[str, str | None], kept: set[str]) -> dict[str, str | None]:
    after: dict[str, str | None] = {}
    for name in COMPARED:
        if name in kept:
            continue
        new, old = values.get(name), record.get(name)
        if name == "verified_at":
            if new and (not old or new > old[:10]):  # a survey date never moves a confirmation back
                after[name] = new
        elif not _same(name, new, old):
            after[name] = new
    if record.get("status") in HIDDEN_STATUSES:
        after["status"] = "available"  # surveyed again: on the map again
    return after


def _placed(store: Store, district: District, row: int, column: str, address: str) -> Reject | None:
    """Why the address cannot be this district's resource's, or None."""
    try:
        location, _ = edits.place_address(store, address)
    except InvalidParameter as exc:
        return Reject(row, column, address, str(exc).removeprefix("address_raw: "))
    place = json.loads(location)
    found = store.locate(place["lon"], place["lat"])
    if found is None or found[0] != district.adm_code:
        where = by_adm_code(found[0]).name_ko if found else "outside Seoul"
        reason = f"placed in {where}, not in {district.name_ko}"
        codes = (found[0] if found else "", district.adm_code)
        return Reject(row, column, address, reason, "placed_elsewhere", codes)
    return None


def diff(
    store: Store, actor: Actor, district: District, upload: Upload, mapping: dict[str, str], max_bytes: int
) -> SurveyDiff:
    """The upload read, checked row by row, and compared with what the district serves."""
    require_district(actor, district.adm_code)
    survey = read_survey(upload, mapping, max_bytes)
    read, fmt = survey.read, survey.fmt
    rejects: list[Reject] = []
    notes: list[Reject] = []
    rows: list[tuple[int, dict[str, str | None]]] = []
    dropped: dict[int, set[str]] = {}
    for row in read.rows:
        outcome = take_row(row, read, fmt)
        if outcome.problem is not None:
            p = outcome.problem
            rejects.append(Reject(row.row, p.field, p.value, p.reason))
            continue
        assert isinstance(outcome.record, Resource)
        if outcome.record.district_written != district.adm_code:
            other = by_adm_code(outcome.record.district_written).name_ko
            reason = f"a row of {other}: this page takes {district.name_ko}'s rows only (upload it on {other}'s page)"
            codes = (outcome.record.district_written, district.adm_code)
            rejects.append(Reject(row.row, fmt.header_for("district_written"), other, reason, "other_district", codes))
            continue
        notes.extend(Reject(p.row, p.field, p.value, p.reason) for p in outcome.problems)
        field_of = {fmt.header_for(f): f for f in fmt.fields} | {h: f for f, h in row.headers.items()}
        dropped[row.row] = {field_of.get(p.field, p.field) for p in outcome.problems if p.action == "dropped"}
        rows.append((row.row, _values(outcome.record)))
    if read.missing_fields:  # every row refused for it: nothing to compare (and nothing is gone)
        return SurveyDiff(survey, district, 0, rejects, notes, [])
    served = _served(store, district.adm_code)
    matched = _match(rows, served)
    changes: list[Change] = []
    for number, values in rows:
        record = matched.get(number)
        kept = {RECORD_FIELD.get(f, f) for f in dropped.get(number, set())}
        after: dict[str, str | None] = (
            _changed(values, record, kept) if record else {k: v for k, v in values.items() if v is not None}
        )
        if record is not None and not after:
            continue
        address = after.get("address_raw")
        if record is None and not address:
            reason = "a new resource needs an address to place"
            rejects.append(Reject(number, fmt.header_for("address"), "", reason, "needs_address"))
            continue
        problem = _placed(store, district, number, fmt.header_for("address"), address) if address else None
        if problem:
            rejects.append(problem)
            continue
        if record is None:
            changes.append(Change("new", number, None, values["name"] or "", after))
        else:
            before = {k: record.get(k) for k in after}
            changes.append(Change("changed", number, record["id"], record["name"] or "", after, before))
    files = survey_files()
    claimed = {r["id"] for r in matched.values()}
    for record in served:
        if record["id"] in claimed or record.get("status") in HIDDEN_STATUSES:
            continue
        if _from_survey(record.get("source"), files):
            gone = Change("gone", None, record["id"], record["name"] or "", {"status": "retired"}, {"status": None})
            changes.append(gone)
    rejects.sort(key=lambda r: r.row)
    return SurveyDiff(survey, district, len(rows), rejects, notes, changes)


@dataclass
class Applied:
    changes: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, str]] = field(default_factory=list)


def apply(store: Store, actor: Actor, found: SurveyDiff, confirmed: str, retire_gone: bool) -> Applied:
    """Apply the difference the coordinator confirmed (its digest), row by row, as ordinary edits."""
    if confirmed != found.digest:
        raise Conflict("what SeMap serves changed since the preview; look at the difference again before applying")
    file = found.survey.read.file
    done = Applied()
    # One patch for the whole upload (an edit's patch is re-entrant): served at once, in one swap, and on PostGIS
    # in one transaction; a change the policy refuses is listed as not applied, the others go in.
    with store.patching() as target:
        for change in found.changes:
            reason = f"{UPLOAD_REASON}{file}" + (f", row {change.row}" if change.row else "")
            try:
                if change.kind == "new":
                    source = f"{UPLOAD_SOURCE}{file}#row={change.row}"
                    edits.create_resource(target, actor, found.district.adm_code, change.after, source, reason)
                elif change.kind == "changed" or retire_gone:
                    assert change.record_id
                    edits.change(target, actor, "resources", change.record_id, dict(change.after), reason)
                else:
                    continue
            except (InvalidParameter, Forbidden) as exc:
                done.failed.append((change, str(exc)))
                continue
            done.changes.append(change)
    return done


def upload_history(store: Store, district: str, limit: int = 300) -> list[tuple[Event, bool]]:
    """The district's changes made by survey uploads, newest first, each with whether it has been reverted (a new
    resource is listed once, by its creation)."""
    rows = store.overlay.fetch(
        f"SELECT {', '.join(COLUMNS)} FROM change_events WHERE district_adm_code = :d AND reason LIKE :marker "
        f"AND (kind = 'edit' OR (kind = 'create' AND field = :created)) ORDER BY at DESC, id LIMIT {int(limit)}",
        {"d": district, "marker": f"{UPLOAD_REASON}%", "created": CREATED},
    )
    found = [Event(*row) for row in rows]
    reverted = {
        r[0]
        for r in store.overlay.fetch(
            "SELECT refers_to FROM change_events WHERE kind = 'revert' AND district_adm_code = :d", {"d": district}
        )
    }
    return [(e, e.id in reverted) for e in found]
