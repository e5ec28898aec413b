"""The model field for a picture: new uploads are checked and prepared (see
checks.py) and their renditions queued as the model is saved."""

from pathlib import Path

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from . import renditions
from .checks import IMAGE_ENDINGS, prepare_picture
from .widgets import PictureInput


class PictureFormField(forms.ImageField):
    """A picture's file input: the editor's checks, in the editor's words,
    rather than Django's "not a valid image" for every kind of bad file, and
    only the endings we take (not the fifty Pillow reads)."""

    default_validators = [
        FileExtensionValidator([ending[1:] for ending in IMAGE_ENDINGS])
    ]

    def to_python(self, data):
        uploaded = forms.FileField.to_python(self, data)
        if uploaded is None or Path(uploaded.name).suffix.lower() not in IMAGE_ENDINGS:
            return uploaded  # The ending's own message says what is wrong.
        # Prepared here, so a picture that cannot be is refused with the form.
        return prepare_picture(uploaded)


class PictureFieldFile(ImageFieldFile):
    """A stored picture's file: its renditions are queued however it is
    stored, by a form's upload (pre_save below) or by code calling save()
    (the demo content, importers)."""

    def save(self, name, content, save=True):
        super().save(name, content, save=save)
        renditions.make_soon(self.name)


class PictureField(models.ImageField):
    """A picture field whose new uploads are stored as prepare_picture()
    leaves them (upright, without metadata), and whose renditions for
    readers are queued as it is saved (made once it is stored)."""

    attr_class = PictureFieldFile

    def formfield(self, **kwargs):
        if kwargs.get("widget") is AdminFileWidget:
            # Every admin's picture field shows the picture, not its name only.
            kwargs["widget"] = PictureInput
        # The name stored is made to fit (stored_path): however long the
        # name a picture is uploaded under, staff are not refused for it.
        return super().formfield(
            **{"form_class": PictureFormField, **kwargs, "max_length": None}
        )

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        is_new = bool(file) and not file._committed
        if is_new:
            file.file = prepare_picture(file.file)
        return super().pre_save(model_instance, add)
