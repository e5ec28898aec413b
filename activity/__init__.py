"""The staff activity log ("Nhật ký"): who signed in, published, withdrew,
changed a role or exported residents' personal data, when, for which ward,
and from which address; listed in the admin for superusers only, kept for
ACTIVITY_KEEP_DAYS (`manage.py prune_activity`).

A building block under the domain apps: they call `log.record()`; it names
the ward by its model's label and so imports none of them.
"""
