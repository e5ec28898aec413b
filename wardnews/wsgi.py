import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardnews.settings")

# Kept pages are answered before Django builds its request (the page
# cache's fast path, wardnews/pagecache.py); everything else is Django's.
django_application = get_wsgi_application()

from wardnews import edgecache, pagecache  # noqa: E402  (after Django is set up)

# What nginx may keep is marked on the fast path's answers too: they skip
# the middleware that marks Django's.
application = pagecache.wsgi(django_application, on_kept=edgecache.mark)
