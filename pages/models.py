from django.db import models


class Generation(models.Model):
    """A page generation (pages/generations.py) where every process sees it,
    when there is no Redis to share it: the site's, and each ward's; and
    when it last moved (the read replica keeps off a ward that just changed:
    wardnews/replica.py)."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField()
    changed_at = models.DateTimeField("đổi lúc", null=True)

    class Meta:
        verbose_name = "thế hệ trang"
        verbose_name_plural = "thế hệ trang"

    def __str__(self):
        return f"{self.key}: {self.value}"
