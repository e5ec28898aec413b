"""Each question or report numbered within its ward, as made (numbering/): the
sitemap reads its pages by ranges of these numbers and counts them in one
look-up. The rows there are numbered in the order of their ids."""

from django.db import migrations

from numbering.backfill import ward_seq_operations


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0003_search"),
        ("numbering", "0001_initial"),
    ]

    operations = ward_seq_operations("questions", "submission")
