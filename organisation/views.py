from django.db.models import Prefetch
from django.views.generic import TemplateView

from . import english
from .models import Body, Person


class PublishedBodiesMixin:
    """The ward's published bodies, in its order, each with its people in
    theirs: two queries, whatever their number."""

    def bodies(self):
        return list(
            Body.objects.published(self.request.ward).prefetch_related(
                Prefetch("people", queryset=Person.objects.order_by("order", "pk"))
            )
        )


class OrganisationView(PublishedBodiesMixin, TemplateView):
    """ "Cơ cấu tổ chức": the bodies, their people and their functions."""

    template_name = "organisation/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(bodies=self.bodies(), **kwargs)


class EnglishView(PublishedBodiesMixin, TemplateView):
    """The ward's organisation, functions and tasks and its people's
    contacts in English (Decree 42/2022/NĐ-CP). What the ward has not put in
    English is shown in Vietnamese, marked as such, with the Vietnamese page
    a link away."""

    template_name = "organisation/english.html"

    def get_context_data(self, **kwargs):
        bodies = self.bodies()
        return super().get_context_data(
            bodies=bodies,
            english_name=english.ward_name(self.request.ward),
            # The site's header and footer stay Vietnamese (base.html).
            chrome_lang="vi",
            all_in_english=all(
                body.name_en
                and body.functions_en
                and all(person.title_en for person in body.people.all())
                for body in bodies
            ),
            **kwargs,
        )
