"""Normalize the ways Seoul registries write addresses into road-name (or lot-number) address parts.

Handles: 서울특별시/서울시/서울/no prefix; numbers glued to the road (신림로250, 동소문로23길8-8); roads split by
spaces (양재대로 136길, 진관 4로); sub-numbers; floors and units (3층, 지하02호, B1층, 비1층, 지층, 3~7층, 101동 301호);
parentheses ((봉천동), (오장동,1층)); commas; `715. 9층`; newlines; two addresses in one cell ((본점) … (사업장) …);
lot-number addresses (성산동 661, 산 lots). Unparseable input raises AddressError with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from semap.errors import SemapError
from semap.geodata.districts import load_crosswalk

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
JOIN_SPLIT_ROAD = re.compile(r"([가-힣])\s+(\d+(?:번)?(?:길|로))(?=\s|\d|$|,)")
ROAD_ADDRESS = re.compile(
    r"^(?P<road>(?:[가-힣A-Za-z0-9·.]*?[가-힣A-Za-z](?:\d+(?:번)?)?|\d+)(?:대로|로|길))\s*"
    r"(?P<under>지하\s*)?(?P<main>\d+)(?!\d)(?!\s*(?:번)?(?:길|로|가)(?![가-힣]))"
    r"(?:\s*-\s*(?P<sub>\d+))?(?:\s*번지)?"
)
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

    @property
    def kind(self) -> str:
        return "road" if self.road else "lot"

    @property
    def in_seoul(self) -> bool:
        return self.sido in (None, SEOUL)

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
    match = re.match(r"^([가-힣]+?구)(?=\s|[가-힣0-9 ]*?(?:로|길)|$)", text)
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
    sido = None
    if match := SEOUL_PREFIX.match(text):
        sido, text = SEOUL, text[match.end() :]
    elif match := OTHER_SIDO.match(text):
        sido, text = match.group(1), text[match.end() :].strip()
        # Outside Seoul: drop the 시/군/구 tokens so the road can still be read.
        while m := re.match(r"^[가-힣]+(?:시|군|구)\s+", text):
            text = text[m.end() :]
    district, text = _take_district(text.strip()) if sido in (None, SEOUL) else (None, text)
    if sido is None and district is not None:
        sido = SEOUL
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
        canonical = " ".join(p for p in (sido or SEOUL, district, road, number) if p)
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
        )
    if lot_match := LOT_ADDRESS.match(text):
        dong = lot_match.group("dong")
        main, sub = int(lot_match.group("main")), lot_match.group("sub")
        san = lot_match.group("san") is not None
        detail, dong_hint = _detail(text[lot_match.end() :], parenthesized)
        number = f"{'산 ' if san else ''}{main}{f'-{int(sub)}' if sub else ''}"
        canonical = " ".join(p for p in (sido or SEOUL, district, dong, number) if p)
        return ParsedAddress(
            sido, district, None, False, main, int(sub) if sub else None, dong, san, detail, dong_hint, other, canonical
        )
    if re.match(r"^[가-힣A-Za-z0-9·.]*(?:대로|로|길)(?:\s|$)", text):
        raise AddressError(f"no building number after the road name in {raw!r}")
    raise AddressError(f"no road name with a building number, nor a lot number, in {raw!r}")
