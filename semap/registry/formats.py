"""Source formats, declared in geodata/formats/*.toml: which header means which field, and value vocabularies."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from semap.errors import GeodataError
from semap.settings import REPO_GEODATA_DIR

FORMATS_DIR = REPO_GEODATA_DIR / "formats"


@dataclass(frozen=True)
class RegistryFormat:
    name: str
    record: str  # "organization" or "resource"
    required: tuple[str, ...]
    columns: dict[str, str]  # source header -> field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> written value -> canonical
    defaults: dict[str, str] = field(default_factory=dict)
    org_type: str | None = None

    def header_for(self, field_name: str) -> str:
        return next((h for h, f in self.columns.items() if f == field_name), field_name)


@dataclass(frozen=True)
class IndustryRule:
    keys: tuple[str, ...]
    industry: str
    category: str


@cache
def load_format(name: str, folder: Path = FORMATS_DIR) -> RegistryFormat:
    path = folder / f"{name}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the registry format: {exc}") from None
    if raw.get("record") not in ("organization", "resource"):
        raise GeodataError(f"{path}: record must be 'organization' or 'resource'")
    return RegistryFormat(
        name=raw["name"],
        record=raw["record"],
        required=tuple(raw.get("required", ())),
        columns=dict(raw["columns"]),
        values={k: dict(v) for k, v in raw.get("values", {}).items()},
        defaults=dict(raw.get("defaults", {})),
        org_type=raw.get("type"),
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
