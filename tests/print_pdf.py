"""Reading a printed map back: the words of each page with their boxes (``pdftotext -bbox-layout``), the numbered
list's blocks, and the rendered page (``pdftoppm``). Shared by tests/test_print.py."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MM_PT = 72 / 25.4
LINE_BOX = 0.92 + 0.23  # NanumGothic's ascent + descent (hhea) in ems: a word's box is this many font sizes high
XHTML = "{http://www.w3.org/1999/xhtml}"


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} (Debian's poppler-utils) is needed to read printed maps")
    return path


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float  # from the page's top, in points
    x1: float
    y1: float
    text: str

    @property
    def size(self) -> float:
        """The font size it is set in (points)."""
        return (self.y1 - self.y0) / LINE_BOX


@dataclass
class Page:
    width: float
    height: float
    lines: list[list[Word]] = field(default_factory=list)

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line]


def read(pdf: Path) -> list[Page]:
    out = subprocess.run([poppler("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = []
    for n, element in enumerate(ET.fromstring(out).iter(f"{XHTML}page"), start=1):
        page = Page(float(element.get("width", 0)), float(element.get("height", 0)))
        for line in element.iter(f"{XHTML}line"):
            page.lines.append(
                [
                    Word(n, *(float(w.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")), w.text or "")
                    for w in line.iter(f"{XHTML}word")
                ]
            )
        pages.append(page)
    return pages


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words on one baseline of one page, left to right (pdftotext splits a line at a wide gap)."""
    rows: dict[tuple[int, float], list[Word]] = {}
    for w in words:  # words of one size on one baseline have the same top
        rows.setdefault((w.page, round(w.y0, 1)), []).append(w)
    return [sorted(row, key=lambda w: w.x0) for row in rows.values()]


def list_blocks(pages: list[Page], first_list_top: float) -> dict[int, str]:
    """The list's text per number, in reading order (page, column, line), all whitespace removed; page one's
    list starts below ``first_list_top`` (points from the top), further pages below their heading. A place's first
    line is its number, then (further than a space) its address."""
    footer_top = pages[0].height - 10 * MM_PT - 12  # the footer's lines: data source and page number
    words = [
        w
        for n, page in enumerate(pages, start=1)
        for w in page.words
        if w.y1 < footer_top and (w.y0 > first_list_top if n == 1 else w.y0 > 10 * MM_PT + 12)
    ]
    rows = _rows(words)
    heads = {
        id(row[i])
        for row in rows
        for i in range(len(row) - 1)
        if row[i].text.isdigit() and 3.5 < row[i + 1].x0 - row[i].x1 < 25 and (i == 0 or row[i].x0 - row[i - 1].x1 > 6)
    }
    columns: list[float] = []
    for x in sorted(w.x0 for row in rows for w in row if id(w) in heads):  # the columns' left edges
        if not columns or x - columns[-1] > 20:
            columns.append(x)
    cells: dict[tuple[int, int, float], list[Word]] = {}
    for row in rows:
        for w in row:
            column = max((i for i, x in enumerate(columns) if x <= w.x0 + 1), default=-1)
            cells.setdefault((w.page, column, w.y0), []).append(w)
    blocks: dict[int, str] = {}
    current = None
    for (_, column, _), line in sorted(cells.items()):
        if column < 0:
            continue
        if id(line[0]) in heads:
            current = int(line[0].text)
            assert current not in blocks, f"number {current} twice in the list"
            blocks[current] = "".join(w.text for w in line[1:])
        elif current is not None:
            blocks[current] += "".join(w.text for w in line)
    return blocks


def render(pdf: Path, target: Path, dpi: int) -> list[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(f"{target.name}-*.png"):
        old.unlink()
    subprocess.run([poppler("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(target)], check=True)
    return sorted(target.parent.glob(f"{target.name}-*.png"))


def qr_modules(pdf: Path, workdir: Path) -> list[list[bool]]:
    """The QR code's modules (dark: True) as page one embeds them: its one image, a pixel per module, stored
    bottom row first."""
    from PIL import Image

    subprocess.run([poppler("pdfimages"), "-png", "-f", "1", "-l", "1", str(pdf), str(workdir / "image")], check=True)
    (path,) = workdir.glob("image-*.png")
    image = Image.open(path).convert("L")
    rows = [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]
    return rows[::-1]
