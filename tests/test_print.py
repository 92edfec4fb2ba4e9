"""Print-ready district maps, as a coordinator makes them: `semap print district 송파구 -o map.pdf` or the
district page's download. Checked by reading the PDF back (word boxes: pdftotext -bbox-layout; fonts: pdffonts)
and by rendering it (pdftoppm), on the demo data (synthetic registry and survey; real 2013 boundaries)."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
import segno
from fastapi.testclient import TestClient
from PIL import Image

from semap.api.app import create_app
from semap.features.filters import FeatureFilter, resolve_district
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import all_features
from semap.maps.labels import value_label
from semap.maps.palette import RESOURCE_COLORS
from semap.maps.print_map import district_print
from semap.settings import MapSettings
from semap.store import Store, open_store
from tests.conftest import built_settings_for
from tests.living import env_of, writable_store
from tests.print_pdf import MM_PT, Word, list_blocks, poppler, qr_modules, read, render
from tests.test_cli import semap

SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "print"  # the pages, to look at
PUBLIC = "https://semap.example.org"


def _text(pdf: Path) -> str:
    return subprocess.run([poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True).stdout


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """One built store (embedded) for the module's prints: the print reads through the store contract that both
    backends pass; the CLI test below runs on both."""
    opened = open_store(built_settings_for("duckdb", request))
    yield opened
    opened.close()


def _most_organizations(store: Store) -> str:
    rows = store.fetch(
        "SELECT d.name_ko, count(*) AS n FROM organizations o JOIN districts d ON d.adm_code = o.district_adm_code "
        "GROUP BY d.name_ko ORDER BY n DESC, d.name_ko LIMIT 1"
    )
    return str(rows[0][0])


CASES = [(d, size, lang) for d in ("송파구", "most organizations") for size in ("A4", "A3") for lang in ("ko", "en")]


@pytest.mark.parametrize(("which", "size", "lang"), CASES)
def test_a_printed_map_is_ready_to_hand_out(store: Store, tmp_path: Path, which: str, size: str, lang: str) -> None:
    """Demo data: 송파구's 206 shared resources and the organizations of the district with most of them, at A4 and
    A3, in Korean and English, read back from the PDF's word boxes."""
    name, layer = (
        ("송파구", LayerName.resources) if which == "송파구" else (_most_organizations(store), LayerName.organizations)
    )
    district = resolve_district(name)
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(district_print(store, district, layer, size, lang, PUBLIC))
    pages = read(pdf)
    words = [w for page in pages for w in page.words]
    # no text under 6 pt, nothing cut short, everything inside the 10 mm margin
    smallest = min(words, key=lambda w: w.size)
    assert smallest.size >= 5.99, smallest
    assert not [w for w in words if "…" in w.text]
    margin = 10 * MM_PT - 0.01
    for page in pages:
        outside = [w for w in page.words if w.x0 < margin or w.y0 < margin or w.x1 > page.width - margin]
        outside += [w for w in page.words if w.y1 > page.height - margin]
        assert not outside, outside[:5]
    # the QR code's caption: the district's page at SEMAP_PUBLIC_URL, in the page's language
    label = district.name_en if lang == "en" else district.name_ko
    caption = next(w for w in pages[0].words if "/districts/" in w.text)
    assert caption.text == f"semap.example.org/districts/{label}"
    url = f"{PUBLIC}/districts/{quote(label)}?lang={lang}"
    assert qr_modules(pdf, tmp_path) == [[bool(m) for m in row] for row in segno.make(url, error="m").matrix]
    # the places: records at identical coordinates are one place with one number
    features = orjson.loads(all_features(store, LAYERS[layer], FeatureFilter.of(district=f"adm:{district.adm_code}")))
    at: dict[tuple[float, float], list[dict]] = defaultdict(list)
    for f in features["features"]:
        at[tuple(round(c, 7) for c in f["geometry"]["coordinates"][:2])].append(f["properties"])
    if which == "송파구":
        assert sum(len(v) for v in at.values()) == 206 and len(at) < 206  # some resources share a place
    key = next(w for w in pages[0].words if w.text in ("목록:", "list:"))  # the line that explains the list
    blocks = list_blocks(pages, key.y1)
    assert sorted(blocks) == list(range(1, len(at) + 1))  # every place's number in the list, once, in order
    prefix = f"서울특별시{district.name_ko}"
    for records in at.values():  # each place's records under one number: name, category, holder and address
        wanted = [_squeezed(records[0]["address_normalized"] or "").removeprefix(prefix)]
        for r in records:
            holder = r["owner_name"] if layer is LayerName.resources else value_label(r["type"], lang)
            wanted += [_squeezed(r["name"]), _squeezed(value_label(r["category"], lang)), _squeezed(holder or "")]
        assert any(all(part in text for part in wanted) for text in blocks.values()), wanted
    # the map: every number once as a badge, no two badges overlapping, every dong named
    header_bottom = caption.y1
    in_map = [w for w in pages[0].words if header_bottom < w.y0 and w.y1 < key.y0]
    badges = [w for w in in_map if w.text.isdigit()]
    assert sorted(int(w.text) for w in badges) == list(range(1, len(at) + 1))
    overlapping = [(a, b) for i, a in enumerate(badges) for b in badges[i + 1 :] if _overlap(a, b)]
    assert not overlapping, overlapping[:3]
    for dong in orjson.loads(store.dongs_geojson(district.adm_code))["features"]:
        shown = dong["properties"]["name_ko"]
        if lang == "en":  # the romanization without its reading hint: "Pungnap 1(il)-dong" prints "Pungnap 1-dong"
            shown = re.sub(r"\([a-z]+\)", "", dong["properties"]["name_en"])
        assert _named(in_map, shown.split()), shown
    # and drawn inside the margin too (map lines, legend swatches, QR code): the border is blank paper
    shots = render(pdf, SHOTS / f"{district.name_en}-{layer.value}-{size}-{lang}", 40)
    assert len(shots) == len(pages) >= 2
    for shot in shots:
        _blank_border(shot, 40)


def _overlap(a: Word, b: Word) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _named(words: list[Word], parts: list[str]) -> bool:
    """The words ``parts`` on one line of the map, in order."""
    starts = [w for w in words if w.text == parts[0]]
    for start in starts:
        line = sorted((w for w in words if abs(w.y0 - start.y0) < 0.5 and w.x0 >= start.x0), key=lambda w: w.x0)
        if [w.text for w in line[: len(parts)]] == parts:
            return True
    return False


def _blank_border(png: Path, dpi: int) -> None:
    page = Image.open(png).convert("L")
    border = int(10 / 25.4 * dpi) - 1
    w, h = page.size
    for box in ((0, 0, w, border), (0, h - border, w, h), (0, 0, border, h), (w - border, 0, w, h)):
        darkest = page.crop(box).getextrema()[0]
        assert darkest >= 250, f"{png.name}: ink in the margin {box}"


def test_the_songpa_resources_map_from_the_command_line(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The coordinator's command: an A4 PDF with embedded fonts; with SEMAP_PUBLIC_URL unset the QR code leads to
    localhost, and the command says so. (The command on PostGIS: test_text_from_data_is_never_read_as_markup.)"""
    pdf = tmp_path / "songpa.pdf"
    env = env_of(built_settings_for("duckdb", request))
    out = semap("print", "district", "송파구", "--layer", "resources", "-o", str(pdf), env=env)
    assert "wrote" in out.stdout.decode()
    warning = out.stderr.decode().strip()
    assert (
        warning.startswith("semap: warning: the QR code leads to http://localhost:8000")
        and "SEMAP_PUBLIC_URL" in warning
    )
    text = _text(pdf)
    assert "송파구 공유자원 지도" in text and "공유자원 206건" in text and "2013-12-31" in text
    assert "localhost:8000/districts/송파구" in text
    fonts = subprocess.run([poppler("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    assert "NanumGothic" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    (shot,) = [p for p in render(pdf, SHOTS / "cli-songpa-a4", 100) if p.name.endswith("-1.png")]
    page = Image.open(shot).convert("RGB")
    assert page.size[0] == 827 and abs(page.size[1] - 1169) <= 1  # A4 (210 x 297 mm) at 100 dpi
    colors = {c for _, c in page.getcolors(maxcolors=1 << 20)}
    badge = RESOURCE_COLORS["집기"].lstrip("#")
    assert tuple(int(badge[i : i + 2], 16) for i in (0, 2, 4)) in colors  # 집기 badges in their legend colour


def test_the_public_address_decides_the_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    for url, local in (
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000", True),
        ("http://[::1]/", True),
        ("http://0.0.0.0:8000", True),
        ("https://semap.example.org", False),
        ("https://localhost.example.org", False),
    ):
        monkeypatch.setenv("SEMAP_PUBLIC_URL", url)
        assert MapSettings().public_url_is_local is local, url


def test_the_district_page_warns_when_the_qr_code_would_lead_to_localhost(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEMAP_PUBLIC_URL", raising=False)
    client = TestClient(create_app(store))
    korean = client.get("/districts/송파구").text
    assert 'id="print-map"' in korean and 'id="print-warning"' in korean
    assert "서버 컴퓨터에서만 열립니다" in korean and "http://localhost:8000" in korean
    english = client.get("/districts/송파구", params={"lang": "en"}).text
    assert "opens only on the server itself" in english and "SEMAP_PUBLIC_URL" in english
    monkeypatch.setenv("SEMAP_PUBLIC_URL", PUBLIC)
    assert 'id="print-warning"' not in TestClient(create_app(store)).get("/districts/송파구").text


def test_a3_in_english_from_the_district_page(store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEMAP_PUBLIC_URL", PUBLIC)
    client = TestClient(create_app(store))
    response = client.get(
        "/districts/Songpa-gu/print.pdf", params={"size": "A3", "lang": "en", "layer": "organizations"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    (tmp_path / "a3.pdf").write_bytes(response.content)
    pages = read(tmp_path / "a3.pdf")
    assert abs(pages[0].width - 297 * MM_PT) < 1 and abs(pages[0].height - 420 * MM_PT) < 1
    assert "semap.example.org/districts/Songpa-gu" in _text(tmp_path / "a3.pdf")
    assert client.get("/districts/송파구/print.pdf", params={"size": "B5"}).status_code == 422


def test_an_unknown_district_has_no_printed_map(store: Store) -> None:
    response = TestClient(create_app(store)).get("/districts/0/print.pdf")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


# Text from registries and editors that a renderer could read as markup, by family. Each goes into each text field
# the print draws (name, category, address) of both layers; the print must draw it as the characters it holds.
PAYLOADS = {
    "mathtext": r"$\undefinedcmd{x}$ 수식",
    "valid mathtext": r"$x^2$ 제곱",
    "dollars": "$$ 1$ 2$$",
    "tex": r"50% & #1 _a_ ^b ~c {d} \textbf{e} \\",
    "html": "<b>굵게</b> <script>alert(1)</script>",
    "template": "{{ 7*7 }} ${7*7} {% raw %}",
    "formula": '=HYPERLINK("http://evil.example","x")',
    "lines": "첫 줄\n둘째 줄\t탭\r끝",
    "bidi": "\u202eevil\u202c 방향",
    "emoji": "🌱 새싹 🧪",
    "long": "긴이름" * 100,
}
SHOWN = ("mathtext", "valid mathtext", "dollars", "tex", "html", "template", "formula", "lines")  # text pdftotext reads
FIELDS = ("name", "category", "address_normalized")


def _with_payloads(store: Store, layer: str) -> dict[str, str]:
    """Every payload in every text field of 도봉구's records of ``layer``; the text each should print as."""
    ids = [r[0] for r in store.fetch(f"SELECT id FROM {layer} WHERE district_adm_code = '11320' ORDER BY id")]
    expected: dict[str, str] = {}
    with store.patching() as target, target.transaction() as tx:
        for i, (field, (family, payload)) in enumerate((f, p) for f in FIELDS for p in PAYLOADS.items()):
            values = {"name": f"P{i}", "category": "공간" if layer == "resources" else "기타", "address_normalized": ""}
            values[field] = payload
            tx.execute(
                f"UPDATE {layer} SET name = :name, category = :category, address_normalized = :address_normalized "
                "WHERE id = :id",
                {**values, "id": ids[i]},
            )
            if family in SHOWN:
                expected[f"{family} in {field}"] = f"P{i}" if field != "name" else " ".join(payload.split())[:8]
                if field != "name":
                    expected[f"{family} in {field} (text)"] = " ".join(payload.split())[:6]
    return expected


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_text_from_data_is_never_read_as_markup(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name like `$\\undefinedcmd{x}$` made matplotlib parse mathtext: 500 on the page, a traceback in the CLI."""
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "text.usetex", True)  # a matplotlibrc asking for LaTeX changes nothing
    with writable_store(backend, request, tmp_path) as (store, settings):
        expected = {layer: _with_payloads(store, layer) for layer in ("resources", "organizations")}
        client = TestClient(create_app(store))
        for layer, shown in expected.items():
            answer = client.get("/districts/도봉구/print.pdf", params={"layer": layer})
            assert answer.status_code == 200, answer.text[:300]
            pdf = tmp_path / f"{layer}.pdf"
            pdf.write_bytes(answer.content)
            text = _squeezed(_text(pdf))
            missing = [what for what, part in shown.items() if _squeezed(part) not in text]
            assert not missing, missing
            assert _squeezed(PAYLOADS["long"]) in text  # a 300-character name wraps over lines, whole
        (tmp_path / "mpl").mkdir()
        (tmp_path / "mpl" / "matplotlibrc").write_text("text.usetex: True\n")
        env = env_of(settings, MPLCONFIGDIR=str(tmp_path / "mpl"))
        out = semap("print", "district", "도봉구", "-o", str(tmp_path / "cli.pdf"), env=env, check=False)
        assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr.decode()[-500:]
        text = _squeezed(_text(tmp_path / "cli.pdf"))
        assert all(_squeezed(part) in text for part in expected["resources"].values())


def test_a_print_that_fails_answers_the_one_error_shape_and_one_line(
    store: Store, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from semap.maps import print_map

    def broken(*_: object) -> None:
        raise ValueError("a renderer's own error\nwith a second line")

    monkeypatch.setattr(print_map, "_qr", broken)
    answer = TestClient(create_app(store)).get("/districts/도봉구/print.pdf")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "error": "PrintFailed",
        "detail": "the resources map of 도봉구 could not be drawn: a renderer's own error",
        "parameter": None,
    }
    nowhere = tmp_path / "no-such-folder" / "map.pdf"
    env = env_of(built_settings_for("duckdb", request), SEMAP_PUBLIC_URL=PUBLIC)
    out = semap("print", "district", "도봉구", "-o", str(nowhere), env=env, check=False)
    lines = out.stderr.decode().strip().splitlines()
    assert out.returncode == 1 and lines == [f"semap: error: cannot write {nowhere}: No such file or directory"]
