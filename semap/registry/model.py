"""What SeMap keeps about organizations and shared resources."""

from __future__ import annotations

from dataclasses import dataclass, field

from semap.geocode.address import ParsedAddress

ORG_TYPES = ("사회적기업", "협동조합", "마을기업", "자활기업", "중간지원조직", "협의회")
# One type per organization in tables that count each organization once ("중복 제외"): the designation that
# comes first here decides it.
TYPE_PRECEDENCE = ("사회적기업", "마을기업", "자활기업", "협동조합", "중간지원조직", "협의회")
SUBTYPE_PRECEDENCE = {"사회적기업": ("인증", "서울형(예비)", "지역형(예비)")}
RESOURCE_CATEGORIES = ("공간", "집기", "재능기부", "문제해결", "물품", "중고물품", "사람")
INDUSTRIES = ("교육", "기타서비스", "문화", "복지", "식음료", "영농", "유통", "일반제조", "주택건축", "환경")
SEMAP_CATEGORIES = (
    "생활편의",
    "문화·여가",
    "건강·복지",
    "음식·카페",
    "교육·학원",
    "금융",
    "유통·쇼핑",
    "출판·미디어",
    "환경",
    "건설·시설",
    "제조업",
    "행정·중간지원조직",
    "기타",
)
# Personal contact fields: kept in the store, left out of public outputs.
CONTACT_FIELDS = ("phone", "email", "contact")


@dataclass(frozen=True)
class Problem:
    """One entry of the rejects file: what was wrong where, and what SeMap did about it."""

    file: str
    row: int
    field: str
    value: str
    reason: str
    action: str  # "rejected" (row not loaded), "dropped" (field emptied, row loaded), "flagged"


@dataclass(frozen=True)
class Designation:
    type: str
    subtype: str
    designated_on: str | None
    source: str


@dataclass
class OrgRecord:
    """One validated registry row."""

    source: str
    name: str
    designation: Designation
    address_raw: str
    address: ParsedAddress
    business_number: str | None = None
    district_written: str | None = None  # adm_code of the district the registry wrote, if any
    industry_raw: str | None = None
    industry: str | None = None
    category: str | None = None
    phone: str | None = None
    website: str | None = None
    email: str | None = None
    description: str | None = None
    status: str = "operating"


@dataclass
class Organization:
    id: str
    name: str
    designations: list[Designation]
    address_raw: str
    address: ParsedAddress
    sources: list[str]
    business_number: str | None = None
    district_written: str | None = None
    industry: str | None = None
    category: str | None = None
    phone: str | None = None
    website: str | None = None
    email: str | None = None
    description: str | None = None
    status: str = "operating"
    names: list[str] = field(default_factory=list)  # every spelling the registries used

    @property
    def type(self) -> str:
        return min((d.type for d in self.designations), key=TYPE_PRECEDENCE.index)

    @property
    def subtype(self) -> str:
        own = [d.subtype for d in self.designations if d.type == self.type]
        order = SUBTYPE_PRECEDENCE.get(self.type)
        return min(own, key=order.index) if order else own[0]

    @property
    def designated_on(self) -> str | None:
        dates = [d.designated_on for d in self.designations if d.type == self.type and d.designated_on]
        return min(dates) if dates else None


@dataclass
class Resource:
    id: str
    source: str
    district_written: str  # adm_code
    category: str
    name: str
    owner_name: str | None
    owner_business_number: str | None
    address_raw: str | None
    address: ParsedAddress | None
    description: str | None = None
    fee: str | None = None
    eligibility: str | None = None
    availability: str | None = None
    contact: str | None = None
    verified_at: str | None = None
    owner_org_id: str | None = None
