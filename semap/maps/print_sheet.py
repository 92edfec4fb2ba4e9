"""One printed page as millimetres from its lower left corner: text, numbered badges, boxes and lines drawn on a
matplotlib figure at exact places, so that what is measured (semap.maps.print_text) is what is printed.

Every string is drawn as plain text: matplotlib would otherwise read ``$…$`` in a name as mathtext (a
``$\\undefined{x}$`` from a registry stopped the print) or hand it to LaTeX where ``text.usetex`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from semap.maps.print_text import ASCENT, DESCENT, PT_MM, width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MARGIN_MM = 10.0
BADGE_PAD_MM = 0.6  # around a badge's number


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def within(self, other: Box) -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def overlap_area(self, other: Box) -> float:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx * dy if dx > 0 and dy > 0 else 0.0

    @property
    def center(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


def badge_size(number: int, size: float) -> tuple[float, float]:
    """A numbered badge's width and height in millimetres."""
    return width_mm(str(number), size, bold=True) + 2 * BADGE_PAD_MM, (ASCENT + DESCENT) * size * PT_MM


def text_color_on(fill: str) -> str:
    """White on a dark fill, near-black on a light one (WCAG relative luminance)."""
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.25 else "#ffffff"


class Sheet:
    """A page of ``width`` x ``height`` mm, drawn on in millimetres: an invisible axes over the whole figure whose
    data units are millimetres (the figure is exactly the paper's size, so they are true millimetres)."""

    def __init__(self, figure: Figure, width: float, height: float) -> None:
        self.figure, self.width, self.height = figure, width, height
        self.ax: Axes = figure.add_axes((0, 0, 1, 1), zorder=10)
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(0, height)
        self.ax.axis("off")
        self.ax.patch.set_visible(False)

    @property
    def inner(self) -> Box:
        """The printable area: everything stays inside the margin."""
        return Box(MARGIN_MM, MARGIN_MM, self.width - MARGIN_MM, self.height - MARGIN_MM)

    def axes(self, box: Box) -> Axes:
        """An axes filling ``box`` (drawn under the page's own texts and badges)."""
        return self.figure.add_axes(
            (box.x0 / self.width, box.y0 / self.height, (box.x1 - box.x0) / self.width, (box.y1 - box.y0) / self.height)
        )

    def text(self, x: float, baseline: float, text: str, size: float, **style: Any) -> None:
        """``text`` on one line, its baseline at ``baseline`` mm; never mathtext, never LaTeX."""
        style.setdefault("va", "baseline")
        self.ax.text(x, baseline, text, fontsize=size, parse_math=False, usetex=False, **style)

    def box(
        self, box: Box, fill: str, edge: str = "none", width: float = 0.0, zorder: float = 5, round: bool = True
    ) -> None:
        from matplotlib.patches import FancyBboxPatch

        radius = min(box.x1 - box.x0, box.y1 - box.y0) * 0.3 if round else 0.0
        self.ax.add_artist(  # add_artist, not add_patch: the page's limits are fixed, no autoscaling to update
            FancyBboxPatch(
                (box.x0 + radius, box.y0 + radius),
                box.x1 - box.x0 - 2 * radius,
                box.y1 - box.y0 - 2 * radius,
                boxstyle=f"round,pad={radius}",
                facecolor=fill,
                edgecolor=edge,
                linewidth=width,
                zorder=zorder,
            )
        )

    def line(self, points: list[tuple[float, float]], color: str, width: float, zorder: float = 4) -> None:
        from matplotlib.lines import Line2D

        xs, ys = zip(*points, strict=True)
        self.ax.add_artist(Line2D(xs, ys, color=color, linewidth=width, zorder=zorder, solid_capstyle="round"))

    def outlines(
        self, rings: list[list[tuple[float, float]]], color: str, width: float, zorder: float, clip: Box
    ) -> None:
        """Many polygon outlines as one artist, cut at ``clip``."""
        from matplotlib.collections import LineCollection

        lines = LineCollection(rings, colors=color, linewidths=width, zorder=zorder)
        self.ax.add_artist(lines)
        lines.set_clip_box(self._bbox(clip))

    def fill(self, rings: list[list[tuple[float, float]]], color: str, zorder: float, clip: Box) -> None:
        from matplotlib.collections import PolyCollection

        polygons = PolyCollection(rings, facecolors=color, edgecolors="none", zorder=zorder)
        self.ax.add_artist(polygons)
        polygons.set_clip_box(self._bbox(clip))

    def _bbox(self, box: Box) -> Any:
        from matplotlib.transforms import Bbox, TransformedBbox

        return TransformedBbox(Bbox.from_extents(box.x0, box.y0, box.x1, box.y1), self.ax.transData)

    def dot(self, x: float, y: float, radius: float, fill: str, zorder: float = 4) -> None:
        from matplotlib.patches import Circle

        self.ax.add_artist(Circle((x, y), radius, facecolor=fill, edgecolor="white", linewidth=0.3, zorder=zorder))

    def badge(self, number: int, x0: float, y0: float, size: float, fill: str) -> Box:
        """The number in a filled rounded box whose lower left corner is at (x0, y0); the box it takes."""
        w, h = badge_size(number, size)
        box = Box(x0, y0, x0 + w, y0 + h)
        self.box(box, fill, edge="white", width=0.4)
        self.ax.text(
            x0 + w / 2,
            y0 + DESCENT * size * PT_MM,
            str(number),
            fontsize=size,
            fontweight=600,  # NanumGothicBold says 600 of itself,
            color=text_color_on(fill),
            ha="center",
            va="baseline",
            parse_math=False,
            usetex=False,
            zorder=6,
        )
        return box
