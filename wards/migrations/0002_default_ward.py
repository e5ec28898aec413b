"""The default ward: the one a single-ward installation always had.

Its details come from the WARD_* environment variables that used to set the
header and footer, when a deployment still has them; from now on they are
edited in the admin and the variables can go.
"""

import os
import unicodedata

from django.db import migrations

from wards.models import folder_name


def create_default_ward(apps, schema_editor):
    Ward = apps.get_model("wards", "Ward")
    if Ward.objects.filter(is_default=True).exists():
        return

    def setting(name, default=""):
        return unicodedata.normalize("NFC", os.environ.get(name, default)).strip()

    name = setting("WARD_NAME") or "Phường Phúc Lợi"
    Ward.objects.create(
        name=name,
        slug=folder_name(name),
        is_default=True,
        address=setting("WARD_ADDRESS", "Phường Phúc Lợi, thành phố Hà Nội"),
        phone=setting("WARD_PHONE"),
        email=setting("WARD_EMAIL"),
    )


class Migration(migrations.Migration):
    dependencies = [("wards", "0001_initial")]

    operations = [migrations.RunPython(create_default_ward, migrations.RunPython.noop)]
