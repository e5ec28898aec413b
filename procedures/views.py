"""Readers' pages: the procedures grouped by field, with search and a field
filter, and one procedure's page; the forms' download."""

import re
from dataclasses import dataclass
from itertools import groupby

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from files.download import NOT_FOUND, saved_file_response
from files.names import storage_name
from vietnamese.text import fold_accents, nfc

from . import search
from .models import Procedure, ProcedureForm, portal_home

# What a list row shows: the bodies (rich text) stay behind.
LIST_FIELDS = [
    "ward",
    "name",
    "slug",
    "code",
    "field",
    "field_slug",
    "time_limit",
    "in_person",
    "online",
    "by_post",
]
FIELD_PARAM = "linh-vuc"
QUERY_PARAM = "q"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def reading_order(procedure) -> tuple:
    """Field, then name, in the alphabet's order whatever the accents
    (a database compares "Đ" after "X")."""
    return (fold_accents(procedure.field), fold_accents(procedure.name), procedure.pk)


@dataclass(frozen=True)
class Field:
    name: str
    slug: str
    count: int


class ProcedureListView(TemplateView):
    """/thu-tuc-hanh-chinh/: every procedure readers of the ward may see,
    grouped by field; ?q= finds by words (accents or not), ?linh-vuc= keeps
    one field. Anything else in the query string is ignored."""

    template_name = "procedures/list.html"

    def get_context_data(self, **kwargs):
        ward = self.request.ward
        text = " ".join(nfc(self.request.GET.get(QUERY_PARAM, "")).split())
        text = "".join(c for c in text if c.isprintable())[: search.MAX_QUERY_LENGTH]
        wanted_field = self.request.GET.get(FIELD_PARAM, "")
        everything = sorted(
            # The ward's details are for a procedure's own page.
            Procedure.objects.published(ward).prefetch_related(None).only(*LIST_FIELDS),
            key=reading_order,
        )
        fields = [
            Field(name=group[0].field, slug=slug, count=len(group))
            for slug, group in (
                (slug, list(procedures))
                for slug, procedures in groupby(
                    sorted(everything, key=lambda p: (fold_accents(p.field), p.pk)),
                    key=lambda p: p.field_slug,
                )
            )
        ]
        field = next((f for f in fields if f.slug == wanted_field), None)
        shown = everything
        if text:
            matching = search.matching(ward, text).prefetch_related(None)
            found = set(matching.values_list("pk", flat=True))
            shown = [p for p in shown if p.pk in found]
        if field is not None:
            shown = [p for p in shown if p.field_slug == field.slug]
        groups = [
            (procedures[0].field, procedures)
            for procedures in (
                list(group) for _, group in groupby(shown, key=lambda p: p.field_slug)
            )
        ]
        return super().get_context_data(
            query=text,
            searched=bool(text),
            has_words=bool(search.query_words(text)),
            fields=fields,
            field=field,
            unknown_field=bool(wanted_field) and field is None,
            groups=groups,
            found_count=len(shown),
            total=len(everything),
            portal_home=portal_home(),
            **kwargs,
        )


class ProcedureDetailView(TemplateView):
    """/thu-tuc-hanh-chinh/<slug>/: one procedure, a shared one with the
    ward's own submission place and contact."""

    template_name = "procedures/detail.html"

    def get_context_data(self, **kwargs):
        procedure = find_published(self.request.ward, kwargs["slug"])
        return super().get_context_data(
            procedure=procedure,
            forms=list(procedure.forms.all()),
            crumb={
                "name": "Thủ tục hành chính",
                "get_absolute_url": reverse("procedures:list"),
            },
            **kwargs,
        )


def find_published(ward, slug) -> Procedure:
    """The procedure at this address for the ward's readers: its own before
    a shared one of the same address (which saving never makes)."""
    if not _SLUG.fullmatch(slug):
        raise Http404("Không có thủ tục này.")
    found = sorted(
        Procedure.objects.published(ward).filter(slug=slug),
        key=lambda p: p.ward_id is None,
    )
    if not found:
        raise Http404("Không có thủ tục này.")
    return found[0].shown_in(ward)


@require_safe
def download_form(request, pk, filename):
    """A procedure's form, saved by the browser under its name: readers get
    the forms of the procedures published(ward) lets through on this ward's
    host; staff who may see a procedure in the admin get its forms whatever
    its state, never kept by a cache."""
    published = Procedure.objects.published(request.ward)
    form = ProcedureForm.objects.filter(pk=pk, procedure__in=published).first()
    is_public = form is not None
    if not is_public:
        form = ProcedureForm.objects.select_related("procedure__ward").filter(pk=pk)
        form = form.first()
        if form is None or not _staff_may_see(request.user, form.procedure):
            raise Http404(NOT_FOUND)
    if filename != storage_name(form.download_name):
        return redirect(form.get_absolute_url(), permanent=is_public)
    return saved_file_response(form.file, filename=form.download_name, public=is_public)


def _staff_may_see(user, procedure) -> bool:
    if not user.is_staff:
        return False
    if procedure.ward_id is None:
        return user.has_perm("procedures.view_procedure") or user.has_perm(
            "procedures.change_procedure"
        )
    return user.has_perm("procedures.view_procedure", procedure) or user.has_perm(
        "procedures.change_procedure", procedure
    )
