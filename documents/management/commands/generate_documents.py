from documents import generating
from wards.generating import GenerateCommand


class Command(GenerateCommand):
    help = (
        "Generate a realistic registry of documents for a ward (numbers, "
        "kinds, bodies, trích yếu, issued over the last years, a few with a "
        "PDF's text), then ANALYZE: for measuring the documents pages at any "
        "size (bench/). Never on a real ward's database."
    )
    generating = generating
    items = "documents"
    years_help = "Issued over this many years up to today"

    def summary(self, report, where):
        return (
            f"Generated {report.documents} documents for {where} "
            f"({report.published} published, {report.files} with a PDF's "
            f"text, {report.replaced} replaced), issued "
            f"{report.first:%Y-%m-%d} to {report.last:%Y-%m-%d}"
        )
