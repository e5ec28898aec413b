"""The task queue's table stays out of the admin. django-tasks-db shows it
there in English, to anyone given its view permission, with each queued
email's recipients and text: residents' personal data. The worker's log
(`journalctl -u wardnews-worker`) and `manage.py resend_mail` are how it is
watched and put right (docs/operations.md, "Email")."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
