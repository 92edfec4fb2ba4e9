"""A district's shared-resource survey as a coordinator uploads it: checked (size, what the bytes are), read with
the registry reader and header matcher the build uses (semap.registry: one parser per input), with the columns the
coordinator mapped to the survey's fields."""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path

from semap.errors import GeodataError, UnreadableUpload, UploadTooLarge
from semap.registry.formats import RegistryFormat, load_format
from semap.registry.header import closest_cell, column_letter, normal
from semap.registry.read import ReadResult, read_registry, sniff

SURVEY_FORMAT = "shared-resource-survey"  # the shipped survey layout (semap/data/formats)
ACCEPTED_KINDS = ("csv", "xlsx")


@dataclass(frozen=True)
class Upload:
    name: str  # the file's name as the browser sent it (shown, and kept in the records' source)
    data: bytes


@dataclass(frozen=True)
class ReadSurvey:
    """What SeMap read: as `semap registry inspect` reports it, and what the mapping form offers."""

    read: ReadResult
    fmt: RegistryFormat
    kind: str  # csv / xlsx, by the bytes
    matched: list[tuple[str, str, str]]  # (column letter, header cell, field)
    missing: list[str]  # the format's fields no header cell names (required first)
    free_cells: list[str]  # header cells no field reads: what a field can be mapped to
    suggested: dict[str, str]  # field -> the free header cell most like it


def safe_name(name: str) -> str:
    """The file's own name (no folders a browser might send), printable, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:120] or "survey"


def check_upload(upload: Upload, max_bytes: int) -> str:
    """The file's kind by its bytes (csv or xlsx), or why it is not taken."""
    size = len(upload.data)
    if size > max_bytes:
        raise UploadTooLarge(
            f"{upload.name}: {size / 1024:,.0f} KiB is more than the {max_bytes / 1024:,.0f} KiB a survey upload "
            "may have; split the survey or ask the administrator (SEMAP_UPLOAD_MAX_KB)"
        )
    if not upload.data.strip():
        raise UnreadableUpload(f"{upload.name}: the file is empty")
    kind = sniff(upload.data[:8192])
    if kind not in ACCEPTED_KINDS:
        what = "a JSON document" if kind == "json" else "an image or other binary file"
        raise UnreadableUpload(f"{upload.name}: its contents are {what}, not a CSV or XLSX survey (whatever its name)")
    return kind


def survey_format(mapping: dict[str, str]) -> RegistryFormat:
    """The shipped survey format, with the header cells the coordinator mapped read as those fields."""
    base = load_format(SURVEY_FORMAT)
    claimed = {normal(s): f for f in base.fields for s in base.spellings(f)}
    aliases = dict(base.aliases)
    for field, cell in mapping.items():
        if field not in base.fields or not normal(cell):
            continue
        owner = claimed.get(normal(cell))
        if owner is not None and owner != field:
            raise UnreadableUpload(f"the column {cell!r} is read as {owner!r} already; it cannot also be {field!r}")
        claimed[normal(cell)] = field
        aliases[field] = (*aliases.get(field, ()), cell)
    return dataclasses.replace(base, aliases=aliases)


def read_survey(upload: Upload, mapping: dict[str, str], max_bytes: int) -> ReadSurvey:
    kind = check_upload(upload, max_bytes)
    fmt = survey_format(mapping)
    with tempfile.TemporaryDirectory(prefix="semap-survey-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(upload.data)
        try:
            read = read_registry(path, fmt, display_name=upload.name)
        except GeodataError as exc:
            raise UnreadableUpload(str(exc)) from None
    header = read.header
    matched = [(column_letter(i), " ".join(header.cells[i].split()), f) for i, f in sorted(header.positions.items())]
    missing = [f for f in fmt.fields if f not in read.columns]
    missing.sort(key=lambda f: f not in fmt.required)
    free = [" ".join(c.split()) for i, c in enumerate(header.cells) if i not in header.positions and c.strip()]
    suggested = {}
    for name in missing:
        close = closest_cell(fmt, name, header)
        if close is not None:
            suggested[name] = close[1]
    return ReadSurvey(read, fmt, kind, matched, missing, free, suggested)
