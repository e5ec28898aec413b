import time

from django.core.management.base import BaseCommand, CommandError

from questions import generating
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Generate published, answered questions (Hỏi đáp) for a ward, received "
        "over the last years, askers shown by fake initials only; then ANALYZE: "
        "for measuring the questions pages at any size (bench/). Never on a "
        "real ward's database."
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
            help="The same seed gives the same questions (default: %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=generating.DEFAULT_YEARS,
            help="Received over this many years up to now (default: %(default)s).",
        )

    def handle(self, *args, count, ward, seed, years, **options):
        if count < 1 or years < 1:
            raise CommandError("--count and --years must be 1 or more.")
        target = ward_of_option(ward)
        started = time.monotonic()
        report = generating.generate(target, count, seed=seed, years=years)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {report.questions} published answered questions for "
            f"{target.name}, published {report.first:%Y-%m-%d} to "
            f"{report.last:%Y-%m-%d}, in {seconds:.1f} s (seed {seed})."
        )
