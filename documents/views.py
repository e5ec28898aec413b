"""The registry's reader pages: the list with its filters and search, a
document, its files (viewed in the browser's own PDF viewer, or saved)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.db.models import F, Max, Min
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from files import names
from files.checks import kind_of, readable_size, type_label
from files.download import DOWNLOAD_MAX_AGE, NOT_FOUND, saved_file_response
from pages.params import as_sent, object_id, one_of, page_number

from . import cards, search
from .models import Document, DocumentFile, Field, Issuer, Kind

PER_PAGE = 20
RELATED = 6

# The list's query parameters (the page cache keeps one page per value).
FILTERS = {"loai": ("kind", Kind), "co-quan": ("issuer", Issuer)}
FILTERS["linh-vuc"] = ("field", Field)
# Each in one spelling (pages/params.py): another is sent to it.
PARAMS = {
    "q": as_sent,
    **{name: one_of(*choices.values) for name, (_, choices) in FILTERS.items()},
    "nam": object_id,
    "trang": page_number,
}


def section():
    return {"name": "Văn bản", "get_absolute_url": reverse("documents:list")}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


def _page_number(raw) -> int:
    """?trang=3; anything else (abc, 0, -1, 10^20) is the first page."""
    if raw and re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) > 0:
        return int(raw)
    return 1


class DocumentListView(TemplateView):
    """/van-ban/: newest first by ngày ban hành, PER_PAGE a page; filtered
    by kind, body, field and year; searched by number or words."""

    template_name = "documents/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ward = self.request.ward
        get = self.request.GET
        published = Document.objects.published(ward)
        documents = published
        chosen = {}
        for param, (field, choices) in FILTERS.items():
            value = get.get(param, "")
            if value in choices.values:
                chosen[param] = value
                documents = documents.filter(**{field: value})
        years = self._years(published)
        year = get.get("nam", "")
        if year.isdecimal() and len(year) == 4 and int(year) in years:
            chosen["nam"] = year
            documents = documents.filter(
                issued_on__gte=date(int(year), 1, 1),
                issued_on__lt=date(int(year) + 1, 1, 1),
            )
        query = search.Query.parse(get.get("q", ""))
        number = _page_number(get.get("trang"))
        if query.words:
            page = self._search_page(ward, query, documents, number)
        else:
            page = self._list_page(documents, number)
        context.update(
            query=query,
            page=page,
            documents=page["documents"],
            filters=self._filter_choices(chosen, years),
            chosen=chosen,
            filtered=bool(chosen) or bool(query.text),
            section=section(),
            canonical_url=self.request.build_absolute_uri(reverse("documents:list")),
        )
        return context

    @staticmethod
    def _years(published) -> range:
        """The years documents were issued in, newest first: from the oldest
        to the newest (two ends of an index, whatever the number)."""
        ends = published.aggregate(first=Min("issued_on"), last=Max("issued_on"))
        if ends["first"] is None:
            return range(0)
        return range(ends["last"].year, ends["first"].year - 1, -1)

    def _list_page(self, documents, number):
        start = (number - 1) * PER_PAGE
        rows = list(
            documents.order_by("-issued_on", "-id")[start : start + PER_PAGE + 1]
        )
        return {
            "documents": rows[:PER_PAGE],
            "number": number,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if len(rows) > PER_PAGE else None,
            "count": None,
            "more": False,
            "start": start + 1,
        }

    def _search_page(self, ward, query, documents, number):
        found = search.find(ward, query, documents)
        paginator = Paginator(found.ids, PER_PAGE)
        page = paginator.get_page(number)
        return {
            "documents": search.documents_by_id(ward, page.object_list),
            "number": page.number,
            "previous": page.previous_page_number() if page.has_previous() else None,
            "next": page.next_page_number() if page.has_next() else None,
            "count": paginator.count,
            "more": found.more,
            "start": page.start_index(),
        }

    @staticmethod
    def _filter_choices(chosen, years):
        def choices(param, options):
            return [
                Choice(value, label, chosen.get(param) == value)
                for value, label in options
            ]

        # (parameter, label, "any" option, choices), in the form's order.
        return [
            ("loai", "Loại văn bản", "Tất cả các loại", choices("loai", Kind.choices)),
            (
                "co-quan",
                "Cơ quan ban hành",
                "Tất cả các cơ quan",
                choices("co-quan", Issuer.choices),
            ),
            (
                "linh-vuc",
                "Lĩnh vực",
                "Tất cả các lĩnh vực",
                choices("linh-vuc", Field.choices),
            ),
            (
                "nam",
                "Năm ban hành",
                "Tất cả các năm",
                choices("nam", [(str(y), str(y)) for y in years]),
            ),
        ]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        page = context["page"]
        if not page["documents"] and page["number"] > 1:
            response.status_code = 404  # A page past the end: nothing here.
        return response


@dataclass(frozen=True)
class FileLink:
    name: str
    download_url: str
    view_url: str  # "" unless a PDF the browser can show.
    type_label: str
    size_label: str


def file_url(document_file, view: str) -> str:
    filename = names.storage_name(
        names.download_name(document_file.name, document_file.file.name)
    )
    return reverse(
        f"documents:{view}",
        kwargs={
            "slug": document_file.document.slug,
            "pk": document_file.pk,
            "filename": filename,
        },
    )


def file_links(document) -> list[FileLink]:
    return [
        FileLink(
            name=f.name,
            download_url=file_url(f, "download"),
            view_url=file_url(f, "view") if f.is_pdf else "",
            type_label=type_label(f.file.name),
            size_label=readable_size(f.size),
        )
        for f in document.files.all()
    ]


# Link checkers, crawlers and previews are not readers.
_NOT_A_READER = re.compile(
    r"bot\b|crawl|spider|slurp|preview|facebookexternalhit|headlesschrome"
    r"|lighthouse|curl/|wget/|python-|httpx|go-http-client|java/|okhttp",
    re.IGNORECASE,
)


def is_reader(request) -> bool:
    """A person opening the page or file (not a crawler, a prefetch, or a
    page elsewhere embedding the address)."""
    if request.method != "GET":
        return False
    if _NOT_A_READER.search(request.headers.get("user-agent", "")):
        return False
    if request.headers.get("sec-purpose") or request.headers.get("purpose"):
        return False
    return request.headers.get("sec-fetch-dest", "document") in ("document", "iframe")


class DocumentDetailView(DetailView):
    """A document: its table, files, state and relations. Not kept by the
    page cache: every reader's view is counted here."""

    template_name = "documents/detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return Document.objects.published(self.request.ward).select_related("ward")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if is_reader(request):
            Document.objects.filter(pk=self.object.pk).update(
                view_count=F("view_count") + 1
            )
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        published = Document.objects.published(self.request.ward)
        context["files"] = file_links(document)
        context["replaced_by"] = (
            published.filter(pk=document.replaced_by_id).first()
            if document.replaced_by_id
            else None
        )
        context["replaces"] = list(
            published.filter(replaced_by=document).order_by("-issued_on")[:RELATED]
        )
        context["related_documents"] = list(
            published.filter(related_documents=document)
            .exclude(pk=document.pk)
            .order_by("-issued_on", "-id")[:RELATED]
        )
        # The articles' own gate, through the relation's manager.
        articles = document.related_articles.model.objects.published(self.request.ward)
        context["related_articles"] = list(
            articles.filter(documents=document)
            .only("title", "slug", "published_at")
            .order_by("-published_at")[:RELATED]
        )
        context["section"] = section()
        context["json_ld"] = cards.legislation(self.request, document)
        context["canonical_url"] = self.request.build_absolute_uri(
            document.get_absolute_url()
        )
        return context


def _file_for(request, slug, pk):
    """The file, if its document is published on this ward's host; staff
    who may change the document get it whatever its state, never cached.
    (file, public)."""
    published = Document.objects.published(request.ward)
    found = (
        DocumentFile.objects.filter(pk=pk, document__in=published, document__slug=slug)
        .select_related("document")
        .first()
    )
    if found is not None:
        return found, True
    found = DocumentFile.objects.select_related("document__ward").filter(pk=pk).first()
    if found is None or not (
        request.user.is_staff
        and request.user.has_perm("documents.change_document", found.document)
    ):
        raise Http404(NOT_FOUND)
    return found, False


@require_safe
def download(request, slug, pk, filename):
    """A document's file, saved by the browser under its display name; each
    reader's download is counted."""
    document_file, public = _file_for(request, slug, pk)
    if filename != file_url(document_file, "download").rsplit("/", 1)[-1]:
        return redirect(file_url(document_file, "download"), permanent=public)
    response = saved_file_response(
        document_file.file,
        filename=names.download_name(document_file.name, document_file.file.name),
        public=public,
    )
    if public and is_reader(request):
        Document.objects.filter(pk=document_file.document_id).update(
            download_count=F("download_count") + 1
        )
    return response


# The PDF is shown by the browser's own viewer, on the portal's address: as
# a sandboxed document of an origin of its own (no scripts of ours, no
# cookies, no forms), never sniffed as anything else than a PDF.
VIEW_POLICY = "sandbox; default-src 'none'"


@require_safe
def view_pdf(request, slug, pk, filename):
    """A document's PDF opened in the browser's own viewer."""
    document_file, public = _file_for(request, slug, pk)
    if not document_file.is_pdf:
        raise Http404(NOT_FOUND)
    if filename != file_url(document_file, "view").rsplit("/", 1)[-1]:
        return redirect(file_url(document_file, "view"), permanent=public)
    try:
        opened = document_file.file.open("rb")
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None
    response = FileResponse(
        opened,
        as_attachment=False,
        filename=names.download_name(document_file.name, document_file.file.name),
        content_type=kind_of(document_file.file.name).content_type,
    )
    response["Content-Security-Policy"] = VIEW_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    else:
        add_never_cache_headers(response)
    return response
