"""Plausible Korean names and the messy address forms real registries contain, for the demo registry."""

from __future__ import annotations

import random
import re

PREFIXES = (
    "행복",
    "나눔",
    "희망",
    "더불어",
    "함께",
    "우리",
    "마을",
    "푸른",
    "새싹",
    "햇살",
    "두레",
    "어울림",
    "다솜",
    "한빛",
    "온누리",
    "사람",
    "이음",
    "공감",
    "자연",
    "보듬",
    "살림",
    "늘봄",
    "디딤",
    "모두",
    "꿈터",
    "품앗이",
    "소풍",
    "바람",
    "들꽃",
    "징검다리",
    "마중물",
    "동행",
    "씨앗",
    "여울",
    "누리",
    "해오름",
    "별빛",
    "무지개",
)
NOUNS = {
    "교육": ("배움터", "공부방", "교육센터", "아카데미", "학교"),
    "문화": ("극단", "문화공방", "예술단", "스튜디오", "출판사"),
    "복지": ("돌봄", "케어", "복지센터", "나눔터"),
    "식음료": ("밥상", "카페", "베이커리", "도시락", "푸드"),
    "영농": ("농장", "텃밭", "농부들", "양봉원"),
    "유통": ("상회", "마켓", "가게", "장터"),
    "일반제조": ("공방", "제작소", "봉제", "목공소"),
    "주택건축": ("집수리", "건축", "주거", "하우징"),
    "환경": ("재활용센터", "에코", "그린", "되살림"),
    "기타서비스": ("클린", "세탁소", "컨설팅", "배송", "서비스"),
}
# Registry 업종 wording per research industry; each phrase maps back through semap/data/formats/industries.toml.
INDUSTRY_WORDING = {
    "교육": ("교육서비스", "방과후 교육", "체험학습"),
    "문화": ("문화예술", "공연기획", "출판·인쇄", "영상제작"),
    "복지": ("사회복지서비스", "돌봄서비스", "장애인 보호"),
    "식음료": ("음식점업", "카페", "제과·베이커리", "도시락"),
    "영농": ("도시농업", "영농", "양봉"),
    "유통": ("도소매업", "공정무역", "생활협동 매장"),
    "일반제조": ("봉제", "목공·가구 제조", "공예품 제조"),
    "주택건축": ("집수리", "실내건축", "주택 개보수"),
    "환경": ("재활용", "친환경 에너지", "자원순환"),
    "기타서비스": ("청소·방역", "세탁", "택배·배송", "경영 컨설팅", "금융·공제", "기타 서비스"),
}
LEGAL_FORMS = {
    "사회적기업": ("(주)", "주식회사 ", "사단법인 ", "", "(유)"),
    "협동조합": ("", "사회적협동조합 "),
    "마을기업": ("", "(주)", "영농조합법인 "),
    "자활기업": ("", "(주)"),
}
FLOORS = (
    "2층",
    "3층",
    "1층",
    "B1층",
    "비1층",
    "지층",
    "지하1층",
    "3~4층",
    "101호",
    "2층 201호",
    "5층 502호",
    "101동 301호",
)


def org_name(rng: random.Random, org_type: str, industry: str, subtype: str) -> str:
    second = rng.choice(PREFIXES) if rng.random() < 0.6 else ""
    core = f"{rng.choice(PREFIXES)}{second}{rng.choice(NOUNS[industry])}"
    if org_type == "협동조합":
        return f"{core}{'사회적협동조합' if subtype == '사회적협동조합' else ' 협동조합'}"
    form = rng.choice(LEGAL_FORMS[org_type])
    return f"{form}{core}" if form.endswith((" ", ")")) else f"{core}{form}"


def name_variant(rng: random.Random, name: str) -> str:
    """How another registry writes the same organization's name."""
    swaps = [("(주)", "주식회사 "), ("주식회사 ", "(주)"), ("(유)", "유한회사 "), ("사단법인 ", "(사)")]
    for old, new in swaps:
        if old in name:
            return name.replace(old, new).strip()
    return name.replace(" ", "") if " " in name and rng.random() < 0.5 else name


def address_form(
    rng: random.Random, district: str, road: str, main: int, sub: int | None, dong: str, clean: bool = False
) -> str:
    """One of the ways registries write a road-name address (the canonical one when ``clean``)."""
    number = f"{main}-{sub}" if sub else str(main)
    floor = rng.choice(FLOORS)
    if clean:
        return f"서울특별시 {district} {road} {number}"
    if (split := re.match(r"^(.*[가-힣])(\d+(?:길|로))$", road)) and rng.random() < 0.5:
        road = f"{split.group(1)} {split.group(2)}"  # 양재대로 136길, 진관 4로
    forms = (
        f"서울특별시 {district} {road} {number}",
        f"서울특별시 {district} {road} {number}, {floor}",
        f"서울시 {district} {road} {number} {floor}",
        f"서울 {district} {road}{number}",
        f"{district} {road} {number} ({dong})",
        f"서울특별시 {district} {road} {number} {floor} ({dong})",
        f"서울특별시 {district} {road} {number}\n{floor}",
        f"서울 {district} {road} {number}. {floor}",
        f"서울특별시{district}{road}{number}",
        f"서울특별시 {district} {road} {number} ({dong},{floor})",
        f"{district} {road} {number},{floor}",
    )
    return rng.choice(forms)


def phone(rng: random.Random) -> str:
    return f"02-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"


def business_number(rng: random.Random) -> str:
    return f"{rng.randint(101, 899)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"
