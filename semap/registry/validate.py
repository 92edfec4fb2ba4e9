"""Validate registry rows field by field. A bad required field rejects the row; a bad optional field is dropped
and reported; nothing is lost silently."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

from semap.errors import NotFound
from semap.geocode.address import AddressError, normalize
from semap.geodata.districts import by_name
from semap.registry.formats import RegistryFormat, classify_industry
from semap.registry.model import Designation, OrgRecord, Problem, Resource
from semap.registry.read import SourceRow

JUNK_CELLS = {"합계", "소계", "총계", "계", "누계"}
STATUS = {
    "operating": ("영업", "정상", "운영", "운영중", "계속", "활동"),
    "closed": ("폐업", "휴업", "해산", "취소", "청산", "지정취소"),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y. %m. %d.", "%Y. %m. %d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d.")


class RowRejected(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


class RowChecker:
    """Field checks for one row, collecting problems."""

    def __init__(self, row: SourceRow, fmt: RegistryFormat) -> None:
        self.row, self.fmt = row, fmt
        self.problems: list[Problem] = []

    def value(self, field: str) -> str:
        return self.row.values.get(field, "").strip() or self.fmt.defaults.get(field, "")

    def problem(self, field: str, reason: str, action: str) -> Problem:
        column = self.row.headers.get(field) or self.fmt.header_for(field)  # as the file writes it
        entry = Problem(self.row.file, self.row.row, column, self.value(field), reason, action)
        if action != "rejected":
            self.problems.append(entry)
        return entry

    def reject(self, field: str, reason: str) -> RowRejected:
        return RowRejected(self.problem(field, reason, "rejected"))

    def required(self, field: str) -> str:
        text = self.value(field)
        if not text:
            raise self.reject(field, "required value is empty")
        return text

    def vocabulary(self, field: str) -> str:
        text = self.required(field)
        table = self.fmt.values.get(field, {})
        lookup = {"".join(k.split()): v for k, v in table.items()}
        canonical = lookup.get("".join(text.split()))
        if canonical is None:
            raise self.reject(field, f"unknown value; allowed: {', '.join(sorted(set(table.values())))}")
        return canonical

    def optional(self, field: str, check, reason: str) -> str | None:
        text = self.value(field)
        if not text:
            return None
        result = check(text)
        if result is None:
            self.problem(field, reason, "dropped")
        return result

    def district(self, field: str) -> str | None:
        text = self.value(field)
        if not text:
            return None
        try:
            return by_name(text).adm_code
        except NotFound:
            if text.startswith(("경기", "인천")):
                return None
            self.problem(field, "not a Seoul district name", "dropped")
            return None


UNMAPPED_INDUSTRY = "no industry rule matches; counted as 기타서비스 / 기타"


def parse_date(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"\d{5}(\.0)?", text):  # an Excel serial date written out as a number
        return (date(1899, 12, 30) + timedelta(days=int(float(text)))).isoformat()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def business_number(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}" if len(digits) == 10 else None


def phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    return text.strip() if 8 <= len(digits) <= 12 else None


def website(text: str) -> str | None:
    text = text.strip()
    if re.match(r"^https?://\S+\.\S+$", text):
        return text
    return f"http://{text}" if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", text) else None


def status(text: str) -> str | None:
    return next((s for s, words in STATUS.items() if any(w in text for w in words)), None)


def _junk(row: SourceRow) -> bool:
    cells = [c.strip() for c in row.line.split(" | ")]
    return any(c in JUNK_CELLS for c in cells) or row.line.lstrip().startswith(("※", "*", "주)", "자료"))


def _address(check: RowChecker, required: bool):
    text = check.value("address")
    if not text:
        if required:
            raise check.reject("address", "required value is empty")
        return None, None
    try:
        parsed = normalize(text)
    except AddressError as exc:
        if required:
            raise check.reject("address", str(exc)) from None
        check.problem("address", f"{exc}; placed by its district", "flagged")
        return text, None
    for warning in parsed.warnings:
        check.problem("address", warning, "flagged")
    if parsed.main is None and parsed.road:
        check.problem("address", "no building number: placed on its road or district", "flagged")
    return text, parsed


def validate_organization(row: SourceRow, fmt: RegistryFormat) -> tuple[OrgRecord, list[Problem]]:
    check = RowChecker(row, fmt)
    if _junk(row):
        raise RowRejected(
            Problem(row.file, row.row, "(row)", row.line, "not a data row: a total or note line", "rejected")
        )
    name = check.required("name")
    subtype = check.vocabulary("subtype")
    address_raw, address = _address(check, required=True)
    source = f"{row.file}#row={row.row}"
    designated_on = check.optional("designated_on", parse_date, "not a date (expected e.g. 2013-06-30)")
    industry_raw = check.value("industry_raw") or None
    rule = classify_industry(industry_raw)
    if industry_raw and rule is None:
        check.problem("industry_raw", UNMAPPED_INDUSTRY, "flagged")
    record = OrgRecord(
        source=source,
        name=name,
        designation=Designation(fmt.org_type or "", subtype, designated_on, source),
        address_raw=address_raw,
        address=address,
        business_number=check.optional("business_number", business_number, "not a 10-digit 사업자등록번호"),
        district_written=check.district("district_written"),
        industry_raw=industry_raw,
        industry=rule.industry if rule else "기타서비스",
        category=rule.category if rule else "기타",
        phone=check.optional("phone", phone, "not a phone number"),
        website=check.optional("website", website, "not a web address"),
        email=check.optional("email", lambda t: t if EMAIL.match(t) else None, "not an e-mail address"),
        description=check.value("description") or None,
        status=check.optional("status", status, "unknown status (expected e.g. 영업, 폐업)") or "operating",
    )
    return record, check.problems


def validate_resource(row: SourceRow, fmt: RegistryFormat) -> tuple[Resource, list[Problem]]:
    check = RowChecker(row, fmt)
    if _junk(row):
        raise RowRejected(
            Problem(row.file, row.row, "(row)", row.line, "not a data row: a total or note line", "rejected")
        )
    name = check.required("name")
    category = check.vocabulary("category") if "category" in fmt.values else check.required("category")
    district_text = check.required("district_written")
    try:
        district = by_name(district_text).adm_code
    except NotFound:
        raise check.reject("district_written", "not a Seoul district name") from None
    address_raw, address = _address(check, required=False)
    source = f"{row.file}#row={row.row}"
    description = " / ".join(v for v in (check.value("description"), check.value("spaces")) if v) or None
    identity = "|".join((source, name, category))
    resource = Resource(
        id="res-" + hashlib.sha1(identity.encode()).hexdigest()[:12],
        source=source,
        district_written=district,
        category=category,
        name=name,
        owner_name=check.value("owner_name") or None,
        owner_business_number=check.optional("owner_business_number", business_number, "not a 10-digit 사업자등록번호"),
        address_raw=address_raw,
        address=address,
        description=description,
        fee=check.value("fee") or None,
        eligibility=check.value("eligibility") or None,
        availability=check.value("availability") or None,
        contact=check.optional("phone", phone, "not a phone number"),
        verified_at=check.optional("verified_at", parse_date, "not a date (expected e.g. 2013-06-30)"),
    )
    return resource, check.problems
