"""What the bench's generators share (manage.py generate_articles,
generate_documents, generate_questions): N made-up items for a ward, the
same ones for the same seed, spread over the last years, then timed and
summed up in one line. Each app's ``generating`` module makes the items."""

import time

from django.core.management.base import BaseCommand, CommandError

from .hosts import ward_of_option


class GenerateCommand(BaseCommand):
    """A generator command. ``generating`` is the app's module: its
    DEFAULT_SEED, DEFAULT_YEARS and ``generate(ward, count, seed=, years=)``;
    ``items`` names what it makes in the options' help; ``summary()`` says
    what was made, before the time taken and the seed."""

    generating = None
    items = "items"
    years_help = "Spread over this many years up to now"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, metavar="N")
        self.add_where(parser)
        parser.add_argument(
            "--seed",
            type=int,
            default=self.generating.DEFAULT_SEED,
            help=f"The same seed gives the same {self.items} (default: %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=self.generating.DEFAULT_YEARS,
            help=f"{self.years_help} (default: %(default)s).",
        )

    def add_where(self, parser):
        """The options that say where the items go: one ward."""
        parser.add_argument(
            "--ward",
            metavar="HOST",
            help="A host name of the ward (default: the default ward).",
        )

    def handle(self, *args, count, seed, years, **options):
        if count < 1 or years < 1:
            raise CommandError("--count and --years must be 1 or more.")
        started = time.monotonic()
        report, where = self.generate(count, seed=seed, years=years, **options)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{self.summary(report, where)}, in {seconds:.1f} s (seed {seed})."
        )

    def generate(self, count, *, seed, years, ward, **options):
        """Make the items: (the generator's report, where they went)."""
        target = ward_of_option(ward)
        report = self.generating.generate(target, count, seed=seed, years=years)
        return report, target.name

    def summary(self, report, where) -> str:
        raise NotImplementedError
