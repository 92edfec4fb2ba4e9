"""The map's colours differ clearly (CIEDE2000), stay apart for colour-blind readers within each marker shape, stand
out from the base map, and the groups' neutral resembles no legend colour. Measured with coloraide."""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from semap.maps.palette import (
    CLUSTER_COLOR,
    CLUSTER_TEXT,
    MARKER_OUTLINE,
    ORG_TYPE_COLORS,
    RESOURCE_COLORS,
    UNKNOWN_COLOR,
)
from semap.registry.model import ORG_TYPES, RESOURCE_CATEGORIES

LEGEND = {**ORG_TYPE_COLORS, **RESOURCE_COLORS}
SHAPES = {"circles (organization types)": ORG_TYPE_COLORS, "diamonds (resource categories)": RESOURCE_COLORS}
# OpenStreetMap Carto's areas (the default base map): land, water, park, wood, residential, building.
BASE_MAP = {
    "land": "#f2efe9",
    "water": "#aad3df",
    "park": "#c8facc",
    "wood": "#add19e",
    "residential": "#e0dfdf",
    "building": "#d9d0c9",
}


def de2000(a: str | Color, b: str | Color) -> float:
    return Color(a).delta_e(b, method="2000")


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", Table 1: pairs 1, 7, 17, 25 and 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ],
)
def test_the_library_computes_the_published_ciede2000(lab1, lab2, expected) -> None:
    a, b = Color("lab-d65", list(lab1)), Color("lab-d65", list(lab2))
    assert a.delta_e(b, method="2000") == pytest.approx(expected, abs=1e-4)


def test_every_type_and_category_has_its_colour() -> None:
    assert tuple(ORG_TYPE_COLORS) == ORG_TYPES
    assert tuple(RESOURCE_COLORS) == RESOURCE_CATEGORIES


def test_legend_colours_differ_clearly() -> None:
    """10 is the issue's bar ("clearly different"); the palette keeps about twice that, so a nudge stays safe."""
    closest = min((de2000(a, b), x, y) for (x, a), (y, b) in itertools.combinations(LEGEND.items(), 2))
    assert closest[0] >= 18, closest


@pytest.mark.parametrize("deficiency", ["protan", "deutan", "tritan"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_colours_of_one_shape_stay_apart_for_colour_blind_readers(shape: str, deficiency: str) -> None:
    """Dichromat vision (coloraide's Brettel/Viénot simulation, full severity): markers of the same shape differ by
    colour alone, so each pair must stay distinguishable; across shapes the shape tells them apart."""
    seen = {name: Color(c).filter(deficiency).convert("srgb").clip() for name, c in SHAPES[shape].items()}
    closest = min((de2000(a, b), x, y) for (x, a), (y, b) in itertools.combinations(seen.items(), 2))
    assert closest[0] >= 12, closest


def test_markers_stand_out_from_the_base_map() -> None:
    """Each fill is clearly unlike the base map's areas, and the outline every marker has is a WCAG non-text
    contrast (3:1) against all of them: a light fill on a light area is still seen."""
    for name, fill in LEGEND.items():
        for area, colour in BASE_MAP.items():
            assert de2000(fill, colour) >= 10, (name, area)
    for area, colour in BASE_MAP.items():
        assert Color(MARKER_OUTLINE).contrast(colour) >= 3, area


def test_groups_are_neutral_and_readable() -> None:
    neutral = Color(CLUSTER_COLOR).convert("lch-d65")
    assert neutral["chroma"] < 3  # grey: a group of markers is no type
    for name, fill in LEGEND.items():  # and resembles no legend colour
        assert de2000(CLUSTER_COLOR, fill) >= 15, name
        assert Color(fill).convert("lch-d65")["chroma"] >= 25, name  # no legend colour is grey in turn
    assert Color(CLUSTER_TEXT).contrast(CLUSTER_COLOR) >= 4.5  # the number: WCAG AA text contrast
    assert de2000(UNKNOWN_COLOR, CLUSTER_COLOR) >= 10
