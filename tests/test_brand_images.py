"""The brand images in the repository are what scripts/make_brand_images.py draws."""

from PIL import Image, ImageChops, ImageStat
import pytest

from scripts.make_brand_images import BRAND, brand_images

# Pillow's LANCZOS and anti-aliasing may move a channel by a step or two between its
# releases; another font or drawing moves whole strokes, far more than this on average.
MAX_MEAN_DIFFERENCE = 0.5


@pytest.fixture(scope="module")
def drawn() -> dict[str, Image.Image]:
    """The brand images as the script draws them on this machine."""
    return brand_images()


def test_every_brand_image_is_drawn(drawn: dict[str, Image.Image]) -> None:
    """The script draws exactly the files in the brand folder."""
    assert sorted(drawn) == sorted(path.name for path in BRAND.glob("*.png"))


@pytest.mark.parametrize("name", sorted(path.name for path in BRAND.glob("*.png")))
def test_brand_image_matches_the_drawing(
    drawn: dict[str, Image.Image], name: str
) -> None:
    """Running the script anywhere leaves the committed images as they are.

    The script draws the logo's text with the font Pillow ships, never with one that only
    some machines have (DejaVu Sans comes with Chromium's fonts on Debian).
    """
    with Image.open(BRAND / name) as committed_file:
        committed = committed_file.convert("RGBA")
    image = drawn[name].convert("RGBA")
    assert image.size == committed.size
    difference = ImageStat.Stat(ImageChops.difference(image, committed)).mean
    assert max(difference) <= MAX_MEAN_DIFFERENCE
