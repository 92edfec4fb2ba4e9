"""Every interface string comes from one gettext catalogue per language (semap/locale/<lang>/LC_MESSAGES/semap.po):
the compiled catalogues the package ships match their sources, extracting the messages from the code and the
templates finds none that a catalogue lacks, every registry value people see has a label, and the printed map in
English shows no Hangul outside data (the pages are walked in a browser: tests/test_i18n_pages.py)."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation.fields import ORG_STATUSES, RESOURCE_STATUSES
from semap.features.filters import resolve_district
from semap.i18n import LANGUAGES, translations
from semap.maps.labels import map_text, value_labels
from semap.registry.model import INDUSTRIES, ORG_TYPES, RESOURCE_CATEGORIES, SEMAP_CATEGORIES
from semap.resources import PACKAGE_DATA_DIR
from semap.store import Store

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "semap" / "locale"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def has_hangul(text: str) -> bool:
    return bool(HANGUL.search(text))


def _catalogue(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "semap.po").open("rb") as po:
        return read_po(po, locale=lang)


def _key(context: str | None, msgid: str) -> str:
    """How a compiled catalogue keys a message: gettext joins context and message with EOT."""
    return f"{context}\x04{msgid}" if context else msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_compiled_catalogue_matches_its_source(lang: str) -> None:
    source = {_key(m.context, m.id): m.string for m in _catalogue(lang) if m.id and m.string and not m.fuzzy}
    with (LOCALE / lang / "LC_MESSAGES" / "semap.mo").open("rb") as mo:
        compiled = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k}  # type: ignore[attr-defined]
    assert compiled == source, "run: pybabel compile -d semap/locale -D semap"
    assert translations(lang).gettext("Search") == (source.get("Search") or "Search")


def _extracted(tmp_path: Path) -> set[tuple[str | None, str]]:
    """The messages the code and the templates use, by Babel's own extraction (babel.cfg)."""
    pot = tmp_path / "semap.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(pot), "."],
        cwd=REPO,
        check=True,
    )
    with pot.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_extraction_finds_no_message_missing_from_either_catalogue(tmp_path: Path) -> None:
    used = _extracted(tmp_path)
    assert len(used) > 150  # the extraction did read the code and the templates
    for lang in LANGUAGES:
        catalogue = _catalogue(lang)
        present = {(m.context, m.id) for m in catalogue if m.id}
        assert sorted(used - present, key=str) == [], f"missing from {lang}: run pybabel update (README)"
        assert sorted(present - used, key=str) == [], f"no longer used, still in {lang}: run pybabel update"
        assert [m.id for m in catalogue if m.id and m.fuzzy] == [], f"fuzzy entries in {lang}: check and unflag"
        for m in catalogue:
            if m.id and m.string:  # a translation keeps the message's placeholders
                assert sorted(PLACEHOLDER.findall(m.string)) == sorted(PLACEHOLDER.findall(str(m.id))), m.id
    untranslated = [m.id for m in _catalogue("ko") if m.id and not m.string]
    assert untranslated == [], "every message needs its Korean"
    # English messages are written in English: an English entry may stay empty, but never reads Korean.
    assert [m.id for m in _catalogue("en") if m.id and (has_hangul(str(m.id)) or has_hangul(m.string))] == []


def _shipped_subtypes() -> set[str]:
    """Every subtype the shipped registry formats write: the targets of their value tables and their defaults."""
    found: set[str] = set()
    for path in (PACKAGE_DATA_DIR / "formats").glob("*.toml"):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        found |= set(spec.get("values", {}).get("subtype", {}).values())
        if "subtype" in spec.get("defaults", {}):
            found.add(spec["defaults"]["subtype"])
    return found


def test_every_value_people_see_has_a_label_in_both_languages() -> None:
    vocabulary = {
        *ORG_TYPES,
        *INDUSTRIES,
        *SEMAP_CATEGORIES,
        *RESOURCE_CATEGORIES,
        *ORG_STATUSES,
        *RESOURCE_STATUSES,
        *_shipped_subtypes(),
    }
    assert {"직원", "서울형(예비)", "행안부 지정"} <= vocabulary
    english, korean = value_labels("en"), value_labels("ko")
    assert sorted(vocabulary - set(english)) == []
    assert [v for v in vocabulary if has_hangul(english[v])] == []
    assert korean["operating"] == "운영 중" and korean["직원"] == "직원" and english["직원"] == "worker"
    assert [k for k, v in map_text("en").items() if has_hangul(v)] == []
    assert [k for k, v in map_text("ko").items() if not has_hangul(v)] == []


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(Exception, match="ko or en"):
        translations("fr")


# --- the printed map ---------------------------------------------------------------------------------------------


def _pdf_words(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split()


def _printed_data(store: Store, district: str) -> list[str]:
    """What the printed list takes from the registry: names and holders, and addresses from the road on."""
    code = resolve_district(district)
    prefix = f"서울특별시 {code.name_ko} "
    values: list[str] = []
    for layer, fields in (("organizations", "name"), ("resources", "name, owner_name")):
        for row in store.fetch(
            f"SELECT {fields}, address_normalized FROM {layer} WHERE district_adm_code = :d", {"d": code.adm_code}
        ):
            *texts, address = row
            values += [t for t in texts if t] + [(address or "").removeprefix(prefix)]
    return values


def _not_data(words: list[str], data: list[str]) -> list[str]:
    """Words with Hangul that are not part of a printed data value (a long value wraps over lines)."""
    joined = "\n".join(data)
    return [w for w in words if has_hangul(w) and w.strip("…·,.:()") not in joined]


@pytest.mark.parametrize("layer", ["resources", "organizations"])
def test_the_printed_map_in_english_has_no_hangul_outside_data(built_store: Store, tmp_path: Path, layer: str) -> None:
    client = TestClient(create_app(built_store))
    data = _printed_data(built_store, "송파구")
    english = client.get("/districts/송파구/print.pdf", params={"lang": "en", "layer": layer})
    assert english.status_code == 200
    words = _pdf_words(english.content, tmp_path)
    assert "Songpa-gu" in words and _not_data(words, data) == []
    # The check can fail: the Korean map's own words (title, legend, footer) are found outside data.
    korean = _pdf_words(client.get("/districts/송파구/print.pdf", params={"layer": layer}).content, tmp_path)
    assert {"지도", "자료:"} <= set(_not_data(korean, data))


def test_the_api_documentation_pages_are_english(built_store: Store) -> None:
    # Their own words; the OpenAPI text they render is English, with Korean example values the API takes (강남구).
    client = TestClient(create_app(built_store))
    for path in ("/docs", "/redoc"):
        page = client.get(path, params={"lang": "en"})
        assert page.status_code == 200 and '<html lang="en">' in page.text and not has_hangul(page.text), path
