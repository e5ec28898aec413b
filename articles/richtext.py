"""The article editor, in one place: what staff write with, what readers get.

Staff write bodies in CKEditor (with image upload); whatever HTML arrives, from
the editor, a paste or a crafted request, is cleaned on save against an
allow-list fitting a news article. Scripts, event attributes and javascript:
URLs never reach a reader. Swapping the editor means changing this module.
"""

import json
import posixpath
import re
from datetime import date
from fnmatch import fnmatch
from html import escape
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urlsplit, urlunsplit

import nh3
from ckeditor_uploader import utils as ckeditor_utils
from ckeditor_uploader.backends import get_backend
from ckeditor_uploader.widgets import CKEditorUploadingWidget
from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.http.request import validate_host
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pictures import renditions
from pictures.checks import (
    IMAGE_ENDINGS,
    picture_problem,
    prepare_picture,
    shown_name,
    stored_path,
)
from vietnamese.text import vietnamese_slugify

# What a body may hold, for nh3 on save and, generated from the same lists,
# for CKEditor's content filter: the editor never shows what saving would
# drop, and saving keeps what the editor shows.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip

# No style attribute and no free class: fonts, colours and sizes pasted from
# Word or Google Docs go, and nothing can be laid over the page (a float, a
# width, a negative margin).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

# Alignment is a class from a short list, styled by the site's stylesheet:
# the editor's Justify buttons (left, centre, right, both edges)...
TEXT_ALIGN_CLASSES = ["text-left", "text-center", "text-right", "text-justify"]
ALIGNED_BLOCKS = ["p", "h2", "h3", "h4", "li", "td", "th"]
# ...and the image dialog's (image2): a captioned picture is
# <figure class="image image-right"><img …><figcaption>…</figcaption></figure>,
# an uncaptioned one <img class="image-right"> or, centred,
# <p class="image-center"><img …></p>.
CAPTIONED_CLASS = "image"
IMAGE_ALIGN_CLASSES = ["image-left", "image-center", "image-right"]

ALLOWED_CLASSES = {
    **{tag: {*TEXT_ALIGN_CLASSES} for tag in ALIGNED_BLOCKS},
    "p": {*TEXT_ALIGN_CLASSES, "image-center"},
    "figure": {CAPTIONED_CLASS, *IMAGE_ALIGN_CLASSES},
    "img": {"image-left", "image-right"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The tags whose content is dropped with them, not kept as text (Word's
# clipboard carries a <style> and a <title>).
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "template", "title",
}  # fmt: skip


def editor_allowed_content() -> dict:
    """The allow-list as CKEditor's content filter rules (allowedContent):
    the dialogs hide every field whose output would not be allowed, and
    pasted or typed markup is filtered the way nh3 will filter it."""
    rules = {}
    for tag in sorted(ALLOWED_TAGS):
        rule = {}
        if attributes := ALLOWED_ATTRIBUTES.get(tag):
            rule["attributes"] = ",".join(sorted(attributes))
        if classes := ALLOWED_CLASSES.get(tag):
            rule["classes"] = ",".join(sorted(classes))
        rules[tag] = rule or True
    return rules


TOOLBAR = [
    ["Format"],
    ["Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
    ["NumberedList", "BulletedList", "Outdent", "Indent", "Blockquote"],
    ["JustifyLeft", "JustifyCenter", "JustifyRight", "JustifyBlock"],
    ["Link", "Unlink"],
    ["Image", "Table", "HorizontalRule"],
    ["PasteText", "PasteFromWord", "RemoveFormat"],
    ["Undo", "Redo"],
    ["Maximize", "Source"],
]

# django-ckeditor's CKEditor 4 is the "full" build: switch off what writes
# markup the allow-list refuses (fonts, colours, forms, iframes…), what
# reaches outside (spell-check services, PDF export), the classic image
# dialog (replaced by image2) and whatever else the toolbar has no use for.
REMOVED_PLUGINS = [
    "about", "bidi", "colorbutton", "colordialog", "copyformatting", "div",
    "exportpdf", "find", "font", "forms", "iframe", "image", "indentblock",
    "language", "liststyle", "newpage", "pagebreak", "preview", "print", "save",
    "scayt", "selectall", "showblocks", "smiley", "specialchar", "stylescombo",
    "templates", "wsc",
]  # fmt: skip
EXTRA_PLUGINS = ["image2"]

EDITOR_CONFIG = {
    "toolbar": "Wardnews",
    "toolbar_Wardnews": TOOLBAR,
    "format_tags": "p;h2;h3;h4",
    "height": 420,
    "width": "100%",
    "removePlugins": ",".join(REMOVED_PLUGINS),
    "extraPlugins": ",".join(EXTRA_PLUGINS),
    "allowedContent": editor_allowed_content(),
    "justifyClasses": TEXT_ALIGN_CLASSES,
    "image2_alignClasses": IMAGE_ALIGN_CLASSES,
    "image2_captionedClass": CAPTIONED_CLASS,
    # Tabs whose every field the allow-list refuses; the image dialog's
    # upload moves into its first tab (editor_setup.js). Links point at
    # pages, not at uploaded pictures.
    "removeDialogTabs": "image2:Upload;link:advanced;link:target;table:advanced",
    "filebrowserLinkBrowseUrl": "",
    "filebrowserLinkUploadUrl": "",
    "linkJavaScriptLinksAllowed": False,
    # For editor_setup.js: links and pictures the editor keeps.
    "wardnewsUrlSchemes": sorted(ALLOWED_URL_SCHEMES),
    "pasteFromWordPromptCleanup": False,
    "disableNativeSpellChecker": False,
    # Vietnamese letters as themselves, not as &ecirc; in the source view.
    "entities": False,
}


def editor_static_file(path: str) -> bool:
    """Whether a file of django-ckeditor's static folders ("ckeditor/…") is
    one the editor loads; the rest (demo and test pages, other languages,
    plugins switched off, the old image browser's jQuery) is neither
    collected nor served: see wardnews/staticfiles.py."""
    if not path.startswith("ckeditor/"):
        return True
    return any(fnmatch(path, pattern) for pattern in EDITOR_STATIC_FILES) and not any(
        fnmatch(path, pattern) for pattern in NOT_EDITOR_STATIC_FILES
    )


EDITOR_STATIC_FILES = [
    "ckeditor/ckeditor-init.js",
    "ckeditor/fixups.js",
    "ckeditor/ckeditor.css",
    "ckeditor/ckeditor/ckeditor.js",
    "ckeditor/ckeditor/config.js",
    "ckeditor/ckeditor/contents.css",
    "ckeditor/ckeditor/styles.js",
    "ckeditor/ckeditor/lang/vi.js",
    "ckeditor/ckeditor/skins/moono-lisa/*",
    # Dialogs, paste filters, lang files and pictures that the plugins in
    # use load when they are first needed.
    *(
        f"ckeditor/ckeditor/plugins/{name}/*"
        for name in [
            "a11yhelp", "clipboard", "dialog", "image2", "link", "magicline",
            "pastefromgdocs", "pastefromlibreoffice", "pastefromword",
            "pastetools", "table", "tableselection", "tabletools",
        ]
    ),
    "ckeditor/ckeditor/plugins/widget/images/*",
]  # fmt: skip
NOT_EDITOR_STATIC_FILES = [
    "*.html",
    "*.md",
    "*.txt",
    "*/samples/*",
    "*/tests/*",
    # Only the languages staff read.
    "ckeditor/ckeditor/plugins/*/lang/[!v]*.js",
    "ckeditor/ckeditor/plugins/*/lang/v[!i]*.js",
]


class EditorWidget(CKEditorUploadingWidget):
    """CKEditor with image upload, configured for ward news articles; its
    pictures go into, and are browsed from, the given ward's folder."""

    def __init__(self, *args, ward=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.config.update(EDITOR_CONFIG)

    @property
    def media(self):
        # After ckeditor.js: the Vietnamese CKEditor itself lacks, and what
        # the settings above cannot say (see each file).
        return super().media + forms.Media(
            css={"all": ["articles/admin/editor_setup.css"]},
            js=["articles/admin/ckeditor_vi.js", "articles/admin/editor_setup.js"],
        )

    def _set_config(self):
        super()._set_config()
        ward = {"ward": self.ward.pk} if self.ward else {}
        upload_url = reverse("ckeditor_upload")
        self.config["filebrowserUploadUrl"] = f"{upload_url}?{urlencode(ward)}"
        self.config["filebrowserBrowseUrl"] = (
            f"{reverse('ckeditor_browse')}?{urlencode(ward)}"
        )
        # Pasted and dropped pictures: CKEditor appends nothing to this one.
        self.config["uploadUrl"] = (
            f"{upload_url}?{urlencode({**ward, 'responseType': 'json'})}"
        )


def sanitize(html: str) -> str:
    """The body HTML a reader may be shown: the allow-list's, with pictures
    from our own media only (see foreign_pictures)."""
    markup, _ = _rewritten(html)
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=_with_class(ALLOWED_ATTRIBUTES),
        attribute_filter=_allowed_classes_only,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def foreign_pictures(html: str) -> list[str]:
    """The addresses of the pictures sanitize() drops, because they are not
    files of our media: another site's (every reader's browser would call it,
    and it can change or vanish), a data: or file: address pasted from Word
    (kept as ""), or none at all."""
    return _rewritten(html)[1]


def pictures_without_description(html: str) -> int:
    """How many pictures in the body have no description (alt) for readers
    who cannot see them: a picture dropped or pasted into the editor gets
    none, unlike one put in with the image dialog."""
    finder = _UndescribedPictures()
    finder.feed(html)
    finder.close()
    return finder.count


class _UndescribedPictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.count += 1


def own_pictures_only(html: str) -> None:
    """A form validator for the editor's fields: staff learn, before saving,
    which pictures would not reach readers, and nothing they wrote is lost
    (the form comes back as they sent it, pictures in place)."""
    if foreign := foreign_pictures(html):
        raise ValidationError(
            "Bài có %(count)s ảnh lấy từ nơi khác (%(where)s). Bạn đọc chỉ xem "
            "được ảnh đã tải lên trang của phường: hãy xoá các ảnh đó khỏi bài, "
            "tải ảnh lên bằng nút “Ảnh” trên thanh công cụ rồi lưu lại.",
            code="foreign_pictures",
            params={"count": len(foreign), "where": _places(foreign)},
        )


def _places(addresses: list[str]) -> str:
    """Where the pictures come from, in a few words: the sites' names, or
    "dán trực tiếp" for pictures pasted without an address."""
    places = []
    for address in addresses:
        try:
            host = urlsplit(_as_browsers_read(address)).hostname
        except ValueError:
            host = None
        place = host or "dán trực tiếp"
        if place not in places:
            places.append(place)
    return ", ".join(places[:3]) + (", …" if len(places) > 3 else "")


def _own_media(src: str | None) -> str | None:
    """The address a picture keeps if it is a file of our media, else None.

    Compared as browsers read an address (tabs and line breaks dropped,
    surrounding spaces trimmed, a backslash as a slash), so "/\\x.example/"
    and " //x.example/" are another site's. A full address of one of our own
    hosts (a picture copied from the ward's pages) becomes the path alone:
    readers then fetch it from whichever ward's site they read.
    """
    if not src:
        return None
    read = _as_browsers_read(src)
    media = urlsplit(settings.MEDIA_URL)
    try:
        address = urlsplit(read)
    except ValueError:  # "http://[" : no address a browser would load.
        return None
    if (address.scheme, address.netloc) == (media.scheme, media.netloc):
        return src if read.startswith(settings.MEDIA_URL) else None
    if (
        not media.netloc
        and address.scheme in ("http", "https")
        and address.hostname
        and _is_our_host(address.hostname)
        and address.path.startswith(media.path)
    ):
        return urlunsplit(("", "", address.path, address.query, ""))
    return None


def _as_browsers_read(src: str) -> str:
    return re.sub(r"[\t\n\r]", "", src).strip(_C0_AND_SPACE).replace("\\", "/")


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _is_our_host(host: str) -> bool:
    """One of the host names this installation answers (ALLOWED_HOSTS, as
    "*" would make every site ours)."""
    return validate_host(host, [h for h in settings.ALLOWED_HOSTS if h != "*"])


def _with_class(attributes: dict) -> dict:
    """The attributes, a class where the allow-list has some, and nothing
    on every tag (nh3 would otherwise keep any tag's lang and title)."""
    return {
        "*": set(),
        **{
            tag: {*attributes.get(tag, ()), "class"}
            for tag in {*attributes, *ALLOWED_CLASSES}
        },
    }


def _allowed_classes_only(tag: str, name: str, value: str) -> str | None:
    """The classes of the allow-list (nh3's allowed_classes would leave
    Word's class="MsoNormal" as an empty class="")."""
    if name != "class":
        return value
    allowed = ALLOWED_CLASSES.get(tag, set())
    return " ".join(c for c in value.split() if c in allowed) or None


def _rewritten(html: str) -> tuple[str, list[str]]:
    """What Word and Google Docs say with styles, as the allow-list says
    it, before the styles go: bold and italic spans as <strong> and <em>,
    a paragraph's text-align as its alignment class; and the headings the
    editor has no button for as paragraphs, as the editor makes them. And
    pictures not from our media dropped: their addresses come second.

    nh3 first (the allow-list, with spans, those headings and those
    styles), so that what is rewritten is well-formed markup; the result
    goes through nh3 again, which alone decides what a reader gets.
    """
    tidy = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"span", *_AS_PARAGRAPH},
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={
            **_with_class(ALLOWED_ATTRIBUTES),
            **{
                tag: {*ALLOWED_ATTRIBUTES.get(tag, ()), "class", "style"}
                for tag in _EMPHASIS | {*ALIGNED_BLOCKS, *_AS_PARAGRAPH}
            },
        },
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties={"font-weight", "font-style", "text-align"},
        strip_comments=True,
    )
    rewriter = _StyleRewriter()
    rewriter.feed(tidy)
    rewriter.close()
    return "".join(rewriter.out), rewriter.foreign_pictures


_EMPHASIS = {"span", "b", "strong", "i", "em"}
_BOLD = {"bold", "bolder", "600", "700", "800", "900"}
_NOT_BOLD = {"normal", "lighter", "100", "200", "300", "400", "500"}
_AS_PARAGRAPH = {"h1", "h5", "h6"}


class _StyleRewriter(HTMLParser):
    """<span style="font-weight:700"> -> <strong>, font-style:italic ->
    <em>; a <b> or <strong> styled not bold (Google Docs wraps a whole paste
    in <b style="font-weight:normal">) loses its tag, keeping its text;
    <p style="text-align:center"> -> <p class="text-center">; an <img>
    not from our media goes (an empty element: no end tag to drop)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        # For each open emphasis element, the end tags it became.
        self.ends = []
        self.foreign_pictures = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            src = attrs.get("src")
            if (kept := _own_media(src)) is None:
                self.foreign_pictures.append(src or "")
                return
            attrs["src"] = kept
        style = _style_properties(attrs.pop("style", None) or "")
        if tag not in _EMPHASIS:
            tag = "p" if tag in _AS_PARAGRAPH else tag
            align = f"text-{style.get('text-align')}"
            if tag in ALIGNED_BLOCKS and align in TEXT_ALIGN_CLASSES:
                classes = (attrs.get("class") or "").split()
                if not set(classes) & set(TEXT_ALIGN_CLASSES):
                    attrs["class"] = " ".join([*classes, align])
            self.out.append(_start_tag(tag, attrs))
            return
        weight = style.get("font-weight", "")
        tags = []
        if tag in ("b", "strong"):
            tags = [] if weight in _NOT_BOLD else [tag]
        elif tag in ("i", "em"):
            tags = [tag]
        if tag == "span" and weight in _BOLD:
            tags.append("strong")
        if tag == "span" and style.get("font-style") in ("italic", "oblique"):
            tags.append("em")
        self.out.extend(f"<{name}>" for name in tags)
        self.ends.append("".join(f"</{name}>" for name in reversed(tags)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # <br/>: no end tag to write.

    def handle_endtag(self, tag):
        if tag in _EMPHASIS:
            # nh3's output nests properly: this closes the last one opened.
            self.out.append(self.ends.pop() if self.ends else "")
        else:
            self.out.append(f"</{'p' if tag in _AS_PARAGRAPH else tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


def _start_tag(tag: str, attrs: dict) -> str:
    written = "".join(
        f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs.items()
    )
    return f"<{tag}{written}>"


def _style_properties(style: str) -> dict[str, str]:
    properties = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        properties[name.strip().lower()] = value.strip().lower()
    return properties


@csrf_exempt  # CKEditor posts its own token instead of Django's; see below.
@staff_member_required
@require_POST
def upload_image(request):
    """CKEditor's image upload into the ward's folder, refusing what is not
    a picture we can show.

    django-ckeditor trusts the file name's extension and answers bad input
    with a server error or an English message; staff get a Vietnamese one.
    """
    uploaded = request.FILES.get("upload")
    ward = _ward_of(request)
    problem = (
        _forgery_problem(request)
        or (WARD_PROBLEM if ward is None else "")
        or picture_problem(uploaded)
    )
    if problem:
        return _editor_answer(request, message=problem)
    try:
        picture = prepare_picture(uploaded)
    except ValidationError as error:  # An animation whose metadata stays.
        return _editor_answer(request, message=error.messages[0])
    saved = _save_picture(picture, ward)
    renditions.make_now(saved)
    return _editor_answer(request, url=ckeditor_utils.get_media_url(saved))


WARD_PROBLEM = "Bạn không có quyền tải ảnh lên hoặc xem ảnh của phường này."


def _ward_of(request):
    """The ward the editor works for (?ward=), if the staff member is its."""
    from wards.models import Ward  # The wards' pages use this editor.

    pk = request.GET.get("ward", "")
    if not re.fullmatch(r"[0-9]{1,18}", pk):  # Not "²", which isdigit() takes.
        return None
    return Ward.objects.for_user(request.user).filter(pk=pk).first()


def _save_picture(uploaded, ward) -> str:
    """Store the picture (and the thumbnail the image browser shows) in the
    ward's folder, by day; the name saved, which may differ if taken."""
    day = timezone.localdate().strftime("%Y/%m/%d")
    storage = ckeditor_utils.storage
    path = storage.get_available_name(
        stored_path(f"{ward.upload_folder}/{day}/", uploaded.name)
    )
    return get_backend()(storage, uploaded).save_as(path)


def _forgery_problem(request) -> str:
    """CKEditor's double-submit token: the same value in a cookie it sets and
    in the form it posts, from the image dialog and from drag and drop alike.
    Another site can post the form but can neither read nor set the cookie."""
    token = request.POST.get("ckCsrfToken", "")
    if token and constant_time_compare(token, request.COOKIES.get("ckCsrfToken", "")):
        return ""
    return "Phiên làm việc không hợp lệ. Vui lòng tải lại trang rồi thử lại."


# CKEditor numbers its callbacks from 0 upwards, one per dialog opened.
_FUNC_NUM = re.compile(r"[0-9]{1,10}")


def _editor_answer(request, url="", message=""):
    """The uploaded picture's URL, or what went wrong, in the form the asking
    editor understands."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    # The image dialog's upload tab: the number goes into a script, so only
    # ASCII digits, and few of them (not "²" or "١", which isdigit() takes,
    # nor ten thousand digits), on every path, success included.
    if _FUNC_NUM.fullmatch(func_num):
        # The message may quote the file's name: no markup into the script.
        args = ", ".join(json.dumps(a).replace("<", "\\u003c") for a in (url, message))
        return HttpResponse(
            "<script>window.parent.CKEDITOR.tools.callFunction("
            f"{func_num}, {args});</script>"
        )
    if message:
        return JsonResponse({"uploaded": 0, "error": {"message": message}})
    return JsonResponse(
        {"uploaded": "1", "url": url, "fileName": PurePosixPath(url).name}
    )


# Pictures uploaded before there were wards sit in date folders directly
# under the upload folder; they are the first ward's, the one the migration
# made of the installation as it was (whichever ward is default later).
_DATE_FOLDER = re.compile(r"[0-9]{4}")


# A page of the image browser: a ward keeps thousands of pictures.
BROWSE_PAGE_SIZE = 48


@never_cache
@staff_member_required
def browse_images(request):
    """CKEditor's image browser: the ward's own pictures, newest first, a
    page at a time, found by a word of their file name."""
    ward = _ward_of(request)
    if ward is None:
        return HttpResponseForbidden(
            WARD_PROBLEM, content_type="text/plain; charset=utf-8"
        )
    pictures = _ward_pictures(ward)
    query = request.GET.get("q", "").strip()
    # Saved names are slugs ("hoi-nghi-dang-uy.png"): "Đảng ủy hội nghị" and
    # "hoi ngh" find them, every word typed the start of a word of the name.
    # The name as shown, "hoi-nghi.png", is typed with its ending too.
    words = vietnamese_slugify(_IMAGE_ENDING.sub("", query)).split("-")
    if wanted := [w for w in words if w]:
        pictures = [p for p in pictures if _named(p["name"], wanted)]
    page = Paginator(pictures, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    # What CKEditor asked with (ward, CKEditorFuncNum…) goes on with a search.
    keep = [(k, v) for k, v in request.GET.items() if k not in ("q", "page")]
    context = {"files": list(page), "page": page, "query": query, "keep": keep}
    return render(request, "ckeditor/browse.html", context)


_ENDINGS = "|".join(map(re.escape, IMAGE_ENDINGS))
_IMAGE_ENDING = re.compile(f"({_ENDINGS})$", re.IGNORECASE)


def _named(name: str, wanted: list[str]) -> bool:
    words = vietnamese_slugify(PurePosixPath(name).stem).split("-")
    return all(any(word.startswith(w) for word in words) for w in wanted)


def _ward_pictures(ward) -> list[dict]:
    """The ward's uploaded pictures, newest first: by the day folder they
    were saved in, then by the time of the file."""
    storage = ckeditor_utils.storage
    top = settings.CKEDITOR_UPLOAD_PATH.rstrip("/")
    folders = [ward.upload_folder]
    first_ward = type(ward).objects.order_by("pk").values_list("pk", flat=True)[0]
    if ward.pk == first_ward:
        try:
            top_folders = storage.listdir(top)[0]
        except OSError:  # Nothing uploaded yet.
            top_folders = []
        folders += [
            f"{top}/{name}" for name in top_folders if _DATE_FOLDER.fullmatch(name)
        ]
    pictures = []
    for folder in folders:
        for name, thumb in _pictures_under(storage, folder):
            day = _day_folder(name)
            pictures.append(
                {
                    "name": shown_name(name),
                    "src": ckeditor_utils.get_media_url(name),
                    "thumb": ckeditor_utils.get_media_url(thumb or name),
                    "day": day,
                    "sort_key": (day or date.min, _modified(storage, name)),
                }
            )
    pictures.sort(key=lambda picture: picture["sort_key"], reverse=True)
    return pictures


_DAY_IN_PATH = re.compile(r"/([0-9]{4})/([0-9]{2})/([0-9]{2})/[^/]+$")


def _day_folder(path: str) -> date | None:
    """The day a picture was uploaded, from the folders it was saved in."""
    if match := _DAY_IN_PATH.search(path):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    return None


def _pictures_under(storage, folder):
    """(path, path of its thumbnail or None) of each picture in the folder
    and below; the thumbnails themselves are no pictures to pick."""
    try:
        folders, names = storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    present = set(names)
    for name in names:
        stem, suffix = posixpath.splitext(name)
        if name.startswith(".") or stem.endswith("_thumb"):
            continue
        thumb = f"{stem}_thumb{suffix}"
        yield f"{folder}/{name}", f"{folder}/{thumb}" if thumb in present else None
    for name in folders:
        if not name.startswith("."):
            yield from _pictures_under(storage, f"{folder}/{name}")


def _modified(storage, path) -> float:
    try:
        return storage.get_modified_time(path).timestamp()
    except (OSError, NotImplementedError):
        return 0.0


# Mounted at /ckeditor/ by wardnews/urls.py; the names are django-ckeditor's.
urlpatterns = [
    path("upload/", upload_image, name="ckeditor_upload"),
    path("browse/", browse_images, name="ckeditor_browse"),
]
