"""How precisely a record is placed, in words, and directions that suit it: an approximate point (a dong or
district centre) is not a destination, so directions search its address instead of routing to the point."""

from __future__ import annotations

from urllib.parse import quote

from semap.geocode.types import APPROXIMATE_TIERS, PRECISION_TIER
from semap.i18n import translations


def approximate_words(lang: str) -> dict[str, str]:
    """match type -> where an approximate point lies ('legal-dong centre'), for the approximate ones only (the
    page's config gives the map this table). A legal dong's centre is told apart from an administrative one's."""
    t = translations(lang)
    where = {
        "road": t.pgettext("location", "a building on the same road"),
        "legal_dong": t.pgettext("location", "legal-dong centre"),
        "dong": t.pgettext("location", "dong centre"),
        "district": t.pgettext("location", "district centre"),
    }
    approximate = {m: tier for m, tier in PRECISION_TIER.items() if tier in APPROXIMATE_TIERS}
    return {m: where[m if m == "legal_dong" else tier] for m, tier in approximate.items()}


APPROXIMATE_MATCHES = frozenset(approximate_words("en"))


def distance_text(metres: float) -> str:
    """A radius as a person says it: to 100 m under a kilometre, else to 0.1 km (940 -> '900 m', 2400 -> '2.4 km').
    semap-map.js words it the same way."""
    hundreds = int(metres / 100 + 0.5)  # half up, as JavaScript's Math.round (Python's round() is half even)
    return f"{max(1, hundreds) * 100} m" if hundreds < 10 else f"{hundreds / 10:.1f} km"


def precision_note(match_type: str | None, precision_m: float | None, lang: str) -> str | None:
    """'위치는 대략적입니다 (법정동 중심, 약 900 m)' for an approximate record, None for one placed at its building."""
    words = approximate_words(lang).get(match_type or "")
    if words is None:
        return None
    distance = distance_text(precision_m) if precision_m else "?"
    return (
        translations(lang)
        .gettext("Approximate location ({where}, about {distance})")
        .format(where=words, distance=distance)
    )


def directions(name: str, address: str, lon: float, lat: float, approximate: bool, lang: str) -> list[tuple[str, str]]:
    """(label, URL) for Kakao Map and Naver Map: a route to the point, or a search of the address text."""
    t = translations(lang)
    if approximate:
        text = quote(address, safe="")
        return [
            (t.gettext("Find the address (Kakao Map)"), f"https://map.kakao.com/link/search/{text}"),
            (t.gettext("Find the address (Naver Map)"), f"https://map.naver.com/p/search/{text}"),
        ]
    to = quote(name, safe="")
    return [
        (t.gettext("Directions (Kakao Map)"), f"https://map.kakao.com/link/to/{to},{lat},{lon}"),
        (
            t.gettext("Directions (Naver Map)"),
            f"https://map.naver.com/index.nhn?menu=route&elng={lon}&elat={lat}&etext={to}",
        ),
    ]
