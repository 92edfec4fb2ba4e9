"""Source formats, declared in semap/data/formats/*.toml: which header means which field, and value vocabularies."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from semap.errors import GeodataError
from semap.resources import PACKAGE_DATA_DIR

FORMATS_DIR = PACKAGE_DATA_DIR / "formats"


@dataclass(frozen=True)
class RegistryFormat:
    name: str
    record: str  # "organization" or "resource"
    required: tuple[str, ...]
    columns: dict[str, str]  # source header -> field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> written value -> canonical
    defaults: dict[str, str] = field(default_factory=dict)
    org_type: str | None = None
    sheet: str | None = None  # XLSX: the sheet to read (default: the first that holds anything)
    # How a row shows it lies outside the study area: "sido" (a 시도 column), "address" (the 시도 its address
    # names: national files without the column), or None (a local list, whose rows are all the area's).
    area: str | None = None

    def header_for(self, field_name: str) -> str:
        return next((h for h, f in self.columns.items() if f == field_name), field_name)


@dataclass(frozen=True)
class IndustryRule:
    keys: tuple[str, ...]
    industry: str
    category: str


def load_format(name: str, manifest_dir: Path | None = None) -> RegistryFormat:
    """A shipped format by name (semap/data/formats/<name>.toml), or a user's format file: a name ending in
    .toml is a path, relative to the manifest that names it."""
    if name.endswith(".toml"):
        path = Path(name) if manifest_dir is None else manifest_dir / name
        return _load_format_file(path.resolve())
    path = FORMATS_DIR / f"{name}.toml"
    if not path.is_file():
        raise GeodataError(f"no shipped registry format {name!r}; shipped: {', '.join(shipped_formats())}")
    return _load_format_file(path)


def shipped_formats() -> list[str]:
    return sorted(p.stem for p in FORMATS_DIR.glob("*.toml") if p.stem != "industries")


@cache
def _load_format_file(path: Path) -> RegistryFormat:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the registry format: {exc}") from None
    if raw.get("record") not in ("organization", "resource"):
        raise GeodataError(f"{path}: record must be 'organization' or 'resource'")
    if not raw.get("columns") or not raw.get("name"):
        raise GeodataError(f"{path}: a format needs a name and a [columns] table (header = field)")
    if raw.get("area") not in (None, "sido", "address"):
        raise GeodataError(f"{path}: area must be 'sido' or 'address'")
    return RegistryFormat(
        name=raw["name"],
        record=raw["record"],
        required=tuple(raw.get("required", ())),
        columns=dict(raw["columns"]),
        values={k: dict(v) for k, v in raw.get("values", {}).items()},
        defaults=dict(raw.get("defaults", {})),
        org_type=raw.get("type"),
        sheet=raw.get("sheet"),
        area=raw.get("area"),
    )


@cache
def industry_rules(folder: Path = FORMATS_DIR) -> tuple[IndustryRule, ...]:
    raw = tomllib.loads((folder / "industries.toml").read_text(encoding="utf-8"))
    return tuple(IndustryRule(tuple(r["keys"]), r["industry"], r["category"]) for r in raw["industry"])


def classify_industry(text: str | None) -> IndustryRule | None:
    """The first rule with a key contained in the registry's 업종 text (spaces ignored)."""
    if not text:
        return None
    compact = text.replace(" ", "")
    return next((rule for rule in industry_rules() if any(k in compact for k in rule.keys)), None)
