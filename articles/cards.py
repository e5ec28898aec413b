"""How the ward's pages look when shared: in Zalo, Facebook and search results.

A link shared in Zalo or Facebook shows a card: the OpenGraph tags' title,
description and picture. Search engines read the same tags and an article's
schema.org NewsArticle (JSON-LD). An article's photo is shared as its
1200×630 rendition (pictures/renditions.py); one without a photo of its own
is shown with its ward's card picture, 1200×630 (the size Facebook and Zalo
crop to), drawn here with the ward's name and logo.
"""

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from pictures import renditions
from pictures.checks import open_picture

CARD_SIZE = (1200, 630)
# Bump to make crawlers and browsers fetch every ward's card again after the
# drawing below changes.
CARD_DESIGN = 1
# A card changes only when its ward is renamed or given a new logo. Its URL
# has no version in it, so it is cached for a week, not for ever; the ETag
# makes asking again after that cheap.
CARD_MAX_AGE = 7 * 24 * 3600

# Bold sans-serif faces with every Vietnamese letter: Debian's fonts-noto-core
# and fonts-dejavu-core. Without any, the card is a picture without the name.
FONT_FILES = [
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]
DEFAULT_LOGO = "img/logo.png"
FALLBACK_CARD = "img/anh-chia-se.png"

KICKER = "Cổng thông tin điện tử"
RED, RED_DARK, GOLD, WHITE = (165, 27, 27), (111, 14, 14), (247, 201, 72), (255,) * 3


def site_name(ward) -> str:
    return f"{KICKER} {ward.name}"


# --- The card picture ------------------------------------------------------


def card_png(ward) -> bytes:
    """The ward's card picture as PNG bytes; drawn once per process and
    ward version."""
    return _card(ward.name, ward.logo.name or "")


def card_etag(ward) -> str:
    key = f"{CARD_DESIGN}|{ward.name}|{ward.logo.name}|{_font_file()}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


@lru_cache(maxsize=1)
def _font_file() -> Path | None:
    return next((path for path in FONT_FILES if path.is_file()), None)


@lru_cache(maxsize=64)
def _card(name: str, logo_name: str) -> bytes:
    font_file = _font_file()
    if font_file is None:
        with open(finders.find(FALLBACK_CARD), "rb") as fallback:
            return fallback.read()
    return draw_card(name, font_file, _logo(logo_name))


def _logo(logo_name: str) -> Image.Image:
    """The ward's own logo, or the portal's star when it has none or it
    cannot be read."""
    if logo_name:
        try:
            with default_storage.open(logo_name) as file, open_picture(file) as logo:
                return logo.convert("RGBA")
        except Exception:  # A missing or damaged file: never a broken card.
            pass
    with Image.open(finders.find(DEFAULT_LOGO)) as logo:
        return logo.convert("RGBA")


def draw_card(name: str, font: Path, logo: Image.Image) -> bytes:
    """Red like the site's header: the logo, "CỔNG THÔNG TIN ĐIỆN TỬ" in gold
    and the ward's name in white capitals, centred (Zalo crops to the middle)."""
    width, height = CARD_SIZE
    gradient = Image.linear_gradient("L").resize(CARD_SIZE)
    card = Image.composite(
        Image.new("RGB", CARD_SIZE, RED_DARK),
        Image.new("RGB", CARD_SIZE, RED),
        gradient,
    )
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, height - 14, width, height), fill=GOLD)

    kicker_font = ImageFont.truetype(str(font), 38)
    kicker = KICKER.upper()
    lines, name_font = _fit(name.upper(), font, draw, max_width=width - 160)
    line_height = int(name_font.size * 1.3)
    logo_size = 150 if len(lines) < 3 else 110
    logo = logo.copy()
    logo.thumbnail((logo_size, logo_size), Image.Resampling.LANCZOS)

    # The whole block, centred vertically above the gold strip.
    block = logo.height + 36 + 46 + 22 + line_height * len(lines)
    y = (height - 14 - block) // 2
    card.paste(logo, ((width - logo.width) // 2, y), logo)
    y += logo.height + 36
    draw.text((width // 2, y), kicker, font=kicker_font, fill=GOLD, anchor="mt")
    y += 46 + 22
    for line in lines:
        draw.text((width // 2, y), line, font=name_font, fill=WHITE, anchor="mt")
        y += line_height

    info = PngInfo()
    info.add_itxt("Title", f"{KICKER} {name}".strip())
    buffer = io.BytesIO()
    card.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()


def _fit(text: str, font: Path, draw, max_width: int):
    """The text wrapped in as few lines as fit, as large as fits: at most
    two lines down to 60 px, then three down to 36 px. Longer still (a name
    of 100 letters without a space), the card cuts it at its edges."""
    for max_lines, sizes in ((2, range(84, 59, -4)), (3, range(56, 35, -4))):
        for size in sizes:
            face = ImageFont.truetype(str(font), size)
            lines = _wrap(text, face, draw, max_width)
            fits = all(draw.textlength(line, font=face) <= max_width for line in lines)
            if fits and len(lines) <= max_lines:
                return lines, face
    return lines[:3], face


def _wrap(text: str, face, draw, max_width: int) -> list[str]:
    """Words on a line while they fit, then on the next."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=face) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


# --- Tags and structured data ----------------------------------------------


@dataclass(frozen=True)
class SharedPicture:
    url: str  # Absolute.
    width: int | None = None
    height: int | None = None


def ward_card(request) -> SharedPicture:
    url = request.build_absolute_uri(reverse("articles:share_card"))
    return SharedPicture(url, *CARD_SIZE)


def shared_photo(request, article) -> SharedPicture | None:
    """The article's photo as Zalo and Facebook show it: its 1200x630 JPEG
    rendition (smaller if the photo is), or the photo itself if it has none
    (an animation, a file gone missing)."""
    if not article.featured_image:
        return None
    shared = renditions.social(article.featured_image.name)
    if shared is None:
        return SharedPicture(request.build_absolute_uri(article.featured_image.url))
    return SharedPicture(
        request.build_absolute_uri(shared.url), shared.width, shared.height
    )


@dataclass(frozen=True)
class ArticleShare:
    """What an article page tells crawlers: its address, picture and times."""

    url: str
    picture: SharedPicture
    published: str  # ISO 8601, in the ward's time zone, to the second.
    modified: str
    json_ld: SafeString

    @classmethod
    def of(cls, request, article) -> "ArticleShare":
        url = request.build_absolute_uri(article.get_absolute_url())
        picture = shared_photo(request, article) or ward_card(request)
        published = _iso(article.published_at)
        # A scheduled article saved before it came out changed when it came out.
        modified = _iso(max(article.updated_at, article.published_at))
        ward = request.ward
        logo = ward.logo.url if ward.logo else static(DEFAULT_LOGO)
        organisation = {
            "@type": "Organization",
            "name": site_name(ward),
            "url": request.build_absolute_uri(reverse("articles:home")),
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(logo)},
        }
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": Truncator(article.summary).words(40),
            "image": [picture.url],
            "datePublished": published,
            "dateModified": modified,
            "articleSection": article.category.name,
            "inLanguage": "vi",
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "author": organisation,
            "publisher": organisation,
        }
        if article.byline:
            data["author"] = {"@type": "Person", "name": article.byline}
        if article.source:
            # Taken from another publication: the work it is based on.
            data["isBasedOn"] = {
                "@type": "CreativeWork",
                **({"url": article.source_url} if article.source_url else {}),
                "publisher": {"@type": "Organization", "name": article.source},
            }
        return cls(url, picture, published, modified, json_ld(data))


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


# What django.utils.html.json_script escapes: inside <script>, "</script>" or
# "<!--" in a title must stay text, and JSON reads \u003C back as "<".
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data) -> SafeString:
    """JSON safe to place between <script type="application/ld+json"> tags."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above.
