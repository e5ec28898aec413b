from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest


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
    with transaction.atomic():
        last = _move(series, scope, F("last") + count, count)
        return last - count + 1


def reach(series: str, scope: int, number: int) -> None:
    """The counter at ``number`` at least: a row stored with a number of its
    own (a fixture, a restored backup's row), which must never be given
    again."""
    with transaction.atomic():
        _move(series, scope, Greatest("last", Value(number)), number)


def _move(series, scope, moved, first) -> int:
    """The scope's counter set to ``moved`` (an expression of its last), or
    made with ``first``: its last number then."""
    counters = Counter.objects.filter(series=series, scope=scope)
    if not counters.update(last=moved):
        try:
            with transaction.atomic():
                Counter.objects.create(series=series, scope=scope, last=first)
        except IntegrityError:
            # Another caller made the scope's counter first.
            counters.update(last=moved)
    return counters.values_list("last", flat=True).get()


def last(series: str, scope: int) -> int:
    """The last number given in the series within the scope (0: none yet)."""
    return (
        Counter.objects.filter(series=series, scope=scope)
        .values_list("last", flat=True)
        .first()
        or 0
    )
