"""Write the demo registry in the layouts the real registries and juso.go.kr's address files use."""

from __future__ import annotations

import csv
import json
import random
import shutil
import zlib
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from pyproj import Transformer

from semap.demo.model import DemoOrg, DemoResource
from semap.demo.places import GYEONGGI_PLACE, KNOWN_PLACES, LOT_LINKS, Placer
from semap.demo.text import address_form, name_variant
from semap.geocode.juso_layout import CRS as JUSO_CRS
from semap.geocode.juso_layout import ENCODING as JUSO_ENCODING
from semap.geodata.districts import by_name

TO_UTMK = Transformer.from_crs("EPSG:4326", JUSO_CRS, always_xy=True)
NOTICE = "※ SeMap 데모 레지스트리: 2013년 공표 통계에 맞춘 합성 데이터이며 실제 기관이 아닙니다."


def _address(org: DemoOrg, rng: random.Random, clean: bool = False) -> str:
    if org.building is None:
        return org.outside_address
    b = org.building
    return address_form(rng, b.district, b.road, b.main, b.sub, b.dong, clean=clean)


def _rows_for(orgs: Sequence[DemoOrg], org_type: str, rng: random.Random) -> list[tuple[DemoOrg, str, str, bool]]:
    """(org, subtype, date, primary) for each organization holding a designation of ``org_type``."""
    rows = []
    for org in orgs:
        for i, (kind, subtype, date) in enumerate(org.designations):
            if kind == org_type:
                rows.append((org, subtype, date, i == 0))
    rng.shuffle(rows)
    return rows


def write_social_enterprises(path: Path, orgs: Sequence[DemoOrg], rng: random.Random) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "사회적기업"
    sheet.append(["서울특별시 사회적기업 현황"])
    sheet.append(["(2013. 12. 31. 기준)"])
    sheet.append([])
    header = ["연번", "기업명", "인증구분", "사업자등록번호", "소재지", "자치구", "업종", "사업내용", "전화번호"]
    sheet.append([*header, "홈페이지", "이메일", "인증(지정)일", "영업상태"])
    rows = _rows_for(orgs, "사회적기업", rng)
    districts = sorted({o.district for o in orgs if o.district})
    for number, (org, subtype, date, primary) in enumerate(rows, start=1):
        # Some registries label an organization with its supervising center's district, not its own.
        label = rng.choice(districts) if org.district and rng.random() < 0.01 else org.district or "경기도"
        name = org.name if primary else name_variant(rng, org.name)
        subtype_written = {"인증": "인증", "서울형(예비)": "서울형예비", "지역형(예비)": "지역형예비"}[subtype]
        sheet.append(
            [
                number,
                name,
                subtype_written,
                org.business_number,
                _address(org, rng),
                label,
                org.industry_text,
                org.description,
                org.phone,
                org.website,
                org.email,
                date,
                "영업",
            ]
        )
    sheet.append([])
    sheet.append(["합계", f"{len(rows)}개소"])
    sheet.append([NOTICE])
    book.save(path)


def write_csv(path: Path, encoding: str, header: list[str], rows: list[list[str]], preamble: str = "") -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        if preamble:
            fh.write(preamble + "\r\n")
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_cooperatives(path: Path, orgs: Sequence[DemoOrg], rng: random.Random) -> None:
    rows = []
    for number, (org, subtype, date, primary) in enumerate(_rows_for(orgs, "협동조합", rng), start=1):
        biz = org.business_number if primary or rng.random() < 0.5 else ""
        name = org.name if primary else name_variant(rng, org.name)
        subtype_written = {"다중이해": "다중이해관계자"}.get(subtype, subtype)
        rows.append(
            [
                str(number),
                name,
                subtype_written,
                biz,
                _address(org, rng),
                org.industry_text,
                org.description,
                org.phone,
                org.email,
                date,
                "정상",
            ]
        )
    header = [
        "번호",
        "조합명",
        "조합원유형",
        "사업자번호",
        "주소",
        "업종",
        "주요사업",
        "연락처",
        "이메일",
        "설립일",
        "상태",
    ]
    write_csv(path, "cp949", header, rows)


def write_village(path: Path, orgs: Sequence[DemoOrg], rng: random.Random) -> None:
    rows = []
    for org, subtype, date, primary in _rows_for(orgs, "마을기업", rng):
        name = org.name if primary else name_variant(rng, org.name)
        rows.append(
            [
                name,
                subtype.replace(" 지정", ""),
                _address(org, rng),
                org.industry_text,
                org.description,
                org.phone,
                date,
            ]
        )
    write_csv(path, "utf-8-sig", ["기업명", "지정구분", "주소", "업종", "주요사업", "대표전화", "지정일"], rows)


def write_self_sufficiency(path: Path, orgs: Sequence[DemoOrg], rng: random.Random) -> None:
    rows = []
    for org, subtype, date, primary in _rows_for(orgs, "자활기업", rng):
        name = org.name if primary else name_variant(rng, org.name)
        rows.append([name, subtype, _address(org, rng), org.industry_text, org.phone, date, "운영"])
    header = ["업체명", "구분", "사업장 소재지", "업종", "연락처", "인정일", "운영여부"]
    write_csv(path, "utf-8", header, rows, preamble=NOTICE)


def write_surveys(folder: Path, resources: Sequence[DemoResource], rng: random.Random) -> list[Path]:
    paths = []
    header = [
        "연번",
        "자치구",
        "자원구분",
        "자원명",
        "설명",
        "보유기관",
        "보유기관 사업자번호",
        "소재지",
        "이용료",
        "이용대상",
        "이용가능시간",
        "담당자 연락처",
        "조사일",
    ]
    for district in sorted({r.district for r in resources}):
        rows = []
        for number, r in enumerate((r for r in resources if r.district == district), start=1):
            b = r.building
            address = address_form(rng, b.district, b.road, b.main, b.sub, b.dong)
            rows.append(
                [
                    str(number),
                    district,
                    r.category,
                    r.name,
                    r.description,
                    r.owner_name,
                    r.owner_business_number,
                    address,
                    r.fee,
                    r.eligibility,
                    r.availability,
                    r.contact,
                    r.surveyed_on,
                ]
            )
        path = folder / f"shared_resources_{by_name(district).name_en.lower()}_2013.csv"
        write_csv(path, "utf-8-sig", header, rows)
        paths.append(path)
    return paths


def road_code(sigungu_code: str, road: str) -> str:
    """A stable 12-digit 도로명코드 for a demo road (the real codes are assigned by the ministry)."""
    return f"{sigungu_code}{zlib.crc32(road.encode()) % 10_000_000:07d}"


def _entrc_line(
    sido: str,
    sigungu: str,
    code: str,
    number: int,
    b_road: str,
    main: int,
    sub: int | None,
    dong: str,
    name: str,
    lon: float,
    lat: float,
) -> str:
    x, y = TO_UTMK.transform(lon, lat)
    fields = [
        code,
        str(number),
        f"{code}10100",
        sido,
        sigungu,
        dong,
        road_code(code, b_road),
        b_road,
        "0",
        str(main),
        str(sub or 0),
        name,
        f"0{number % 10000:04d}",
        "",
        "0",
        dong,
        f"{x:.6f}",
        f"{y:.6f}",
    ]
    return "|".join(fields)


def write_address_db(folder: Path, placer: Placer) -> None:
    """entrc_seoul.txt / entrc_gyunggi.txt (위치정보요약DB) and jibun_rnaddrkor_seoul.txt (관련지번), CP949."""
    lines = []
    for number, b in enumerate(sorted(placer.buildings.values(), key=lambda b: (b.district, b.road, b.main)), 1):
        code = by_name(b.district).adm_code
        lines.append(
            _entrc_line("서울특별시", b.district, code, number, b.road, b.main, b.sub, b.dong, b.name, b.lon, b.lat)
        )
    (folder / "entrc_seoul.txt").write_text("\r\n".join(lines) + "\r\n", encoding=JUSO_ENCODING)
    sido, sigungu, road, main, sub, lon, lat = GYEONGGI_PLACE
    gyeonggi = _entrc_line(sido, sigungu, "41281", 1, road, main, sub, "", "", lon, lat)
    (folder / "entrc_gyunggi.txt").write_text(gyeonggi + "\r\n", encoding=JUSO_ENCODING)
    jibun: list[str] = []
    for (district, dong, lot_main, lot_sub), road_key in LOT_LINKS.items():
        code = by_name(district).adm_code
        _, road_name, b_main, b_sub = road_key
        assert road_key in KNOWN_PLACES
        jibun.append(
            "|".join(
                [
                    f"{code}10100{len(jibun):016d}",
                    f"{code}10100",
                    "서울특별시",
                    district,
                    dong,
                    "",
                    "0",
                    str(lot_main),
                    str(lot_sub or 0),
                    road_code(code, road_name),
                    "0",
                    str(b_main),
                    str(b_sub or 0),
                    "",
                ]
            )
        )
    (folder / "jibun_rnaddrkor_seoul.txt").write_text("\r\n".join(jibun) + "\r\n", encoding=JUSO_ENCODING)


def write_all(out: Path, orgs, resources, placer: Placer, rng: random.Random, figures: dict, facts_dir: Path) -> None:
    registries, addressdb = out / "registries", out / "addressdb"
    for folder in (registries, addressdb):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    write_social_enterprises(registries / "social_enterprises_2013.xlsx", orgs, rng)
    write_cooperatives(registries / "cooperatives_2013.csv", orgs, rng)
    write_village(registries / "village_enterprises_2013.csv", orgs, rng)
    write_self_sufficiency(registries / "self_sufficiency_2013.csv", orgs, rng)
    surveys = write_surveys(registries, resources, rng)
    shutil.copyfile(facts_dir / "facilities_2021.csv", registries / "facilities_2021.csv")
    write_address_db(addressdb, placer)
    (out / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    listing = [
        ("social_enterprises_2013.xlsx", "social-enterprise-registry"),
        ("cooperatives_2013.csv", "cooperative-registry"),
        ("village_enterprises_2013.csv", "village-enterprise-registry"),
        ("self_sufficiency_2013.csv", "self-sufficiency-registry"),
        *((p.name, "shared-resource-survey") for p in surveys),
        ("facilities_2021.csv", "shared-facility-list"),
    ]
    manifest = "# The demo registry's files and the declared format each is read with (semap/data/formats/).\n"
    manifest += 'as_of = "2013-12-31"  # when the registries\' information was last confirmed\n'
    manifest += "".join(f'\n[[registry]]\nfile = "registries/{f}"\nformat = "{fmt}"\n' for f, fmt in listing)
    manifest += '\n[addressdb]\nfiles = ["addressdb/entrc_seoul.txt", "addressdb/entrc_gyunggi.txt"]\n'
    manifest += 'lots = ["addressdb/jibun_rnaddrkor_seoul.txt"]\n'
    (out / "registries.toml").write_text(manifest, encoding="utf-8")
