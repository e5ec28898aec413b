from questions import generating
from wards.generating import GenerateCommand


class Command(GenerateCommand):
    help = (
        "Generate published, answered questions (Hỏi đáp) for a ward, received "
        "over the last years, askers shown by fake initials only; then ANALYZE: "
        "for measuring the questions pages at any size (bench/). Never on a "
        "real ward's database."
    )
    generating = generating
    items = "questions"
    years_help = "Received over this many years up to now"

    def summary(self, report, where):
        return (
            f"Generated {report.questions} published answered questions for "
            f"{where}, published {report.first:%Y-%m-%d} to "
            f"{report.last:%Y-%m-%d}"
        )
