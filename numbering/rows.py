"""A model's rows numbered within their scope as they are made: by any save
(the admin, an import, a fixture, a restored revision: Django's pre_save
signal) and by bulk_create (NumberedQuerySet), which sends no signal."""

from dataclasses import dataclass
from itertools import groupby

from django.db import models
from django.db.models.signals import pre_save

from .models import reach, take


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
    given, one counter update per scope; a row that comes with a number
    keeps it, and its scope's counter is moved up to it if behind, so that
    the number is never given again."""
    how = numbering(model)
    scope = lambda obj: getattr(obj, how.scope)  # noqa: E731
    for value, rows in groupby(sorted(objs, key=lambda o: scope(o) or 0), key=scope):
        rows = list(rows)
        given = [getattr(obj, how.field) for obj in rows]
        new = [obj for obj, n in zip(rows, given, strict=True) if n is None]
        given = [n for n in given if n is not None]
        if given:
            reach(how.series, value, max(given))
        if new:
            first = take(how.series, value, len(new))
            for n, obj in enumerate(new, start=first):
                setattr(obj, how.field, n)


def moved_from(instance):
    """The scope (a ward's id) that the row's last save moved it out of,
    None if that save left it where it was: whatever listed it there (its
    old ward's pages) must change too. Set afresh by every save of a
    numbered row, for that save's post_save to read; a delete leaves it
    as the last save set it."""
    return getattr(instance, _MOVED_FROM, None)


_MOVED_FROM = "_numbering_moved_from"


def _number_one(sender, instance, raw=False, update_fields=None, **kwargs):
    how = numbering(sender)
    setattr(instance, _MOVED_FROM, None)
    if raw:
        pass  # A fixture's or a backup's row: kept as it comes.
    elif instance._state.adding or instance.pk is None:
        # A new row takes a number of its own, whatever it carries: a
        # copy's, or one taken by a save whose transaction rolled back
        # (the counter went back with it).
        setattr(instance, how.field, None)
    elif (old := _moved_from(sender, instance, how, update_fields)) is not None:
        setattr(instance, _MOVED_FROM, old)
        setattr(instance, how.field, None)
    else:
        return
    number(sender, [instance])


def _moved_from(model, instance, how, update_fields):
    """The scope a save moves the row out of (an article to another ward's
    category), None if it stays: a moved row needs a number of its new
    scope, else it would share one there, or lie past the pages its new
    scope lists. It reads the stored row itself, though an article's save
    has just read and locked it: handing that read down would be a value
    one model's save leaves on the instance for this handler to trust,
    which no other way of saving the row would set."""
    if update_fields is not None and not {how.scope, _name(how.scope)} & update_fields:
        return None
    stored = (
        model._base_manager.filter(pk=instance.pk)
        .values_list(how.scope, flat=True)
        .first()
    )
    if stored is None or stored == getattr(instance, how.scope):
        return None
    if update_fields is not None and how.field not in update_fields:
        raise ValueError(
            f"{model.__name__} moved to another {_name(how.scope)}: "
            f"save its {how.field} too."
        )
    return stored


def _name(attname: str) -> str:
    """A foreign key's field name from its column's attribute (ward_id)."""
    return attname.removesuffix("_id")


class NumberedQuerySet(models.QuerySet):
    """bulk_create numbers the rows first (it sends no pre_save)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        number(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)
