"""Source formats, declared in semap/data/formats/*.toml: which header means which field, and value vocabularies."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from semap.errors import GeodataError
from semap.registry.header import normal
from semap.resources import PACKAGE_DATA_DIR

FORMATS_DIR = PACKAGE_DATA_DIR / "formats"
AREA_RULES = ("sido", "address", "designation")


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
    # Which rows lie outside the study area (reported, not loaded): "sido" (a 시도 column says, then the address),
    # None or "address" (the 시도 the address names), or "designation" (a register of the area's own
    # designations: a member located elsewhere is still the area's, kept and counted under its 시도, never placed
    # in the area, as the 2013 report counted a 서울형 social enterprise in 경기도).
    area: str | None = None
    # field -> other spellings of its header: releases rename columns (자활기업구분 / 자활기업구분 (지역/광역))
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def header_for(self, field_name: str) -> str:
        return next((h for h, f in self.columns.items() if f == field_name), field_name)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the format reads, in the order of its columns."""
        return tuple(dict.fromkeys(self.columns.values()))

    def spellings(self, field_name: str) -> tuple[str, ...]:
        """Every header the field is known by: its columns first, then its aliases."""
        own = tuple(h for h, f in self.columns.items() if f == field_name)
        return own + self.aliases.get(field_name, ())

    def known_as(self, field_name: str) -> str:
        """The field's headers for a message: 자활기업구분 (or 자활기업구분 (지역/광역))."""
        first, *others = self.spellings(field_name) or (field_name,)
        return first + (f" (or {', '.join(others)})" if others else "")


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


def _spellings(path: Path, raw: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not all(isinstance(v, (str, list)) for v in raw.values()):
        raise GeodataError(f'{path}: [aliases] lists, per field, its other header spellings (field = ["…"])')
    return {f: (v,) if isinstance(v, str) else tuple(str(x) for x in v) for f, v in raw.items()}


@cache
def _load_format_file(path: Path) -> RegistryFormat:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the registry format: {exc}") from None
    if raw.get("extends"):
        return _extended(path, raw)
    if raw.get("record") not in ("organization", "resource"):
        raise GeodataError(f"{path}: record must be 'organization' or 'resource'")
    if not raw.get("columns") or not raw.get("name"):
        raise GeodataError(f"{path}: a format needs a name and a [columns] table (header = field)")
    if raw.get("area") not in (None, *AREA_RULES):
        raise GeodataError(f"{path}: area must be one of {', '.join(AREA_RULES)}")
    return _checked(
        path,
        RegistryFormat(
            name=raw["name"],
            record=raw["record"],
            required=tuple(raw.get("required", ())),
            columns=dict(raw["columns"]),
            values={k: dict(v) for k, v in raw.get("values", {}).items()},
            defaults=dict(raw.get("defaults", {})),
            org_type=raw.get("type"),
            sheet=raw.get("sheet"),
            area=raw.get("area"),
            aliases=_spellings(path, raw.get("aliases", {})),
        ),
    )


def _extended(path: Path, raw: dict) -> RegistryFormat:
    """A user's format that takes a shipped (or another) format and adds to it: more header spellings
    ([aliases], [columns]), values, defaults; anything else it sets replaces the base's."""
    base = load_format(str(raw["extends"]), path.parent)
    aliases = dict(base.aliases)
    for name, more in _spellings(path, raw.get("aliases", {})).items():
        aliases[name] = aliases.get(name, ()) + more
    values = {k: dict(v) for k, v in base.values.items()}
    for name, table in raw.get("values", {}).items():
        values.setdefault(name, {}).update(table)
    return _checked(
        path,
        RegistryFormat(
            name=raw.get("name", path.name.removesuffix(".toml")),
            record=base.record,
            required=tuple(raw.get("required", base.required)),
            columns={**base.columns, **raw.get("columns", {})},
            values=values,
            defaults={**base.defaults, **raw.get("defaults", {})},
            org_type=raw.get("type", base.org_type),
            sheet=raw.get("sheet", base.sheet),
            area=raw.get("area", base.area),
            aliases=aliases,
        ),
    )


def _checked(path: Path, fmt: RegistryFormat) -> RegistryFormat:
    """Every spelling names one field (after the matcher's normalizing): one claimed by two could be neither."""
    claimed: dict[str, tuple[str, str]] = {}
    for name in fmt.aliases:
        if name not in fmt.fields:
            raise GeodataError(f"{path}: [aliases] names {name!r}, which no column of the format is mapped to")
    for name in fmt.fields:
        for spelling in fmt.spellings(name):
            other, written = claimed.setdefault(normal(spelling), (name, spelling))
            if other != name:
                raise GeodataError(
                    f"{path}: the header {spelling!r} (for {name!r}) reads as {written!r} (for {other!r}): "
                    "one header cannot be two fields"
                )
    return fmt


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
