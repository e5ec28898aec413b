"""Marking a view's pages as kept for readers."""

from django.utils.cache import patch_cache_control

# How long a list page (home, category, ward pages) is kept: its blocks of
# most-read articles and counts move with the views, not with saves.
LIST_SECONDS = 60
# How long an article page is kept: the count it shows trails by this at most.
ARTICLE_SECONDS = 5


def for_readers(view, *, seconds=LIST_SECONDS, params=(), counted=False):
    """Mark ``view``'s 200 responses to anonymous readers as kept for
    ``seconds``, one page per value of the query parameters ``params`` (the
    view must ignore any other). ``counted``: an article page, whose response
    says which article (``response.reader_article``)."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
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
    wrapped.page_params = frozenset(params)
    return wrapped
