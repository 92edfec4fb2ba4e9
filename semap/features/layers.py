"""The two public layers and what each shows. Personal contact fields (phone, e-mail, contact) are not here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LayerName(StrEnum):
    organizations = "organizations"
    resources = "resources"


@dataclass(frozen=True)
class Layer:
    name: str
    table: str
    properties: tuple[str, ...]  # public columns, in output order
    json_properties: tuple[str, ...]  # columns holding JSON text, embedded as JSON
    filters: frozenset[str]  # which filter parameters apply
    tile_properties: tuple[str, ...]  # the few attributes vector tiles carry


COMMON_FILTERS = frozenset({"district", "dong", "category", "q", "bbox", "verified_since", "datetime"})

ORGANIZATIONS = Layer(
    name="organizations",
    table="organizations",
    properties=(
        "id",
        "name",
        "type",
        "subtype",
        "designations",
        "industry",
        "category",
        "address_raw",
        "address_normalized",
        "district_adm_code",
        "district_ko",
        "dong_code",
        "website",
        "description",
        "opening_hours",
        "status",
        "designated_on",
        "updated_at",
        "verified_at",
        "match_type",
        "geocoder",
        "confidence",
        "district_mismatch",
        "written_district_differs",
        "precision_m",
        "data_release",
        "address_exists",
        "source",  # the registry files and rows it came from: "file#row=N", one per merged record
    ),
    json_properties=("designations", "source"),
    filters=COMMON_FILTERS | {"type", "subtype", "designation", "industry", "status"},
    tile_properties=("id", "name", "type", "category", "industry", "status"),
)
RESOURCES = Layer(
    name="resources",
    table="resources",
    properties=(
        "id",
        "name",
        "category",
        "description",
        "owner_org_id",
        "owner_name",
        "fee",
        "eligibility",
        "availability",
        "booking_url",
        "status",
        "address_raw",
        "address_normalized",
        "district_adm_code",
        "district_ko",
        "dong_code",
        "updated_at",
        "verified_at",
        "match_type",
        "geocoder",
        "confidence",
        "district_mismatch",
        "written_district_differs",
        "precision_m",
        "data_release",
        "address_exists",
        "source",  # "file#row=N": a survey item or a facility added later
    ),
    json_properties=(),
    filters=COMMON_FILTERS,
    tile_properties=("id", "name", "category", "owner_name"),
)
LAYERS = {LayerName.organizations: ORGANIZATIONS, LayerName.resources: RESOURCES}


def select_list(layer: Layer, alias: str = "t", properties: tuple[str, ...] | None = None) -> str:
    """Public columns (or the chosen ones, in layer order); district_ko comes from the districts table."""
    chosen = properties if properties is not None else layer.properties
    return ", ".join("d.name_ko AS district_ko" if c == "district_ko" else f"{alias}.{c}" for c in chosen)


def from_clause(layer: Layer, alias: str = "t") -> str:
    return f"{layer.table} {alias} LEFT JOIN districts d ON d.adm_code = {alias}.district_adm_code"
