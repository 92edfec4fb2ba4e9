"""Words of the map and the pages that name registry values (from the catalogues, semap.i18n), the SeMap
13-category colours (the printed maps'; the web map's palette is semap.maps.palette), and district names in either
language."""

from __future__ import annotations

from functools import lru_cache

from semap.geodata.districts import District, load_crosswalk
from semap.i18n import LANGUAGES, translations


@lru_cache(maxsize=len(LANGUAGES))
def value_labels(lang: str) -> dict[str, str]:
    """The registry's vocabulary (stored values) as people read it; the context tells translators what each is."""
    t = translations(lang)
    return {
        # organization types (a type may also be a subtype: 자활기업 reads the same)
        "사회적기업": t.pgettext("organization type", "Social enterprise"),
        "협동조합": t.pgettext("organization type", "Cooperative"),
        "마을기업": t.pgettext("organization type", "Village enterprise"),
        "자활기업": t.pgettext("organization type", "Self-sufficiency enterprise"),
        "중간지원조직": t.pgettext("organization type", "Intermediary"),
        "협의회": t.pgettext("organization type", "Council"),
        # subtypes and designations, as the shipped registry formats write them
        "인증": t.pgettext("subtype", "certified"),
        "서울형(예비)": t.pgettext("subtype", "Seoul preliminary"),
        "지역형(예비)": t.pgettext("subtype", "regional preliminary"),
        "소비자": t.pgettext("subtype", "consumer"),
        "생산자": t.pgettext("subtype", "producer"),
        "직원": t.pgettext("subtype", "worker"),
        "다중이해": t.pgettext("subtype", "multi-stakeholder"),
        "사회적협동조합": t.pgettext("subtype", "social cooperative"),
        "자활사업단": t.pgettext("subtype", "self-sufficiency project group"),
        "행안부 지정": t.pgettext("subtype", "designated by the Ministry of the Interior"),
        "서울시 지정": t.pgettext("subtype", "designated by Seoul"),
        # industries
        "교육": t.pgettext("industry", "Education"),
        "기타서비스": t.pgettext("industry", "Other services"),
        "문화": t.pgettext("industry", "Culture"),
        "복지": t.pgettext("industry", "Welfare"),
        "식음료": t.pgettext("industry", "Food & beverage"),
        "영농": t.pgettext("industry", "Farming"),
        "유통": t.pgettext("industry", "Distribution"),
        "일반제조": t.pgettext("industry", "General manufacturing"),
        "주택건축": t.pgettext("industry", "Housing & construction"),
        "환경": t.pgettext("industry", "Environment"),
        # SeMap categories
        "생활편의": t.pgettext("category", "Daily services"),
        "문화·여가": t.pgettext("category", "Culture & leisure"),
        "건강·복지": t.pgettext("category", "Health & welfare"),
        "음식·카페": t.pgettext("category", "Food & café"),
        "교육·학원": t.pgettext("category", "Education & academies"),
        "금융": t.pgettext("category", "Finance"),
        "유통·쇼핑": t.pgettext("category", "Retail"),
        "출판·미디어": t.pgettext("category", "Publishing & media"),
        "건설·시설": t.pgettext("category", "Construction & facilities"),
        "제조업": t.pgettext("category", "Manufacturing"),
        "행정·중간지원조직": t.pgettext("category", "Administration & intermediaries"),
        "기타": t.pgettext("category", "Other"),
        # shared-resource categories
        "공간": t.pgettext("resource category", "Space"),
        "집기": t.pgettext("resource category", "Equipment"),
        "재능기부": t.pgettext("resource category", "Talent donation"),
        "문제해결": t.pgettext("resource category", "Problem solving"),
        "물품": t.pgettext("resource category", "Goods"),
        "중고물품": t.pgettext("resource category", "Second-hand goods"),
        "사람": t.pgettext("resource category", "People"),
        # statuses of organizations and resources
        "operating": t.pgettext("status", "Operating"),
        "closed": t.pgettext("status", "Closed"),
        "available": t.pgettext("status", "Available"),
        "retired": t.pgettext("status", "Retired"),
        "archived": t.pgettext("status", "Archived"),
    }


def value_label(value: str | None, lang: str) -> str:
    """A stored value as people read it; a value outside the vocabulary (a new registry's) is shown as written."""
    if value is None:
        return ""
    return value_labels(lang).get(value, value)


def map_text(lang: str) -> dict[str, str]:
    """The words the map's script shows (popups, list, status line), handed to it as JSON with the page."""
    t = translations(lang)
    return {
        "loading": t.gettext("Loading…"),
        "count": t.gettext("{orgs} organizations · {resources} shared resources"),
        "zoom_in": t.gettext("Zoom in to list them ({n} here)"),
        "nothing_found": t.gettext("Nothing found. Try fewer words, set the filters to 'All', or zoom out."),
        "org_only_filters": t.gettext("type and industry apply to organizations only"),
        "organizations": t.gettext("Social economy organizations"),
        "resources": t.gettext("Shared resources"),
        "boundaries": t.gettext("District boundaries"),
        "counts": t.gettext("Number of organizations"),
        "lq": t.gettext("Location quotient (LQ)"),
        "type": t.gettext("Type"),
        "designations": t.gettext("Designations"),
        "industry": t.gettext("Industry"),
        "category": t.gettext("Category"),
        "owner": t.gettext("Held by"),
        "fee": t.gettext("Fee"),
        "eligibility": t.gettext("Who may use it"),
        "availability": t.gettext("When available"),
        "booking": t.gettext("Book"),
        "opening_hours": t.gettext("Opening hours"),
        "address": t.gettext("Address"),
        "as_written": t.gettext("as the registry writes it"),
        "website": t.gettext("Website"),
        "status": t.gettext("Status"),
        "verified": t.gettext("Verified"),
        "details": t.gettext("Details"),
        "kakao": t.gettext("Directions (Kakao Map)"),
        "naver": t.gettext("Directions (Naver Map)"),
        "report": t.gettext("Report a problem"),
        "here": t.gettext("{n} at this place"),
        # The hot-spot layer (Gi* classes of the dongs)
        "hotspots": t.gettext("Hot spots by dong (Gi*)"),
        "class_3": t.gettext("hot spot, 99%"),
        "class_2": t.gettext("hot spot, 95%"),
        "class_1": t.gettext("hot spot, 90%"),
        "class_0": t.gettext("not significant"),
        "class_-1": t.gettext("cold spot, 90%"),
        "class_-2": t.gettext("cold spot, 95%"),
        "class_-3": t.gettext("cold spot, 99%"),
        "hot_orgs": t.gettext("{n} organizations"),
        "unstable": t.gettext("unstable"),
        "hot_rule": t.gettext(
            "Organizations per km² of each dong with the dongs touching it (Getis–Ord Gi*, Benjamini–Hochberg "
            "correction, {boundaries} census boundaries). Exploratory: where to look, not why."
        ),
        "approximate": t.gettext("Approximate location ({where}, about {distance})"),
        "approx_short": t.gettext("approximate location"),
        "precision": t.gettext("Location precision"),
        "kakao_search": t.gettext("Find the address (Kakao Map)"),
        "naver_search": t.gettext("Find the address (Naver Map)"),
        # Search in the whole city (semap-search.js)
        "search_results": t.gettext("Search: “{q}”"),
        "close": t.gettext("Close"),
        "places": t.gettext("Places"),
        "place_district": t.gettext("District"),
        "place_dong": t.gettext("Dong"),
        "place_road": t.gettext("Road"),
        "records": t.gettext("Organizations and shared resources"),
        "found_none": t.gettext("Nothing in the whole city matches “{q}”."),
        "found_count": t.gettext("{n} found in Seoul, {inview} of them in this view"),
        "more_outside": t.gettext("{n} more outside this view — show all"),
        "first_shown": t.gettext("The {n} nearest are listed; “show all” fits the map to every match."),
        "in_view": t.gettext("in this view"),
        "away": t.gettext("{distance} away"),
        "search_failed": t.gettext("The search failed ({error}). Try again."),
        "no_org": t.gettext("No organization has the id “{id}”."),
        # Near me (semap-near.js)
        "near_title": t.gettext("Near me"),
        "near_locating": t.gettext("Finding your position…"),
        "near_in": t.gettext("Nearest to your position (in {district}):"),
        "near_denied": t.gettext("Location permission was refused, so SeMap cannot tell what is near you."),
        "near_timeout": t.gettext("Your position could not be found in time."),
        "near_unavailable": t.gettext("Your position is not available right now."),
        "near_unsupported": t.gettext("This browser cannot tell SeMap where you are."),
        "near_outside": t.gettext("Your position is outside Seoul; SeMap maps Seoul only."),
        "choose_district": t.gettext("Choose a district instead"),
        "you_are_here": t.gettext("You are here"),
        # The installed app (semap-offline.js)
        "offline": t.gettext("Offline — data as of {date}"),
        "offline_missing": t.gettext("Offline — this view's data were not kept (views opened online are)."),
        "update_ready": t.gettext("A new version of SeMap is ready."),
        "update_reload": t.gettext("Reload to update"),
    }


def district_label(district: District, lang: str) -> str:
    """A district's name in the page's language (the crosswalk's official romanization in English)."""
    return district.name_en if lang == "en" else district.name_ko


def district_names(lang: str) -> list[tuple[str, str]]:
    """(value for the filter, label) for every district, in 가나다 order of the Korean name."""
    districts = sorted(load_crosswalk(), key=lambda d: d.name_ko)
    return [(d.name_ko, district_label(d, lang)) for d in districts]
