"""The demo's photos (articles/demo_pictures.py): scenes of ward life drawn
by our own code, so the demo site looks like a ward's, not unfinished: each
picture a scene of many colours, sky above ground, each article its own, and
described for people who cannot see it."""

import time

from PIL import Image

from articles.demo_content import load_demo_content
from articles.models import Article

# A colour counts when it covers this share of the picture, quantised.
SHARE = 0.005


def colours(image) -> int:
    """How many colours make up the picture, in a 32-colour palette."""
    small = image.convert("RGB").resize((160, 90))
    counts = small.quantize(32).getcolors()
    return sum(1 for count, _ in counts if count >= SHARE * 160 * 90)


def brightness(image, box) -> float:
    grey = image.convert("L").crop(box).resize((1, 1), Image.Resampling.BOX)
    return grey.getpixel((0, 0))


def test_the_demo_pictures_are_scenes_not_coloured_blocks(db, media_root):
    started = time.monotonic()
    load_demo_content()
    # make run loads the demo each time: drawing must stay quick.
    assert time.monotonic() - started < 15
    pictured = list(Article.objects.exclude(featured_image=""))
    assert len(pictured) >= 6
    seen = set()
    for article in pictured:
        with article.featured_image.open("rb") as file:
            image = Image.open(file)
            image.load()
        assert image.size == (1200, 675), article.title
        # A block with a circle is three colours; a scene a good many.
        assert colours(image) >= 14, (article.title, colours(image))
        # Not one flat colour anywhere large: texture as a photo has.
        top = image.convert("L").crop((0, 0, 1200, 40))
        assert len(top.getcolors(256)) > 8, article.title
        seen.add(image.convert("RGB").resize((32, 18)).tobytes())
        alt = article.featured_image_alt
        assert alt.startswith("Ảnh minh họa: ") and "hình tròn" not in alt, alt
    # Each article a picture of its own.
    assert len(seen) == len(pictured)


def test_the_demo_portraits_look_like_official_photos(db, media_root):
    from organisation import demo_content as organisation_demo
    from organisation.models import Person

    organisation_demo.load_demo_content()
    pictured = list(Person.objects.exclude(photo=""))
    assert pictured
    for person in pictured:
        with person.photo.open("rb") as file:
            image = Image.open(file)
            image.load()
        assert image.size == (600, 800)
        # A figure on a flat ground is four colours; a photo's studio ground
        # shades from the head outwards, and has grain.
        assert colours(image) >= 10, (person.full_name, colours(image))
        assert brightness(image, (250, 20, 350, 60)) > brightness(image, (0, 0, 40, 40))
