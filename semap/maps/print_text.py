"""The printed map's type: NanumGothic (regular and bold) and how wide a text set in it is, so that lines wrap where
they must instead of running off the column or being cut short.

The fonts ship in the koreanize-matplotlib wheel; they are found without importing that package (its import changes
matplotlib's global settings). Widths come from the font's own advance widths (fontTools, which matplotlib's PDF
backend uses anyway), not from a guess per script.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from semap.errors import InvalidParameter

PT_MM = 25.4 / 72  # millimetres per point
ASCENT, DESCENT = 0.92, 0.23  # NanumGothic's line box (hhea) in ems: a line's ink stays within it
FONT_FILES = {False: "NanumGothic.ttf", True: "NanumGothicBold.ttf"}


def font_path(bold: bool = False) -> Path:
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise InvalidParameter("print", "the koreanize-matplotlib package (NanumGothic) is not installed")
    return Path(spec.submodule_search_locations[0]) / "fonts" / FONT_FILES[bold]


@dataclass(frozen=True)
class Metrics:
    advances: dict[int, float]  # code point -> advance width in ems
    missing: float  # what a character the font lacks takes (matplotlib draws a box of about this width)


@lru_cache(maxsize=2)
def metrics(bold: bool = False) -> Metrics:
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path(bold)), lazy=True)
    per_em = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    advances = {code: hmtx[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return Metrics(advances, missing=1.0)


def width_mm(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` is at ``size`` points, in millimetres."""
    m = metrics(bold)
    return sum(m.advances.get(ord(c), m.missing) for c in text) * size * PT_MM


def wrap(text: str, room_mm: float, size: float, bold: bool = False, then_mm: float | None = None) -> list[str]:
    """``text`` in lines no wider than ``room_mm`` (the lines after the first: ``then_mm``, for a hanging indent):
    broken between words, and inside a word only when the word alone is wider than a line (a long name without
    spaces). Nothing is left out."""
    lines: list[str] = []
    line = ""

    def room() -> float:
        return room_mm if not lines or then_mm is None else then_mm

    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width_mm(candidate, size, bold) <= room():
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        if width_mm(word, size, bold) <= room():
            line = word
            continue
        for character in word:  # a word wider than the line is broken where it reaches the edge
            if line and width_mm(line + character, size, bold) > room():
                lines.append(line)
                line = ""
            line += character
    if line or not lines:
        lines.append(line)
    return lines
