"""A model's rows numbered within their scope as they are made: by any save
(the admin, an import, a fixture, a restored revision: Django's pre_save
signal) and by bulk_create (NumberedQuerySet), which sends no signal."""

from dataclasses import dataclass
from itertools import groupby

from django.db import models
from django.db.models.signals import pre_save

from .models import take


@dataclass(frozen=True)
class Numbering:
    """Where a model keeps its number (``field``) and what it counts within
    (``scope``, an attribute such as "ward_id")."""

    field: str
    scope: str
    series: str


_numberings: dict[type, Numbering] = {}


def register(model, *, field: str, scope: str) -> None:
    """Number the model's new rows in ``field``, 1, 2, 3… within ``scope``."""
    _numberings[model] = Numbering(field, scope, model._meta.label_lower)
    pre_save.connect(_number_one, sender=model, weak=False)


def numbering(model) -> Numbering:
    return _numberings[model._meta.concrete_model]


def number(model, objs) -> None:
    """Give the rows among ``objs`` without a number theirs, in the order
    given, one counter update per scope."""
    how = numbering(model)
    scope = lambda obj: getattr(obj, how.scope)  # noqa: E731
    new = sorted(
        (obj for obj in objs if getattr(obj, how.field) is None),
        key=lambda obj: scope(obj) or 0,
    )
    for value, rows in groupby(new, key=scope):
        rows = list(rows)
        first = take(how.series, value, len(rows))
        for n, obj in enumerate(rows, start=first):
            setattr(obj, how.field, n)


def _number_one(sender, instance, raw=False, update_fields=None, **kwargs):
    how = numbering(sender)
    if not instance._state.adding and (
        update_fields is None or how.scope.removesuffix("_id") in update_fields
    ):
        # Moved to another scope (an article to another ward's category):
        # a number of its new scope, else it would share one there, or lie
        # past the pages its new scope lists.
        stored = sender._base_manager.filter(pk=instance.pk).values_list(how.scope)
        if stored.first() not in (None, (getattr(instance, how.scope),)):
            setattr(instance, how.field, None)
    number(sender, [instance])


class NumberedQuerySet(models.QuerySet):
    """bulk_create numbers the rows first (it sends no pre_save)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        number(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)
