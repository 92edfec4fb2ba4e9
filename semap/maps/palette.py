"""The citizen map's colours: one per type of organization (circles) and per category of shared resource
(diamonds), a neutral for groups of markers, and the outline that sets every marker off the base map.

The thirteen colours were chosen for distance, not taste alone: every pair differs by at least CIEDE2000 19 (10 is
"clearly different"), within each shape every pair stays at least 12 apart as people with protanopia, deuteranopia
or tritanopia see them, each stands 20 or more away from OpenStreetMap's land, water and parks, and none is grey.
tests/test_palette.py measures all of it (coloraide), so a colour changed here is checked again."""

from __future__ import annotations

ORG_TYPE_COLORS = {
    "사회적기업": "#144685",  # navy
    "협동조합": "#ea771d",  # orange
    "마을기업": "#137a6e",  # teal
    "자활기업": "#be82a7",  # mauve
    "중간지원조직": "#a8441b",  # rust
    "협의회": "#6dcdff",  # sky
}
RESOURCE_COLORS = {
    "공간": "#4e04a5",  # violet
    "집기": "#831c49",  # wine
    "재능기부": "#e3c963",  # sand
    "문제해결": "#017519",  # green
    "물품": "#8b9659",  # olive
    "중고물품": "#50c8a4",  # mint
    "사람": "#ae39c3",  # purple
}
# Groups of markers (clusters) and server-side cells: a neutral that no legend colour resembles.
CLUSTER_COLOR = "#4a4a4a"
CLUSTER_TEXT = "#ffffff"
# Every marker's outline: dark enough to show any fill, light or dark, against the light base map.
MARKER_OUTLINE = "#262626"
# What an unknown value (a new registry's type) is drawn in: grey, so it reads as "not in the legend".
UNKNOWN_COLOR = "#8a8a8a"
