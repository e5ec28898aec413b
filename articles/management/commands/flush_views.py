"""Fold the views buffered in Redis into the database (articles/viewbuffer.py).

Run it every few seconds in production: ``manage.py flush_views --every 2``,
as deploy/systemd/wardnews-flush-views.service does. The count readers see includes
buffered views, so the interval only decides how far the database trails.
"""

import signal
import time

import redis
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

import redisclient
from articles import viewbuffer


class Command(BaseCommand):
    help = "Store the views counted in Redis in the database (total and per day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep folding, every SECONDS, until stopped (SIGTERM or Ctrl-C).",
        )

    def handle(self, *args, every=None, verbosity=1, **options):
        if not redisclient.enabled():
            self.stdout.write(
                "No REDIS_URL: views go straight to the database; nothing to fold."
            )
            return
        if every is None:
            self._fold(verbosity, fail=True)
            return
        if every <= 0:
            raise CommandError("--every must be a number of seconds above 0.")
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while not stopping:
                started = time.monotonic()
                # A connection the database dropped (a restart) is replaced.
                close_old_connections()
                self._fold(verbosity, fail=False)
                time.sleep(max(0.0, every - (time.monotonic() - started)))
        except KeyboardInterrupt:
            pass
        # What came in since the last round, before leaving.
        self._fold(verbosity, fail=False)

    def _fold(self, verbosity, fail):
        try:
            views, batches = viewbuffer.fold_all()
        except (redis.RedisError, DatabaseError) as error:
            # The batch stays in Redis: the next round stores it.
            message = f"Views not stored yet, kept for the next round: {error}"
            if fail:
                raise CommandError(message) from error
            self.stderr.write(message)
            return
        if (views and verbosity >= 1) or verbosity >= 2:
            self.stdout.write(f"Stored {views} views from {batches} batches.")
