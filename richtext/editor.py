"""CKEditor, configured so that it shows what saving keeps (the allow-list of
sanitize.py as its content filter), in Vietnamese, with picture upload into
the folder its caller names. Swapping the editor means changing this package.
"""

from fnmatch import fnmatch

from ckeditor_uploader.widgets import CKEditorUploadingWidget
from django import forms
from django.urls import reverse
from django.utils.http import urlencode

from .sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    CAPTIONED_CLASS,
    IMAGE_ALIGN_CLASSES,
    TEXT_ALIGN_CLASSES,
)


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
    """CKEditor with picture upload. ``scope`` (e.g. ``{"ward": 3}``) goes
    into the upload and browse addresses, for the views that serve them to
    know whose folder the pictures go into and come from."""

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope or {}
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
        upload_url = reverse("ckeditor_upload")
        scope = urlencode(self.scope)
        self.config["filebrowserUploadUrl"] = f"{upload_url}?{scope}"
        self.config["filebrowserBrowseUrl"] = f"{reverse('ckeditor_browse')}?{scope}"
        # Pasted and dropped pictures: CKEditor appends nothing to this one.
        self.config["uploadUrl"] = (
            f"{upload_url}?{urlencode({**self.scope, 'responseType': 'json'})}"
        )
