"""The printed map's numbered list: one block per place (its number and address, then each record at it: name ·
category · holder), lines wrapped to the column (never cut short), blocks flowed down the columns of the first page's
lower part and on to as many further pages as they need. A block stays in one column unless it is taller than one.
"""

from __future__ import annotations

from dataclasses import dataclass

from semap.maps.print_places import Place
from semap.maps.print_sheet import Box, Sheet, badge_size
from semap.maps.print_text import ASCENT, DESCENT, PT_MM, wrap

LEADING = 1.22  # line distance in font sizes
BLOCK_GAP = 0.45  # extra room between two places' blocks, in lines
COLUMN_GAP_MM = 5.0
HANGING_MM = 2.0  # a wrapped record's further lines are indented this much more


@dataclass(frozen=True)
class Line:
    text: str
    indent: float  # mm from the column's left edge
    badge: Place | None = None  # the place whose number starts this line
    muted: bool = False


@dataclass(frozen=True)
class Column:
    box: Box  # where its lines go (the top of the first line's ink at the top)


@dataclass(frozen=True)
class Set:
    """A line set on a page: its column and how far below the column's top its line box starts (mm)."""

    line: Line
    column: int
    offset: float


def columns(area: Box, count: int) -> list[Column]:
    width = (area.x1 - area.x0 - COLUMN_GAP_MM * (count - 1)) / count
    return [
        Column(
            Box(area.x0 + i * (width + COLUMN_GAP_MM), area.y0, area.x0 + i * (width + COLUMN_GAP_MM) + width, area.y1)
        )
        for i in range(count)
    ]


def block(place: Place, width: float, size: float, largest: int) -> list[Line]:
    """A place's lines in a column ``width`` mm wide; the badge column is as wide as the largest number's badge."""
    indent = badge_size(largest, size)[0] + 1.2
    room = width - indent
    head = wrap(place.address or "–", room, size)
    lines = [Line(head[0], indent, badge=place, muted=True), *(Line(t, indent, muted=True) for t in head[1:])]
    for e in place.entries:
        parts = [e.name or "–", e.category, e.holder]
        first, *rest = wrap(" · ".join(p for p in parts if p), room, size, then_mm=room - HANGING_MM)
        lines.append(Line(first, indent))
        lines.extend(Line(t, indent + HANGING_MM) for t in rest)
    return lines


def room_needed(blocks: list[list[Line]], count: int, size: float) -> float:
    """About how high ``count`` columns must be to hold all the blocks (mm): their share of the lines, and room for
    a block that does not fit at a column's foot."""
    step = LEADING * size * PT_MM
    total = sum(len(lines) + BLOCK_GAP for lines in blocks) * step
    return total / count + max((len(lines) for lines in blocks), default=0) * step


def flow(blocks: list[list[Line]], first: list[Column], rest: list[Column], size: float) -> list[list[Set]]:
    """The lines in pages of columns: the first page's list columns, then as many pages of ``rest`` as needed."""
    step = LEADING * size * PT_MM
    pages: list[list[Set]] = [[]]
    layout, column, used = first, 0, 0.0

    def advance() -> None:
        nonlocal layout, column, used
        column, used = column + 1, 0.0
        if column == len(layout):
            pages.append([])
            layout, column = rest, 0

    for lines in blocks:
        gap = BLOCK_GAP * step if used else 0.0
        height = gap + len(lines) * step
        room = layout[column].box.y1 - layout[column].box.y0
        if used + height > room and used > 0:
            advance()
            gap = 0.0
        used += gap
        for line in lines:  # a block taller than a whole column goes on in the next one
            if used + step > layout[column].box.y1 - layout[column].box.y0 + 1e-6:
                advance()
            pages[-1].append(Set(line, column, used))
            used += step
    return pages


def draw(sheet: Sheet, sets: list[Set], layout: list[Column], size: float, colors: dict[str, str]) -> None:
    step = LEADING * size * PT_MM
    # the line box is step high; the ink (ascent + descent) is centred in it
    ascent = ASCENT * size * PT_MM + (step - (ASCENT + DESCENT) * size * PT_MM) / 2
    for s in sets:
        column = layout[s.column].box
        baseline = column.y1 - s.offset - ascent
        if s.line.badge is not None:
            sheet.badge(
                s.line.badge.number, column.x0, baseline - DESCENT * size * PT_MM, size, colors[s.line.badge.key]
            )
        color = "#444444" if s.line.muted else "#111111"
        sheet.text(column.x0 + s.line.indent, baseline, s.line.text, size, color=color)
