"""The printed map's layout rules, without drawing: lines wrap without losing a character, places group records at
identical coordinates and number them in reading order, badges stay clear of each other, and the list flows over
columns and pages. (tests/test_print.py reads whole printed maps.)"""

from __future__ import annotations

import random

from semap.maps.print_list import Column, Line, flow
from semap.maps.print_places import Entry, place_labels, places
from semap.maps.print_sheet import Box
from semap.maps.print_text import width_mm, wrap


def test_wrapping_keeps_every_character_and_the_width() -> None:
    text = "마을 문제 해결 컨설팅 · 문제해결 · 햇살온누리재활용센터 " + "긴이름" * 40 + " end"
    lines = wrap(text, 30, 6.5, then_mm=27)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing left out, no "…"
    assert width_mm(lines[0], 6.5) <= 30 and all(width_mm(line, 6.5) <= 27 for line in lines[1:])
    assert text.startswith(lines[0] + " ") and len(lines[0]) > 6  # broken between words where it can be
    assert wrap("", 30, 6.5) == [""]


def _entry(name: str, lon: float, lat: float) -> Entry:
    return Entry(name, "집기", "집기", "holder", "road 1", lon, lat)


def test_records_at_one_place_share_a_number_in_reading_order() -> None:
    entries = [_entry("a", 1.0, 1.0), _entry("b", 0.0, 5.0), _entry("c", 1.0, 1.0), _entry("d", 3.0, 5.2)]
    at = {(e.lon, e.lat): (e.lon * 10, e.lat * 10) for e in entries}  # mm on the page
    numbered = places(entries, at, band_mm=10)
    assert [(p.number, [e.name for e in p.entries]) for p in numbered] == [(1, ["b"]), (2, ["d"]), (3, ["a", "c"])]


def test_badges_in_a_crowd_do_not_overlap() -> None:
    rng = random.Random(7)
    points = [(50 + rng.gauss(0, 4), 50 + rng.gauss(0, 4)) for _ in range(60)]
    sizes = [(4.0, 2.6)] * len(points)
    frame = Box(0, 0, 100, 100)
    labels = place_labels(points, sizes, frame)
    assert all(label.box.within(frame) for label in labels)
    assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if a.box.overlaps(b.box)]
    assert any(label.leader for label in labels)  # the crowded ones are set farther out, with a line


def test_the_list_flows_over_columns_and_pages() -> None:
    def block(n: int) -> list[Line]:
        return [Line(f"{n}-{i}", 0) for i in range(n)]

    first = [Column(Box(0, 0, 50, 10))]  # room for a few lines on page one
    rest = [Column(Box(0, 0, 50, 30)), Column(Box(60, 0, 110, 30))]
    pages = flow([block(2), block(3), block(40)], first, rest, size=7)
    placed = [s.line.text for page in pages for s in page]
    assert placed == [line.text for b in (block(2), block(3), block(40)) for line in b]  # all, in order
    assert [s.line.text for s in pages[0]] == ["2-0", "2-1"]  # the next block does not fit: it moves on whole
    assert {s.column for s in pages[1]} == {0, 1} and len(pages) >= 3  # a block taller than a column goes on
