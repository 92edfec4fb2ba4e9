"""The demo's shared resources: the 2013 survey's items in four districts, and the center's facilities."""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import count

from semap.demo.model import DemoOrg, DemoResource
from semap.demo.places import LOT_LINKS, Placer
from semap.demo.roads import ROADS
from semap.geocode.address import AddressError, normalize

CATEGORY_COLUMNS = {"space": "공간", "equipment": "집기", "talent_donation": "재능기부", "problem_solving": "문제해결"}
ITEMS = {
    "공간": ("회의실", "교육장", "공유주방", "다목적홀", "창고", "작업장", "카페 공간", "스튜디오", "텃밭"),
    "집기": ("빔프로젝터", "음향장비", "천막", "접이식 테이블", "의자 30개", "복사기", "카메라", "전동드릴", "재봉틀"),
    "재능기부": ("디자인 재능기부", "회계 상담", "사진 촬영", "법률 상담", "외국어 교육", "악기 교육", "목공 교육"),
    "문제해결": ("마을 문제 해결 컨설팅", "홍보 지원", "공동 판로 지원", "창업 멘토링", "갈등 조정"),
}
COMMUNITY_HOLDERS = ("주민센터", "작은도서관", "복지관", "청소년수련관", "교회", "자원봉사센터", "마을활력소")
FEES = ("무료", "무료", "실비", "시간당 10,000원", "1일 20,000원", "협의")
ELIGIBILITY = ("사회적경제조직 누구나", "지역 주민", "관내 사회적경제조직", "비영리단체")
AVAILABILITY = ("평일 09:00~18:00", "주말 포함 상시", "사전 예약 시", "평일 저녁")
SURVEY_DATES = {"도봉구": "2013-06-15", "송파구": "2013-07-20", "은평구": "2013-08-10", "성북구": "2013-09-05"}


MAX_REDRAWS = 50


def _holders(district: str, wanted: int, orgs: Sequence[DemoOrg], placer: Placer, rng: random.Random) -> list:
    local = [o for o in orgs if o.district == district]
    from_registry = rng.sample(local, min(len(local) * 2 // 3, wanted))
    holders: list[tuple[str, str, object]] = [(o.name, o.business_number, o.building) for o in from_registry]
    taken = {name for name, _, _ in holders}
    collisions = 0
    while len(holders) < wanted:
        building = placer.new_address(district, ROADS[district])
        name = f"{building.dong} {rng.choice(COMMUNITY_HOLDERS)}"
        if name in taken:
            collisions += 1
            if collisions < MAX_REDRAWS:
                continue  # draw again (what the committed demo was generated with)
            # A district has only so many dongs × kinds of holder: a survey scaled past them numbers its holders
            # instead of drawing names forever.
            name = next(f"{name} {n}" for n in count(2) if f"{name} {n}" not in taken)
        collisions = 0
        taken.add(name)
        holders.append((name, "", building))
    return holders


def make_resources(facts, orgs: Sequence[DemoOrg], placer: Placer, rng: random.Random) -> list[DemoResource]:
    resources = []
    for district, row in facts.survey.iterrows():
        holders = _holders(str(district), int(row["participating_orgs"]), orgs, placer, rng)
        categories = [cat for col, cat in CATEGORY_COLUMNS.items() for _ in range(int(row[col]))]
        assert len(categories) == int(row["total_items"])
        rng.shuffle(categories)
        # Every holder holds at least one item; the rest go to holders at random.
        owners = list(range(len(holders))) + [rng.randrange(len(holders)) for _ in categories[len(holders) :]]
        for category, owner in zip(categories, owners, strict=True):
            name, biz, building = holders[owner]
            resources.append(
                DemoResource(
                    district=str(district),
                    category=category,
                    name=rng.choice(ITEMS[category]),
                    description=f"{name}의 {category} 자원",
                    owner_name=name,
                    owner_business_number=biz,
                    building=building,
                    fee=rng.choice(FEES),
                    eligibility=rng.choice(ELIGIBILITY),
                    availability=rng.choice(AVAILABILITY),
                    contact=f"02-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                    surveyed_on=SURVEY_DATES.get(str(district), "2013-12-31"),
                )
            )
    for _, facility in facts.facilities.iterrows():
        try:
            parsed = normalize(facility["address"])
        except AddressError:
            continue  # a facility without an address (relocating) is placed by the pipeline's fallback
        if parsed.district is None or parsed.main is None:
            continue
        if parsed.road:
            placer.place(parsed.district, parsed.road, parsed.main, parsed.sub)
        elif parsed.lot_dong and (key := (parsed.district, parsed.lot_dong, parsed.main, parsed.sub)) in LOT_LINKS:
            placer.place(*LOT_LINKS[key])
    return resources
