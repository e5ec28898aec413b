import time

from django.core.management.base import BaseCommand, CommandError

from articles import generating
from articles.importing import refresh_planner_statistics
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Generate realistic published articles for a ward (or --wards N), "
        "spread over its categories and the last years, with view counts, "
        "then ANALYZE: for measuring the site at any size (bench/). Never on "
        "a real ward's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, metavar="N")
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--ward",
            metavar="HOST",
            help="A host name of the ward (default: the default ward).",
        )
        where.add_argument(
            "--wards",
            type=int,
            metavar="N",
            help="Spread the articles over N wards, p001.localhost to "
            "p<N>.localhost, made (with the usual categories) when missing: "
            "a city's installation.",
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

    def handle(self, *args, count, ward, wards, seed, years, **options):
        if count < 1 or years < 1:
            raise CommandError("--count and --years must be 1 or more.")
        if wards is not None and not 1 <= wards <= count:
            raise CommandError("--wards must be from 1 to --count.")
        started = time.monotonic()
        if wards is None:
            target = ward_of_option(ward)
            if not target.categories.exists():
                raise CommandError(f"{target.name} has no categories to write in.")
            report = generating.generate(target, count, seed=seed, years=years)
            where = target.name
        else:
            targets = generating.bench_wards(wards)
            report = generating.generate_in_wards(
                targets, count, seed=seed, years=years
            )
            where = targets[0].name
            if wards > 1:
                where = f"{wards} wards ({where} to {targets[-1].name})"
        refresh_planner_statistics()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {report.articles} articles for {where} in "
            f"{report.categories} categories, published "
            f"{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}, "
            f"{report.daily_rows} daily-view rows for "
            f"{report.articles_with_days} recent ones, in {seconds:.1f} s "
            f"(seed {seed})."
        )
