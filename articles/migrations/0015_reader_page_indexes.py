"""Indexes that keep every reader page's lists a few index entries long,
whatever the number of articles (issue 9): the newest of a ward and of a
category ordered as the pages order them (published_at, then id, so a
category page's cursor is a range), the pinned lead story, and the most read
of all time."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_foldedviews")]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_category_idx"),
        migrations.RemoveIndex(model_name="article", name="article_ward_published_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["ward", "status", "-published_at", "-id"],
                name="article_ward_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_category_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_featured", True)),
                fields=["ward"],
                name="article_featured_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["ward", "status", "-view_count"],
                name="article_most_read_idx",
            ),
        ),
    ]
