"""Reader pages' indexes that a planner prefers without statistics (issue
19): right after a bulk load, before any ANALYZE, every index starting
(ward, status) looked as good as any other, and the home page took seconds.
Each list's index now holds every column its query asks for and its order:
a category's newest (the ward too), the pinned article (in the home page's
order), and each category's last change, for sitemap.xml."""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_daily_views_ward"),
        ("wards", "0009_invitation_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="article",
            name="article_category_newest_idx",
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_featured_idx",
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["category", "ward", "status", "-published_at", "-id"],
                name="article_category_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("category"),
                models.F("ward"),
                models.F("status"),
                models.OrderBy(
                    django.db.models.functions.comparison.Greatest(
                        "published_at", "updated_at"
                    ),
                    descending=True,
                ),
                name="article_category_changed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_featured", True)),
                fields=["ward", "status", "-published_at", "-id"],
                name="article_featured_idx",
            ),
        ),
    ]
