"""Procedure revisions (django-reversion): every save in the admin keeps one,
and "Lịch sử" lists them and brings an old one back.

The publishing state is not recorded, so bringing an old text back never
publishes or withdraws a procedure: admin.py keeps the state the procedure
has now (KEPT_FIELDS) on the form that restores it. Derived fields are not
recorded either: saving recomputes them. Forms (files) are not followed: a
restore never brings back a file that was removed.
"""

import reversion

from .models import Procedure

KEPT_FIELDS = ["status"]

reversion.register(Procedure, exclude=[*KEPT_FIELDS, "field_slug", "search_folded"])
