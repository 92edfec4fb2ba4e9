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
from semap.store import Store
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
    assert (0x6A, 0x1B, 0x9A) in colors  # 집기 markers are drawn in their legend colour
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
