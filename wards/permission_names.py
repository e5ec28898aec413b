"""Vietnamese names for Django's built-in permissions.

Django's create_permissions stores "Can add bài viết" in auth_permission.name,
in English and once for all: staff read it on every account's permission
list. After each migrate (and for test databases, new models and new apps)
the built-in add/change/delete/view permissions are renamed "Có thể thêm bài
viết" and so on. Permissions declared in Meta.permissions already carry the
name their model gives them and are left alone.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_permission_codename
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

VERBS = {"add": "thêm", "change": "sửa", "delete": "xóa", "view": "xem"}

# Models whose verbose name is a plain English string, not marked for
# translation, so the catalogue cannot reach it.
NOUNS = {
    ("easy_thumbnails", "source"): "ảnh gốc",
    ("easy_thumbnails", "thumbnail"): "ảnh thu nhỏ",
    ("easy_thumbnails", "thumbnaildimensions"): "kích thước ảnh thu nhỏ",
    # The task queue's table (django-tasks-db): emails, renditions.
    ("django_tasks_database", "dbtaskresult"): "tác vụ nền",
}

# auth_permission.name is a varchar(255).
MAX_LENGTH = 255


def model_noun(opts) -> str:
    """The model's name as staff read it: its Vietnamese verbose name, or
    for Django's and other apps' models the translation our catalogue gives
    their English one ("log entry" -> "mục nhật ký")."""
    noun = NOUNS.get((opts.app_label, opts.model_name))
    if noun is None:
        # Historical models from migrations carry the verbose name as a
        # plain string, so it is translated here rather than lazily.
        with translation.override("vi"):
            noun = translation.gettext(opts.verbose_name_raw)
    return noun


def builtin_permission_names(opts) -> dict[str, str]:
    """codename -> Vietnamese name of the model's built-in permissions."""
    noun = model_noun(opts)
    names = {}
    for action in opts.default_permissions:
        if action in VERBS:
            name = f"Có thể {VERBS[action]} {noun}"
            names[get_permission_codename(action, opts)] = name[:MAX_LENGTH]
    return names


def rename_permissions(
    app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs
) -> int:
    """post_migrate handler, connected after django.contrib.auth's
    create_permissions: gives the app's built-in permissions their
    Vietnamese names. Returns how many it renamed; renames nothing (and
    writes nothing) when every name is already right."""
    if not app_config.models_module:
        return 0
    try:
        Permission = apps.get_model("auth", "Permission")
        app_config = apps.get_app_config(app_config.label)
    except LookupError:
        return 0
    if not router.allow_migrate_model(using, Permission):
        return 0

    wanted = {
        (opts.model_name, codename): name
        for opts in (model._meta for model in app_config.get_models())
        for codename, name in builtin_permission_names(opts).items()
    }
    if not wanted:
        return 0
    renamed = []
    rows = (
        Permission.objects.using(using)
        .filter(content_type__app_label=app_config.label)
        .values_list("pk", "content_type__model", "codename", "name")
    )
    for pk, model_name, codename, name in rows:
        new_name = wanted.get((model_name, codename))
        if new_name is not None and new_name != name:
            renamed.append(Permission(pk=pk, name=new_name))
    if renamed:
        Permission.objects.using(using).bulk_update(renamed, ["name"])
    return len(renamed)
