"""What statistics tables are made of: the choices the API and the CLI offer, without the code computing them."""

from __future__ import annotations

from enum import StrEnum


class CountBy(StrEnum):
    type = "type"
    subtype = "subtype"
    designation = "designation"
    industry = "industry"
    category = "category"


class LqBy(StrEnum):
    industry = "industry"
    category = "category"
    type = "type"


class Level(StrEnum):
    district = "district"
    dong = "dong"


class ResourcesBy(StrEnum):
    district = "district"
    organization = "organization"
