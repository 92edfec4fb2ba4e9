"""Generate the demo registry from the published 2013 facts, with a fixed seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from semap.demo import resources as demo_resources
from semap.demo.industry import integer_counts, location_quotients, refine
from semap.demo.model import DemoOrg
from semap.demo.places import GYEONGGI_PLACE, Placer
from semap.demo.roads import ROADS
from semap.demo.text import INDUSTRY_WORDING, business_number, org_name, phone
from semap.demo.writers import write_all
from semap.geodata.boundaries import Boundaries
from semap.registry.dedup import normalized_name

SEED = 2013
SUBTYPE_WEIGHTS = {
    "협동조합": {"생산자": 50, "다중이해": 20, "소비자": 10, "직원": 10, "사회적협동조합": 10},
    "마을기업": {"서울시 지정": 70, "행안부 지정": 30},
    "자활기업": {"자활기업": 70, "자활사업단": 30},
}
SE_COLUMNS = {"se_certified": "인증", "se_preliminary_seoul": "서울형(예비)", "se_preliminary_regional": "지역형(예비)"}
OTHER_COLUMNS = {"village_enterprise": "마을기업", "cooperative": "협동조합", "self_sufficiency": "자활기업"}
# Second designations, as they occur: social cooperatives certified as social enterprises, village enterprises
# organized as cooperatives, self-sufficiency enterprises certified as social enterprises.
OVERLAPS = (("사회적기업", "협동조합", 0.12), ("마을기업", "협동조합", 0.3), ("자활기업", "협동조합", 0.08))
SE_ALSO_SELF_SUFFICIENCY = 0.04
DATE_RANGES = {"사회적기업": (2008, 2013), "협동조합": (2013, 2013), "마을기업": (2011, 2013), "자활기업": (2004, 2013)}


@dataclass(frozen=True)
class Facts:
    type_counts: pd.DataFrame  # district_ko index
    lq: pd.DataFrame
    survey: pd.DataFrame
    facilities: pd.DataFrame

    @classmethod
    def read(cls, folder: Path) -> Facts:
        return cls(
            type_counts=pd.read_csv(folder / "district_type_counts_2013.csv").set_index("district_ko"),
            lq=pd.read_csv(folder / "district_industry_lq_2013.csv").set_index("district_ko"),
            survey=pd.read_csv(folder / "shared_resources_survey_2013.csv").set_index("district_ko"),
            facilities=pd.read_csv(folder / "facilities_2021.csv", dtype=str),
        )


def _date(rng: random.Random, org_type: str) -> str:
    first, last = DATE_RANGES[org_type]
    year = rng.randint(first, last)
    month = rng.randint(1, 12)
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def _subtype(rng: random.Random, org_type: str) -> str:
    weights = SUBTYPE_WEIGHTS[org_type]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _primary_designations(counts: pd.Series) -> list[tuple[str, str]]:
    slots = [("사회적기업", sub) for col, sub in SE_COLUMNS.items() for _ in range(int(counts[col]))]
    slots += [(t, "") for col, t in OTHER_COLUMNS.items() for _ in range(int(counts[col]))]
    return slots


def make_organizations(facts: Facts, placer: Placer, rng: random.Random) -> tuple[list[DemoOrg], pd.DataFrame]:
    industries = refine(integer_counts(facts.lq, facts.type_counts["total"]), facts.lq)
    orgs: list[DemoOrg] = []
    names: set[str] = set()
    for district, counts in facts.type_counts.iterrows():
        slots = _primary_designations(counts)
        if district in industries.index:
            pool = [ind for ind, n in industries.loc[district].items() for _ in range(int(n))]
        else:
            pool = [rng.choice(list(INDUSTRY_WORDING)) for _ in slots]
        rng.shuffle(pool)
        for (org_type, subtype), industry in zip(slots, pool, strict=True):
            subtype = subtype or _subtype(rng, org_type)
            name = org_name(rng, org_type, industry, subtype)
            while normalized_name(name) in names:  # distinct organizations get distinct names
                name = org_name(rng, org_type, industry, subtype)
            names.add(normalized_name(name))
            inside = district in ROADS
            org = DemoOrg(
                key=len(orgs),
                name=name,
                district=str(district) if inside else None,
                industry=industry,
                industry_text=rng.choice(INDUSTRY_WORDING[industry]),
                building=placer.new_address(str(district), ROADS[str(district)]) if inside else None,
                business_number=business_number(rng),
                phone=phone(rng),
                designations=[(org_type, subtype, _date(rng, org_type))],
            )
            if not inside:
                sido, sigungu, road, main, _sub, _lon, _lat = GYEONGGI_PLACE
                org.outside_address = f"{sido} {sigungu} {road} {main}"
            if rng.random() < 0.35:
                org.email = f"contact{org.key}@semap-demo.kr"
            if rng.random() < 0.3:
                org.website = f"https://demo{org.key}.semap-demo.kr"
            org.description = f"{org.industry_text} 분야의 {org_type}"
            orgs.append(org)
    _add_overlaps(orgs, rng)
    _add_namesakes(orgs, rng)
    return orgs, industries


def _add_namesakes(orgs: list[DemoOrg], rng: random.Random, pairs: int = 4) -> None:
    """Different cooperatives with the same name in different districts, as registries have them: the
    deduplication must keep them apart and report them as near-misses."""
    coops = [o for o in orgs if o.designations[0][0] == "협동조합" and o.district]
    for first, second in zip(rng.sample(coops, pairs), rng.sample(coops, pairs), strict=True):
        if first.district != second.district:
            second.name = first.name


def _add_overlaps(orgs: list[DemoOrg], rng: random.Random) -> None:
    for org in orgs:
        primary = org.designations[0][0]
        for holder, extra, share in OVERLAPS:
            if primary == holder and rng.random() < share:
                org.designations.append((extra, _subtype(rng, extra), _date(rng, extra)))
        if primary == "사회적기업" and rng.random() < SE_ALSO_SELF_SUFFICIENCY:
            org.designations.append(("자활기업", "자활기업", _date(rng, "자활기업")))


def generate(facts_dir: Path, boundaries: Boundaries, out_dir: Path, seed: int = SEED) -> dict[str, object]:
    """Write the demo registry under ``out_dir``; returns the figures that describe how faithful it is."""
    rng = random.Random(seed)
    facts = Facts.read(facts_dir)
    name_by_adm = dict(zip(boundaries.districts["adm_code"], boundaries.districts["name_ko"], strict=True))
    dongs = boundaries.dongs.assign(district_name=boundaries.dongs["district_adm_code"].map(name_by_adm))
    placer = Placer(dongs, boundaries.districts, rng)
    orgs, industries = make_organizations(facts, placer, rng)
    resources = demo_resources.make_resources(facts, orgs, placer, rng)
    lq_error = (location_quotients(industries) - facts.lq.loc[industries.index]).abs()
    figures: dict[str, object] = {
        "organizations": len(orgs),
        "designations": sum(len(o.designations) for o in orgs),
        "resources": len(resources),
        "lq_mean_abs_difference": round(float(lq_error.to_numpy().mean()), 4),
        "lq_max_abs_difference": round(float(lq_error.to_numpy().max()), 4),
        "lq_cells_within_0_1": round(float((lq_error.to_numpy() <= 0.1).mean()), 4),
    }
    write_all(out_dir, orgs, resources, placer, rng, figures, facts_dir)
    return figures
