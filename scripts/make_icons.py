"""Draw the installed app's icons (semap/web/static/semap-icon-*.png) with Pillow; run again after a design change.

A white map pin on SeMap's header blue. "any" icons: a rounded square; the maskable icon fills its square and keeps
the pin inside the central 80 % circle every platform's mask leaves visible (https://w3c.github.io/manifest/#icon-masks).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "semap" / "web" / "static"
BLUE, WHITE, ORANGE = (29, 53, 87, 255), (255, 255, 255, 255), (231, 111, 81, 255)
SUPERSAMPLE = 4


def _pin(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """A pin whose round head has radius ``r`` and centre (cx, cy); its point is 1.9 r below the centre."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    draw.polygon([(cx - r * 0.82, cy + r * 0.57), (cx + r * 0.82, cy + r * 0.57), (cx, cy + r * 1.9)], fill=WHITE)
    dot = r * 0.42
    draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=ORANGE)


def icon(size: int, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=BLUE)
        scale = 0.8  # the safe zone
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=BLUE)
        scale = 1.0
    r = big * 0.22 * scale
    _pin(draw, big / 2, big / 2 - r * 0.45, r)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        icon(size, maskable=False).save(STATIC / f"semap-icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(STATIC / "semap-icon-maskable-512.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(STATIC / "semap-icon-apple-180.png", optimize=True)


if __name__ == "__main__":
    main()
