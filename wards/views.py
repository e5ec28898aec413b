from html import unescape

from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.generic import TemplateView

from .hosts import url_on_ward
from .roles import ward_of
from .staff import user_wards

# The meta description of "Giới thiệu": the introduction's first words.
DESCRIPTION_WORDS = 30


def view_on_site(request, content_type_id, object_id):
    """The admin's "Xem trên trang" redirect. Django's own sends any staff
    member to any object's page (so its slug, even a draft's, shows in the
    address); a ward's objects are for its staff only, on its own host."""
    try:
        content_type = ContentType.objects.get(pk=int(content_type_id))
        if content_type.model_class() is None:  # A model since removed.
            raise Http404("Không tìm thấy đối tượng.")
        obj = content_type.get_object_for_this_type(pk=object_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404("Không tìm thấy đối tượng.") from None
    ward = ward_of(obj)  # An attachment's is its article's.
    ward_id = getattr(ward, "pk", None)
    if ward_id is None:
        if not request.user.is_superuser:
            raise Http404("Không tìm thấy đối tượng.")
        return contenttype_views.shortcut(request, content_type_id, object_id)
    ward = next((w for w in user_wards(request) if w.pk == ward_id), None)
    if ward is None or not hasattr(obj, "get_absolute_url"):
        raise Http404("Không tìm thấy đối tượng.")
    return redirect(url_on_ward(request, ward, obj.get_absolute_url()))


class AboutView(TemplateView):
    """The "Giới thiệu" page: the ward's introduction, sanitised on save."""

    template_name = "wards/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            description=plain_text(self.request.ward.introduction, DESCRIPTION_WORDS),
            **kwargs,
        )


class ContactView(TemplateView):
    """The "Liên hệ" page: where the ward's office is, how to reach it."""

    template_name = "wards/contact.html"


def plain_text(html: str, words: int) -> str:
    """The first words of sanitised HTML as text: "<h2>Lịch sử</h2><p>Phường…"
    reads "Lịch sử Phường…", not "Lịch sửPhường…"."""
    # Sanitised HTML has "<" only where a tag starts (text has "&lt;").
    text = unescape(strip_tags(html.replace("<", " <")))
    return Truncator(" ".join(text.split())).words(words)


def robots_txt(request):
    """Crawlers keep out of the admin and the editor, and find the ward's
    sitemap on the ward's own host."""
    context = {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))}
    return render(
        request, "robots.txt", context, content_type="text/plain; charset=utf-8"
    )
