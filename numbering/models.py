from django.db import IntegrityError, models, transaction
from django.db.models import F


class Counter(models.Model):
    """The last number given in a series within one scope (the articles of
    ward 12): one row each, its update locked until the giver's transaction
    ends, so that two rows made at the same moment never share a number."""

    series = models.CharField("dãy số", max_length=100)
    scope = models.BigIntegerField("phạm vi")
    last = models.PositiveBigIntegerField("số cuối", default=0)

    class Meta:
        verbose_name = "bộ đếm"
        verbose_name_plural = "bộ đếm"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "scope"], name="counter_one_per_series_scope"
            ),
        ]

    def __str__(self):
        return f"{self.series} {self.scope}: {self.last}"


def take(series: str, scope: int, count: int = 1) -> int:
    """The first of the next ``count`` numbers of the series in the scope,
    the rest following it. The UPDATE locks the counter's row until the
    caller's transaction ends: numbers are given one caller at a time."""
    counters = Counter.objects.filter(series=series, scope=scope)
    with transaction.atomic():
        if not counters.update(last=F("last") + count):
            try:
                with transaction.atomic():
                    Counter.objects.create(series=series, scope=scope, last=count)
                    return 1
            except IntegrityError:
                # Another caller made the scope's counter first.
                counters.update(last=F("last") + count)
        return counters.values_list("last", flat=True).get() - count + 1


def last(series: str, scope: int) -> int:
    """The last number given in the series within the scope (0: none yet)."""
    return (
        Counter.objects.filter(series=series, scope=scope)
        .values_list("last", flat=True)
        .first()
        or 0
    )
