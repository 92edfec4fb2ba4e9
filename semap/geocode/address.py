"""Normalize the ways Seoul registries write addresses into road-name (or lot-number) address parts.

Handles: 서울특별시/서울시/서울/no prefix, glued to the district and dong or not (서울노원구하계동 256);
numbers glued to the road (신림로250, 동소문로23길8-8); roads split by
spaces (양재대로 136길, 진관 4로); sub-numbers; floors and units (3층, 지하02호, B1층, 비1층, 지층, 3~7층, 101동 301호);
parentheses ((봉천동), (오장동,1층)); commas; `715. 9층`; newlines; two addresses in one cell ((본점) … (사업장) …);
lot-number addresses (성산동 661, 산 lots); lettered and secondary branch roads, which are part of the road
name (테헤란로93나길 88, 초량상로 63번가길 28, …안길, …번안길): the number before them is never a building number;
a road without a building number (시루봉로2길, 행복빌딩 3층), placed on its road; other provinces keep their 시도 and
시군구 (부산 해운대구, 경기 광명시), and a 시군구 typo is corrected only when one name of that 시도 is one letter away.
Unparseable input raises AddressError with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from semap.errors import SemapError
from semap.geodata.districts import load_crosswalk
from semap.geodata.sido import canonical_sido, sigungu_names

SEOUL = "서울특별시"
SEOUL_PREFIX = re.compile(r"^(서울특별시|서울특별|서울시|서울)\s*")
OTHER_SIDO = re.compile(
    r"^(경기도|경기|인천광역시|인천|부산광역시|부산|대구광역시|대구|광주광역시|대전광역시|대전|울산광역시|울산|"
    r"세종특별자치시|세종|강원도|강원특별자치도|강원|충청북도|충북|충청남도|충남|전라북도|전북특별자치도|전북|"
    r"전라남도|전남|경상북도|경북|경상남도|경남|제주특별자치도|제주도|제주)(?=\s|$)"
)
# Which address in a cell with several is the organization's own: 본점 and its synonyms win.
MAIN_LABELS = ("본점", "본사", "주사무소", "사무소", "주소")
LABELLED_PART = re.compile(r"[(\[]?\s*(본점|본사|주사무소|사무소|사업장|지점|공장|매장|센터)\s*[)\]:：]\s*")
# A branch road: <n>길, <n>번길, lettered <n>가길…<n>하길, <n>안길, <n>번가길, <n>번안길 (and …로).
BRANCH = r"(?:번)?[가나다라마바사아자차카타파하]?안?(?:길|로)"
JOIN_SPLIT_ROAD = re.compile(rf"([가-힣])\s+(\d+{BRANCH})(?=\s|\d|$|,)")
ROAD_ADDRESS = re.compile(
    r"^(?P<road>(?:[가-힣A-Za-z0-9·.]*?[가-힣A-Za-z](?:\d+(?:번)?)?|\d+)(?:대로|로|길))\s*"
    rf"(?P<under>지하\s*)?(?P<main>\d+)(?!\d)(?!\s*(?:{BRANCH}|(?:번)?가(?![가-힣])))"
    r"(?:\s*-\s*(?P<sub>\d+))?(?:\s*번지)?"
)
ROAD_ONLY = re.compile(r"^(?P<road>[가-힣A-Za-z0-9·.]*[가-힣A-Za-z0-9](?:대로|로|길))(?=[\s,]|$)")
SIGUNGU_TOKEN = re.compile(r"^([가-힣]+(?:시|군|구))(?:\s+([가-힣]+구))?(?=\s)")
LOT_ADDRESS = re.compile(
    r"^(?P<dong>[가-힣0-9.·]+?(?:동|가|리))\s*(?P<san>산\s*)?(?P<main>\d+)(?!\d)(?!가)(?:\s*-\s*(?P<sub>\d+))?(?:\s*번지)?"
)
LEADING_DONG = re.compile(r"^([가-힣0-9.·]+(?:동|가))\s+(?=[가-힣A-Za-z0-9·.]*(?:대로|로|길)\s*(?:지하\s*)?\d)")
DONG_HINT = re.compile(r"^[가-힣0-9.·]+(?:동|가|리)$")


class AddressError(SemapError):
    """An address that cannot be read as a road-name or lot-number address; the message says why."""


@dataclass(frozen=True)
class ParsedAddress:
    sido: str | None
    district: str | None  # Korean district name, e.g. 강남구 (Seoul only)
    road: str | None
    underground: bool
    main: int | None
    sub: int | None
    lot_dong: str | None  # legal dong of a lot-number address
    san: bool
    detail: str | None  # floor, unit, building name, dong in parentheses
    dong_hint: str | None  # a dong named in parentheses, e.g. (봉천동)
    other: str | None  # a second address in the same cell, kept as written
    canonical: str
    warnings: tuple[str, ...] = ()  # what was corrected (a 시군구 typo), for the rejects report

    @property
    def kind(self) -> str:
        return "road" if self.road else "lot"

    @property
    def in_seoul(self) -> bool:
        # No 시도 and no 시군구 of another province: a Seoul registry's address ("테헤란로 1").
        return self.sido == SEOUL or (self.sido is None and self.district is None)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "kind": self.kind}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    text = text.replace("，", ",")
    return re.sub(r"\s+", " ", text).strip(" ,")


def split_main_address(text: str) -> tuple[str, str | None]:
    """From a cell like '(본점) … (사업장) …' take the main address and keep the other."""
    parts = [(m.group(1), m.start(), m.end()) for m in LABELLED_PART.finditer(text)]
    if not parts:
        return text, None
    chunks = []
    for i, (label, _start, end) in enumerate(parts):
        stop = parts[i + 1][1] if i + 1 < len(parts) else len(text)
        chunks.append((label, text[end:stop].strip(" ,/;")))
    main = next((c for c in chunks if c[0] in MAIN_LABELS), chunks[0])
    others = [c[1] for c in chunks if c is not main and c[1]]
    return main[1], " / ".join(others) or None


def _district_names() -> dict[str, str]:
    names = {}
    for d in load_crosswalk():
        names[d.name_ko] = d.name_ko
        names[d.name_ko.removesuffix("구")] = d.name_ko  # 강남 -> 강남구, as in '서울 강남 테헤란로 1'
    return names


def _take_district(text: str) -> tuple[str | None, str]:
    names = _district_names()
    # The district, then a space, a road or a lot's dong, glued or not ('노원구하계동 256', '강남구테헤란로 1')
    match = re.match(r"^([가-힣]+?구)(?=\s|[가-힣0-9 ]*?(?:로|길)|[가-힣0-9.·]+?(?:동|가|리)\s*(?:산\s*)?\d|$)", text)
    if match and match.group(1) in names:
        return match.group(1), text[match.end() :].strip()
    token = text.split(" ", 1)
    if token[0] in names and len(token) > 1 and not token[0].endswith(("로", "길", "동")):
        return names[token[0]], token[1]
    return None, text


def _take_parentheses(text: str) -> tuple[str, list[str]]:
    inside = re.findall(r"\(([^()]*)\)", text)
    outside = re.sub(r"\([^()]*\)", " ", text)
    return re.sub(r"\s+", " ", outside).strip(), [s.strip() for s in inside if s.strip()]


def _detail(rest: str, parenthesized: list[str]) -> tuple[str | None, str | None]:
    dong_hint = None
    extras = []
    for chunk in parenthesized:
        for piece in re.split(r"\s*,\s*", chunk):
            if dong_hint is None and DONG_HINT.match(piece):
                dong_hint = piece
            elif piece:
                extras.append(piece)
    rest = re.sub(r"^[\s,.\-·]+", "", rest).strip(" ,")
    detail = ", ".join(p for p in [rest, *extras] if p)
    return detail or None, dong_hint


def normalize(raw: str) -> ParsedAddress:
    if raw is None or not str(raw).strip():
        raise AddressError("empty address")
    text = _clean(str(raw))
    text, other = split_main_address(text)
    sido: str | None = None
    district: str | None = None
    warnings: list[str] = []
    if match := SEOUL_PREFIX.match(text):
        sido, text = SEOUL, text[match.end() :]
    elif match := OTHER_SIDO.match(text):
        sido, text = canonical_sido(match.group(1)), text[match.end() :].strip()
        district, text, warnings = _take_sigungu(sido, text)
    if sido in (None, SEOUL):
        district, text = _take_district(text.strip())
        if district is None and sido == SEOUL:
            district, text, warnings = _take_sigungu(SEOUL, text.strip())
    if sido is None and district is not None:
        sido = SEOUL
    elif sido is None and (m := SIGUNGU_TOKEN.match(text.strip())):
        # A 시군구 that is not Seoul's and no 시도 ('동구 초량상로 …'): kept, and not placed in Seoul.
        district, text = m.group(0), text.strip()[m.end() :].strip()
    text, parenthesized = _take_parentheses(text)
    text = JOIN_SPLIT_ROAD.sub(r"\1\2", text)
    if leading := LEADING_DONG.match(text):  # '개포동 일원로5길 68': the dong is a hint, the road decides
        parenthesized.insert(0, leading.group(1))
        text = text[leading.end() :]

    if road_match := ROAD_ADDRESS.match(text):
        road = road_match.group("road")
        main, sub = int(road_match.group("main")), road_match.group("sub")
        detail, dong_hint = _detail(text[road_match.end() :], parenthesized)
        under = road_match.group("under") is not None
        number = f"{'지하 ' if under else ''}{main}{f'-{int(sub)}' if sub else ''}"
        canonical = " ".join(p for p in (_sido_for_canonical(sido, district), district, road, number) if p)
        return ParsedAddress(
            sido,
            district,
            road,
            under,
            main,
            int(sub) if sub else None,
            None,
            False,
            detail,
            dong_hint,
            other,
            canonical,
            tuple(warnings),
        )
    if lot_match := LOT_ADDRESS.match(text):
        dong = lot_match.group("dong")
        main, sub = int(lot_match.group("main")), lot_match.group("sub")
        san = lot_match.group("san") is not None
        detail, dong_hint = _detail(text[lot_match.end() :], parenthesized)
        number = f"{'산 ' if san else ''}{main}{f'-{int(sub)}' if sub else ''}"
        canonical = " ".join(p for p in (_sido_for_canonical(sido, district), district, dong, number) if p)
        return ParsedAddress(
            sido,
            district,
            None,
            False,
            main,
            int(sub) if sub else None,
            dong,
            san,
            detail,
            dong_hint,
            other,
            canonical,
            tuple(warnings),
        )
    if (road_only := ROAD_ONLY.match(text)) and len(re.findall(r"[가-힣]", road_only.group("road"))) >= 2:
        # A road without a building number is still an address: placed on its road or district, labelled so.
        road = road_only.group("road")
        detail, dong_hint = _detail(text[road_only.end() :], parenthesized)
        canonical = " ".join(p for p in (_sido_for_canonical(sido, district), district, road) if p)
        return ParsedAddress(
            sido, district, road, False, None, None, None, False, detail, dong_hint, other, canonical, tuple(warnings)
        )
    raise AddressError(f"no road name with a building number, nor a lot number, in {raw!r}")


def _sido_for_canonical(sido: str | None, district: str | None) -> str | None:
    # A bare Seoul address reads as Seoul; a bare 시군구 of elsewhere ('동구 …') does not guess its 시도.
    return sido or (SEOUL if district is None else None)


def _one_letter_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _take_sigungu(sido: str | None, text: str) -> tuple[str | None, str, list[str]]:
    """The 시군구 after a 시도 ('해운대구', '수원시 영통구'), corrected when exactly one name of that 시도 is one
    letter away (헤운대구 -> 해운대구, with a warning); an unknown name is kept as written."""
    match = SIGUNGU_TOKEN.match(text)
    if not match or sido is None:
        return None, text, []
    names = sigungu_names().get(sido, ())
    written = " ".join(g for g in match.groups() if g)
    for candidate in (written, match.group(1)):  # '수원시 영통구', or only '광명시' before a road ending in 구
        if candidate in names:
            return candidate, text[len(candidate) :].strip(), []
    close = [n for n in names if _one_letter_apart(n, match.group(1))]
    if len(close) == 1:
        warning = f"시군구 {match.group(1)!r} read as {close[0]!r} (the only {sido} name one letter away)"
        return close[0], text[len(match.group(1)) :].strip(), [warning]
    return written, text[match.end() :].strip(), []  # not a name we know: kept as written
