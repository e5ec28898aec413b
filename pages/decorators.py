"""Marking a view's pages as readers' pages: kept, spelled one way, and not
rendered more often than a client may ask."""

from urllib.parse import parse_qsl, urlencode

from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path

from . import limits
from .params import as_sent

# How long a list page (home, category, ward pages) is kept: its blocks of
# most-read articles and counts move with the views, not with saves.
LIST_SECONDS = 60
# How long an article page is kept: the count it shows trails by this at most.
ARTICLE_SECONDS = 5


def for_readers(
    view,
    *,
    seconds=LIST_SECONDS,
    params=(),
    counted=False,
    kept=True,
    limit=limits.PAGES,
    searched_by=None,
):
    """Mark ``view``'s 200 responses to anonymous readers as kept for
    ``seconds``, one page per value of the query parameters ``params`` (the
    view must ignore any other). ``counted``: an article page, whose response
    says which article (``response.reader_article``).

    ``params`` names the parameters, or maps each to its canonical form
    (pages/params.py): any other spelling of a value is sent to that one
    (301), so that each page is rendered and kept once. Each render counts
    against the client's allowance ``limit`` (pages/limits.py), the page
    cache's hits never. ``kept=False``: a page that is never kept (search),
    with the same spelling and allowance. ``searched_by``: the parameter
    whose words make the page a search within the list (``q`` of /van-ban/,
    /hoi-dap/): with words in it, a render costs what a search costs and
    counts against the searches' allowance (limits.SEARCHES, as /tim-kiem/
    does), each value a page the cache has never seen."""
    canonical = params if isinstance(params, dict) else dict.fromkeys(params, as_sent)

    def wrapped(request, *args, **kwargs):
        moved = canonical_url(request, canonical)
        if moved is not None:
            return HttpResponsePermanentRedirect(moved)
        searching = searched_by and request.GET.get(searched_by, "").strip()
        too_many = limits.refused(request, limits.SEARCHES if searching else limit)
        if too_many is not None:
            return too_many
        response = view(request, *args, **kwargs)
        if kept and response.status_code == 200:
            # Browsers keep the page but ask each time (a 304 by its ETag);
            # an article page is counted, so no shared cache may answer it.
            patch_cache_control(
                response,
                no_cache=True,
                **({"private": True} if counted else {"public": True}),
            )
            response.page_seconds = seconds
        return response

    wrapped.__name__ = getattr(view, "__name__", "view")
    wrapped.__doc__ = view.__doc__
    if kept:
        wrapped.page_params = frozenset(canonical)
    return wrapped


def canonical_url(request, canonical) -> str | None:
    """Where the request's page is spelled canonically, or None if it is.
    Each declared parameter once (its last value, as views read it), in its
    canonical form or left out; other parameters as they came."""
    query = request.META.get("QUERY_STRING", "")
    if not query or not canonical:
        return None
    pairs = parse_qsl(query, keep_blank_values=True)
    last = {name: value for name, value in pairs if name in canonical}
    wanted, done = [], set()
    for name, value in pairs:
        if name not in canonical:
            wanted.append((name, value))
        elif name not in done:
            done.add(name)
            value = canonical[name](last[name])
            if value is not None:
                wanted.append((name, value))
    if wanted == pairs:
        return None
    path = escape_uri_path(request.path)
    return f"{path}?{urlencode(wanted)}" if wanted else path
