"""Static files of the installed apps, less what is no part of the site.

django-ckeditor ships all of CKEditor 4: demo and test pages, a preview
page, spell-check dialogs, jQuery 1.3 for its old image browser, plugins we
switch off. Served from the portal's own domain, any of those pages is a
place for a script to run with a staff member's login; so they are not
collected, and not served by the development server or the tests' live
server either, which find files through the finders instead of the
collected folder. What the editor does need is listed in
richtext/editor.py.

A finder rather than StaticFilesConfig.ignore_patterns: those patterns only
reach collectstatic, never a finder's find(), which serves files while
DEBUG is on (WhiteNoise's autorefresh, runserver) and in live-server tests.
"""

import posixpath

from django.contrib.staticfiles import finders

from richtext.editor import editor_static_file


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    """Django's finder of the apps' static/ folders, keeping to the files
    richtext.editor.editor_static_file() lets through."""

    def find(self, path, find_all=False, **kwargs):
        # WhiteNoise passes the URL's path as it came.
        if not editor_static_file(posixpath.normpath(path.replace("\\", "/"))):
            return []  # What Django's finders answer for "not here".
        return super().find(path, find_all=find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if editor_static_file(path.replace("\\", "/")):
                yield path, storage
