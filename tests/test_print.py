"""Print-ready district maps, as a coordinator makes them: `semap print district 송파구 -o map.pdf` or the
district page's download. Checked by reading the PDF (pdftotext, pdffonts) and rendering it (pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from semap.api.app import create_app
from semap.settings import StoreSettings
from semap.store import Store
from tests.conftest import BACKENDS
from tests.living import env_of, writable_store
from tests.test_cli import semap


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} (Debian's poppler-utils) is needed to read printed maps")
    return path


def _text(pdf: Path) -> str:
    return subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True).stdout


def test_the_songpa_resources_map_at_a4(built_env: dict[str, str], tmp_path: Path) -> None:
    pdf = tmp_path / "songpa.pdf"
    out = semap("print", "district", "송파구", "--layer", "resources", "--size", "A4", "-o", str(pdf), env=built_env)
    assert "wrote" in out.stdout.decode() and not out.stderr.strip()
    text = _text(pdf)
    assert "송파구 공유자원 지도" in text and "206곳" in text and "2013-12-31" in text
    numbers = {int(n) for n in re.findall(r"(?:^|\s)(\d{1,3})\. ", text)}
    assert numbers == set(range(1, 207))  # every resource in the numbered list, none cut off the page
    assert "localhost:8000/districts/송파구" in text  # the QR code's address, printed under it
    fonts = subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    assert "NanumGothic" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    subprocess.run(
        [_poppler("pdftoppm"), "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    page = Image.open(tmp_path / "page.png").convert("RGB")
    assert page.size[0] == 827 and abs(page.size[1] - 1169) <= 1  # A4 (210 x 297 mm) at 100 dpi
    colors = {c for _, c in page.getcolors(maxcolors=1 << 20)}
    assert (0x83, 0x1C, 0x49) in colors  # 집기 markers are drawn in their legend colour (semap.maps.palette)
    artifacts = Path(__file__).resolve().parent.parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "page.png", artifacts / "print-songpa-a4.png")


def test_a3_in_english_and_the_district_page_download(built_store: Store) -> None:
    client = TestClient(create_app(built_store))
    page = client.get("/districts/송파구")
    assert 'id="print-map"' in page.text
    response = client.get(
        "/districts/Songpa-gu/print.pdf", params={"size": "A3", "lang": "en", "layer": "organizations"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get("/districts/송파구/print.pdf", params={"size": "B5"}).status_code == 422


def test_an_unknown_district_has_no_printed_map(built_store: Store) -> None:
    response = TestClient(create_app(built_store)).get("/districts/0/print.pdf")
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


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("backend", BACKENDS)
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
        (tmp_path / "mpl").mkdir()
        (tmp_path / "mpl" / "matplotlibrc").write_text("text.usetex: True\n")
        env = env_of(settings, MPLCONFIGDIR=str(tmp_path / "mpl"))
        out = semap("print", "district", "도봉구", "-o", str(tmp_path / "cli.pdf"), env=env, check=False)
        assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr.decode()[-500:]
        text = _squeezed(_text(tmp_path / "cli.pdf"))
        assert all(_squeezed(part) in text for part in expected["resources"].values())


def test_a_print_that_fails_answers_the_one_error_shape_and_one_line(
    built_store: Store, built_settings: StoreSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from semap.maps import print_map

    def broken(*_: object) -> None:
        raise ValueError("a renderer's own error\nwith a second line")

    monkeypatch.setattr(print_map, "_qr", broken)
    answer = TestClient(create_app(built_store)).get("/districts/도봉구/print.pdf")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "error": "PrintFailed",
        "detail": "the resources map of 도봉구 could not be drawn: a renderer's own error",
        "parameter": None,
    }
    nowhere = tmp_path / "no-such-folder" / "map.pdf"
    out = semap("print", "district", "도봉구", "-o", str(nowhere), env=env_of(built_settings), check=False)
    lines = out.stderr.decode().strip().splitlines()
    assert out.returncode == 1 and lines == [f"semap: error: cannot write {nowhere}: No such file or directory"]
