import time

from django.core.management.base import BaseCommand, CommandError

from documents import generating
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Generate a realistic registry of documents for a ward (numbers, "
        "kinds, bodies, trích yếu, issued over the last years, a few with a "
        "PDF's text), then ANALYZE: for measuring the documents pages at any "
        "size (bench/). Never on a real ward's database."
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
            help="The same seed gives the same documents (default: %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=generating.DEFAULT_YEARS,
            help="Issued over this many years up to today (default: %(default)s).",
        )

    def handle(self, *args, count, ward, seed, years, **options):
        if count < 1 or years < 1:
            raise CommandError("--count and --years must be 1 or more.")
        target = ward_of_option(ward)
        started = time.monotonic()
        report = generating.generate(target, count, seed=seed, years=years)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {report.documents} documents for {target.name} "
            f"({report.published} published, {report.files} with a PDF's "
            f"text, {report.replaced} replaced), issued "
            f"{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}, in "
            f"{seconds:.1f} s (seed {seed})."
        )
