"""Deduplicate organizations across registries ("중복 제외").

The rule, in order:
1. Rows with the same 사업자등록번호 are one organization.
2. Rows with the same normalized name (legal-form words, spaces and punctuation removed) and the same
   canonical address (road or lot address without floor/unit) are one organization, unless both carry
   business numbers that differ.
Everything else stays apart. Pairs that look alike but are not merged — the same name at different addresses,
or similar names at the same address — are reported as near-misses for a person to review.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from semap.registry.model import TYPE_PRECEDENCE, Designation, Organization, OrgRecord

LEGAL_FORMS = re.compile(
    r"주식회사|\(주\)|㈜|유한회사|\(유\)|사단법인|\(사\)|재단법인|\(재\)|사회적협동조합|협동조합|영농조합법인|농업회사법인"
)
SIMILAR_NAME = 0.75


@dataclass(frozen=True)
class Merge:
    organization_id: str
    kept_source: str
    kept_name: str
    merged_source: str
    merged_name: str
    rule: str


@dataclass(frozen=True)
class NearMiss:
    source_a: str
    name_a: str
    address_a: str
    source_b: str
    name_b: str
    address_b: str
    reason: str


def normalized_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = LEGAL_FORMS.sub("", text)
    return re.sub(r"[\s\W_]+", "", text).lower()


def address_key(record: OrgRecord) -> str:
    return record.address.canonical


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(b)] = self.find(a)


def _precedence(record: OrgRecord) -> tuple[int, str]:
    return TYPE_PRECEDENCE.index(record.designation.type), record.source


def organization_id(record: OrgRecord) -> str:
    key = f"{normalized_name(record.name)}|{address_key(record)}"
    return "org-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def deduplicate(records: list[OrgRecord]) -> tuple[list[Organization], list[Merge], list[NearMiss]]:
    groups = _UnionFind(len(records))
    rules: dict[int, str] = {}  # per record, the first rule that joined it to another
    by_number: dict[str, int] = {}
    by_name_address: dict[tuple[str, str], int] = {}
    for i, record in enumerate(records):
        if record.business_number:
            if record.business_number in by_number:
                groups.union(by_number[record.business_number], i)
                _note(rules, by_number[record.business_number], i, "same business number")
            else:
                by_number[record.business_number] = i
        key = (normalized_name(record.name), address_key(record))
        if key in by_name_address:
            j = by_name_address[key]
            other = records[j].business_number
            if not (record.business_number and other and other != record.business_number):
                groups.union(j, i)
                _note(rules, j, i, "same normalized name and address")
        else:
            by_name_address[key] = i

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        members[groups.find(i)].append(i)
    organizations, merges = [], []
    for indices in members.values():
        ordered = sorted(indices, key=lambda i: _precedence(records[i]))
        organization = _combine([records[i] for i in ordered])
        organizations.append(organization)
        head = records[ordered[0]]
        for i in ordered[1:]:
            merges.append(
                Merge(organization.id, head.source, head.name, records[i].source, records[i].name, rules.get(i, ""))
            )
    _unique_ids(organizations)
    organizations.sort(key=lambda o: o.id)
    return organizations, merges, _near_misses(records, groups)


def _note(rules: dict[int, str], a: int, b: int, rule: str) -> None:
    # Looked up per merged record when the merges are listed: a scan of every rule per record was quadratic.
    rules.setdefault(a, rule)
    rules.setdefault(b, rule)


def _unique_ids(organizations: list[Organization]) -> None:
    """Two organizations may share name and address (different business numbers: ordinary real data). The first
    keeps the id of its name and address; each later one's id also hashes its business number (or its source)."""
    seen: set[str] = set()
    for organization in organizations:
        if organization.id in seen:
            extra = organization.business_number or organization.sources[0]
            digest = hashlib.sha1(f"{organization.id}|{extra}".encode()).hexdigest()[:12]
            organization.id = f"org-{digest}"
        seen.add(organization.id)


def _combine(ordered: list[OrgRecord]) -> Organization:
    head = ordered[0]
    designations: list[Designation] = []
    for record in ordered:
        d = record.designation
        if all((d.type, d.subtype) != (e.type, e.subtype) for e in designations):
            designations.append(d)

    def first(attribute: str):
        return next((getattr(r, attribute) for r in ordered if getattr(r, attribute)), None)

    return Organization(
        id=organization_id(head),
        name=head.name,
        designations=designations,
        address_raw=head.address_raw,
        address=head.address,
        sources=[r.source for r in ordered],
        business_number=first("business_number"),
        district_written=first("district_written"),
        industry=first("industry"),
        category=first("category"),
        phone=first("phone"),
        website=first("website"),
        email=first("email"),
        description=first("description"),
        status="closed" if all(r.status == "closed" for r in ordered) else "operating",
        names=sorted({r.name for r in ordered}),
    )


def _near_misses(records: list[OrgRecord], groups: _UnionFind) -> list[NearMiss]:
    misses = []
    by_name: dict[str, list[int]] = defaultdict(list)
    by_address: dict[str, list[int]] = defaultdict(list)
    names = [normalized_name(record.name) for record in records]  # once per record, not once per pair
    for i, record in enumerate(records):
        by_name[names[i]].append(i)
        by_address[address_key(record)].append(i)

    def add(i: int, j: int, reason: str) -> None:
        a, b = records[i], records[j]
        misses.append(NearMiss(a.source, a.name, address_key(a), b.source, b.name, address_key(b), reason))

    for indices in by_name.values():
        for i, j in combinations(indices, 2):
            if groups.find(i) != groups.find(j):
                add(i, j, "same name, different address or business number")
    for indices in by_address.values():
        for i, j in combinations(indices, 2):
            if groups.find(i) == groups.find(j):
                continue
            ni, nj = names[i], names[j]
            if ni == nj:
                continue
            # A building may house a hundred organizations: the cheap upper bounds rule most pairs out first.
            matcher = SequenceMatcher(None, ni, nj)
            bounds = matcher.real_quick_ratio() >= SIMILAR_NAME and matcher.quick_ratio() >= SIMILAR_NAME
            if bounds and matcher.ratio() >= SIMILAR_NAME:
                add(i, j, "similar names at the same address")
    return misses
