import time

from django.core.management.base import BaseCommand, CommandError

from articles import generating
from articles.importing import refresh_planner_statistics
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Generate realistic published articles for a ward, spread over its "
        "categories and the last years, with view counts: for measuring the "
        "site at any size (bench/). Never on a real ward's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, metavar="N")
        parser.add_argument(
            "--ward",
            metavar="HOST",
            help="A host name of the ward (default: the default ward).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=generating.DEFAULT_SEED,
            help="The same seed gives the same articles (default: %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=generating.DEFAULT_YEARS,
            help="Publish times spread over this many years up to now "
            "(default: %(default)s).",
        )

    def handle(self, *args, count, ward, seed, years, **options):
        if count < 1 or years < 1:
            raise CommandError("--count and --years must be 1 or more.")
        target = ward_of_option(ward)
        if not target.categories.exists():
            raise CommandError(f"{target.name} has no categories to write in.")
        started = time.monotonic()
        report = generating.generate(target, count, seed=seed, years=years)
        refresh_planner_statistics()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {report.articles} articles for {target.name} in "
            f"{report.categories} categories, published "
            f"{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}, "
            f"{report.daily_rows} daily-view rows for "
            f"{report.articles_with_days} recent ones, in {seconds:.1f} s "
            f"(seed {seed})."
        )
