from django.core.management.base import CommandError

from articles import generating
from articles.importing import refresh_planner_statistics
from wards.generating import GenerateCommand
from wards.hosts import ward_of_option


class Command(GenerateCommand):
    help = (
        "Generate realistic published articles for a ward (or --wards N), "
        "spread over its categories and the last years, with view counts, "
        "then ANALYZE: for measuring the site at any size (bench/). Never on "
        "a real ward's database."
    )
    generating = generating
    items = "articles"
    years_help = "Publish times spread over this many years up to now"

    def add_where(self, parser):
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

    def generate(self, count, *, seed, years, ward, wards, **options):
        if wards is not None and not 1 <= wards <= count:
            raise CommandError("--wards must be from 1 to --count.")
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
        return report, where

    def summary(self, report, where):
        return (
            f"Generated {report.articles} articles for {where} in "
            f"{report.categories} categories, published "
            f"{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}, "
            f"{report.daily_rows} daily-view rows for "
            f"{report.articles_with_days} recent ones"
        )
