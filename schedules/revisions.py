"""Revisions of schedule entries (django-reversion): every save in the admin
keeps one; "Lịch sử" lists them and brings an old one back (admin.py).

Only what readers see of an entry is recorded (models.SHOWN_FIELDS): not the
ward, the publishing state or the times the model keeps. Restoring fills the
entry's form with the old values, to be saved like any change, so a restore
never publishes, unpublishes or moves an entry, and asks the same
permissions as the form. (Reversion's own revert would save the stored row
as it is, with defaults for what was not recorded.)
"""

import reversion

from .models import SHOWN_FIELDS, Entry

reversion.register(Entry, fields=SHOWN_FIELDS)
