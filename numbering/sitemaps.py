"""Sitemaps of numbered rows: a section read a fixed range of numbers at a
time, and an index that lists every page of every section from the counters
alone. Both take the same time whatever the number of rows: a ward of a
million articles has a thousand pages, each read from its own range of the
(scope, number) index rather than past every row before it, and counted in
one look-up rather than a count of its rows."""

import datetime
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.http import http_date

from .models import last
from .rows import numbering

# Rows on a page of a numbered section: search engines take up to 50,000,
# and 1,000 is a page quick to render (Yoast's default too). The index lists
# a page for each 1,000 numbers given.
PER_PAGE = 1000


class NumberedSitemap(Sitemap):
    """A section of one ward's sitemap whose items() are rows numbered within
    the ward (its published ones, say; register(…, scope="ward_id")),
    given the ward. Page n lists the rows numbered from (n - 1) × PER_PAGE
    + 1 to n × PER_PAGE still in items(): fewer where rows were withdrawn
    or never published, none past the last number given. Its
    get_latest_lastmod() is None only when items() is empty: the index then
    leaves it out (_lists_nothing)."""

    limit = PER_PAGE

    def __init__(self, ward):
        self.ward = ward

    @cached_property
    def paginator(self):
        items = self._items()
        how = numbering(items.model)
        return RangePaginator(
            items, self.limit, how.field, last(how.series, self.ward.pk)
        )


class RangePaginator(Paginator):
    """Pages of a queryset by ranges of its numbers: as many pages as the
    last number given asks for, each one range's rows, in number order."""

    def __init__(self, object_list, per_page, field, last_number):
        super().__init__(object_list, per_page)
        self.field = field
        self.last_number = last_number

    @cached_property
    def count(self):
        return self.last_number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list.filter(
            **{
                f"{self.field}__gt": bottom,
                f"{self.field}__lte": bottom + self.per_page,
            }
        ).order_by(self.field)
        return self._get_page(list(rows), number, self)


def index(request, sections, url_name) -> HttpResponse:
    """sitemap.xml listing every page of ``sections`` ({name: Sitemap}),
    each section's pages as of its newest change, as Django's index does,
    but those with nothing to list (_lists_nothing). Written out directly:
    a template's loop would cost more than everything else in the index
    once a ward has a thousand pages."""
    origin = f"{request.scheme}://{request.get_host()}"
    entries = []
    newest = []
    for name, section in sections.items():
        paginator = section.paginator  # Django's makes a new one each time.
        if not paginator.count:
            continue
        lastmod = section.get_latest_lastmod()
        if _lists_nothing(section, lastmod):
            continue
        location = escape(origin + reverse(url_name, kwargs={"section": name}))
        stamp = f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else ""
        newest.append(lastmod)
        entries.append(f"<sitemap><loc>{location}</loc>{stamp}</sitemap>")
        entries.extend(
            f"<sitemap><loc>{location}?p={page}</loc>{stamp}</sitemap>"
            for page in range(2, paginator.num_pages + 1)
        )
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</sitemapindex>\n",
        content_type="application/xml",
    )
    if newest and None not in newest:
        # As Django's: ConditionalGetMiddleware may answer 304 with it.
        response["Last-Modified"] = http_date(max(map(_aware, newest)).timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _lists_nothing(section, lastmod) -> bool:
    """Whether a section whose paginator counts something still lists
    nothing: a numbered section's count is its ward's last number, not its
    rows (counting them would cost what the index must not), so it counts
    drafts and withdrawn rows too; its newest lastmod, which the index
    reads anyway, is None when none of its rows is listed. Another
    section's count is its items'."""
    return isinstance(section, NumberedSitemap) and lastmod is None


def _aware(value) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _w3c(value) -> str:
    """The lastmod as Django's index template writes it ({{ …|date:"c" }})."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "c")
