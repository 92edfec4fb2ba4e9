"""The demo's organizations and resources before they are written out as registry files."""

from __future__ import annotations

from dataclasses import dataclass, field

from semap.demo.places import Building


@dataclass
class DemoOrg:
    key: int
    name: str
    district: str | None  # None: registered outside Seoul
    industry: str
    industry_text: str
    building: Building | None
    business_number: str
    phone: str
    designations: list[tuple[str, str, str]] = field(default_factory=list)  # (type, subtype, date)
    email: str = ""
    website: str = ""
    description: str = ""
    outside_address: str = ""


@dataclass
class DemoResource:
    district: str
    category: str
    name: str
    description: str
    owner_name: str
    owner_business_number: str
    building: Building
    fee: str
    eligibility: str
    availability: str
    contact: str
    surveyed_on: str
