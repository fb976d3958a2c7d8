"""Draws the brand images that Home Assistant and HACS show for the integration.

The artwork is our own: an open flipbook with one page turning, on a rounded tile.
It is not Flipsnack's logo, and the logo spells out "Flipsnack for Home Assistant" so
that it is never mistaken for Flipsnack's wordmark. Run it after changing the drawing:

    ../shared/tools/py314 .venv/bin/python scripts/make_brand_images.py
"""

from dataclasses import dataclass
import math
from pathlib import Path
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

BRAND = Path(__file__).parent.parent / "custom_components" / "flipsnack" / "brand"

# Everything is drawn on a canvas this big, then scaled down, which smooths the edges.
CANVAS = 2048
LOGO_HEIGHT = 256

type Point = tuple[float, float]
type Color = tuple[int, int, int]


@dataclass(frozen=True, kw_only=True)
class Palette:
    """The colours of one variant of the images."""

    tile_top: Color
    tile_bottom: Color
    page: Color
    turning_page: Color
    page_edge: Color
    text: Color
    subtext: Color


LIGHT = Palette(
    tile_top=(20, 184, 166),
    tile_bottom=(29, 78, 216),
    page=(255, 255, 255),
    turning_page=(224, 247, 250),
    page_edge=(165, 214, 224),
    text=(15, 61, 84),
    subtext=(29, 96, 130),
)
# Brighter tile and light text for dark backgrounds.
DARK = Palette(
    tile_top=(45, 212, 191),
    tile_bottom=(59, 130, 246),
    page=(255, 255, 255),
    turning_page=(224, 247, 250),
    page_edge=(165, 214, 224),
    text=(240, 249, 255),
    subtext=(153, 246, 228),
)


def scaled(points: list[Point]) -> list[Point]:
    """Map points from a 0-1 square onto the drawing canvas."""
    return [(x * CANVAS, y * CANVAS) for x, y in points]


def bezier(start: Point, control: Point, end: Point, steps: int = 48) -> list[Point]:
    """Return points along a quadratic Bézier curve, both ends included."""
    points = []
    for step in range(steps + 1):
        t = step / steps
        points.append(
            (
                (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t**2 * end[0],
                (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t**2 * end[1],
            )
        )
    return points


def gradient(size: int, top: Color, bottom: Color) -> Image.Image:
    """Return a square image that fades from the top left to the bottom right."""
    vertical = Image.linear_gradient("L").resize((size, size))
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90).transpose(
        Image.Transpose.FLIP_LEFT_RIGHT
    )
    ramp = Image.blend(vertical, horizontal, 0.3)
    return Image.composite(
        Image.new("RGB", (size, size), bottom),
        Image.new("RGB", (size, size), top),
        ramp,
    )


def page_outline(spine_x: float, outer_x: float) -> list[Point]:
    """Return one flat page of the open book, spine to outer edge."""
    top_spine, top_outer = (spine_x, 0.34), (outer_x, 0.27)
    bottom_outer, bottom_spine = (outer_x, 0.71), (spine_x, 0.78)
    middle = (spine_x + outer_x) / 2
    return [
        *bezier(top_spine, (middle, 0.27), top_outer),
        *bezier(bottom_outer, (middle, 0.71), bottom_spine),
    ]


def turning_page_outline() -> list[Point]:
    """Return the page that lifts off the right side and turns towards the left."""
    spine_top, spine_bottom = (0.5, 0.34), (0.5, 0.78)
    tip_top, tip_bottom = (0.70, 0.16), (0.72, 0.60)
    return [
        *bezier(spine_top, (0.56, 0.20), tip_top),
        *bezier(tip_top, (0.76, 0.38), tip_bottom),
        *bezier(tip_bottom, (0.58, 0.62), spine_bottom),
    ]


def draw_icon(palette: Palette, size: int) -> Image.Image:
    """Draw the icon: the flipbook on a rounded tile, transparent around it."""
    tile_mask = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(tile_mask).rounded_rectangle(
        (0, 0, CANVAS - 1, CANVAS - 1), radius=CANVAS * 0.22, fill=255
    )
    image = gradient(CANVAS, palette.tile_top, palette.tile_bottom).convert("RGBA")
    image.putalpha(tile_mask)

    # A soft shadow under the book lifts it off the tile.
    shadow = Image.new("L", (CANVAS, CANVAS), 0)
    shadow_draw = ImageDraw.Draw(shadow)
    offset = [(x, y + 0.025) for x, y in page_outline(0.5, 0.14)]
    shadow_draw.polygon(scaled(offset), fill=90)
    offset = [(x, y + 0.025) for x, y in page_outline(0.5, 0.86)]
    shadow_draw.polygon(scaled(offset), fill=90)
    shadow = shadow.filter(ImageFilter.GaussianBlur(CANVAS * 0.02))
    image.paste((0, 30, 60, 255), mask=ImageChops.multiply(shadow, tile_mask))

    draw = ImageDraw.Draw(image)
    edge = round(CANVAS * 0.008)
    for outer_x in (0.14, 0.86):
        draw.polygon(
            scaled(page_outline(0.5, outer_x)),
            fill=palette.page,
            outline=palette.page_edge,
            width=edge,
        )
    # Lines of text on the left page.
    for row in range(4):
        y = 0.43 + row * 0.075
        draw.line(
            scaled(bezier((0.22, y - 0.015), (0.33, y - 0.03), (0.44, y + 0.01))),
            fill=palette.page_edge,
            width=round(CANVAS * 0.018),
            joint="curve",
        )
    # The turning page casts a shadow on the right page before it is drawn.
    page_shadow = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(page_shadow).polygon(
        scaled([(x + 0.03, y + 0.03) for x, y in turning_page_outline()]), fill=70
    )
    page_shadow = page_shadow.filter(ImageFilter.GaussianBlur(CANVAS * 0.015))
    right_page = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(right_page).polygon(scaled(page_outline(0.5, 0.86)), fill=255)
    image.paste((0, 60, 90, 255), mask=ImageChops.multiply(page_shadow, right_page))
    draw.polygon(
        scaled(turning_page_outline()),
        fill=palette.turning_page,
        outline=palette.page_edge,
        width=edge,
    )
    draw.line(
        scaled([(0.5, 0.34), (0.5, 0.78)]), fill=palette.page_edge, width=edge * 2
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return the font that Pillow ships, so that every machine draws the same logo.

    A font of the system (DejaVu Sans, where Chromium's fonts are installed) would make
    the logo depend on what else the machine has.
    """
    return ImageFont.load_default(size)


def draw_logo(palette: Palette) -> Image.Image:
    """Draw the logo: the icon, then "Flipsnack for Home Assistant" in two lines."""
    scale = 4
    height = LOGO_HEIGHT * scale
    icon = draw_icon(palette, height)
    lines = (
        ("Flipsnack", font(round(height * 0.34)), palette.text),
        ("for Home Assistant", font(round(height * 0.17)), palette.subtext),
    )
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    boxes = [probe.textbbox((0, 0), text, font=face) for text, face, _ in lines]
    gap = round(height * 0.12)
    # Pillow measures text in float pixels; the image needs whole ones.
    width = height + gap + math.ceil(max(box[2] for box in boxes))
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste(icon, (0, 0))
    draw = ImageDraw.Draw(image)
    line_gap = round(height * 0.05)
    total = sum(box[3] - box[1] for box in boxes) + line_gap
    y = (height - total) / 2
    for (text, face, color), box in zip(lines, boxes, strict=True):
        draw.text((height + gap - box[0], y - box[1]), text, font=face, fill=color)
        y += box[3] - box[1] + line_gap
    trimmed = image.crop(image.getbbox())
    return trimmed.resize(
        (round(trimmed.width / scale), LOGO_HEIGHT), Image.Resampling.LANCZOS
    )


def brand_images() -> dict[str, Image.Image]:
    """Draw every brand image, light and dark, by file name."""
    images: dict[str, Image.Image] = {}
    for prefix, palette in (("", LIGHT), ("dark_", DARK)):
        images[f"{prefix}icon.png"] = draw_icon(palette, 256)
        images[f"{prefix}icon@2x.png"] = draw_icon(palette, 512)
        images[f"{prefix}logo.png"] = draw_logo(palette)
    return images


def save(image: Image.Image, name: str) -> None:
    """Write one PNG into the brand folder, as small as Pillow makes it."""
    path = BRAND / name
    image.save(path, optimize=True)
    shown = path.relative_to(BRAND.parent.parent.parent)
    sys.stdout.write(f"{shown}: {image.width}x{image.height}\n")


def main() -> None:
    """Draw every brand image into the brand folder."""
    BRAND.mkdir(exist_ok=True)
    for name, image in brand_images().items():
        save(image, name)


if __name__ == "__main__":
    main()
