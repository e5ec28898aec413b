from django.urls import path

from . import views

app_name = "twostep"

# Under the admin's address (wardnews/urls.py): its look, its headers.
urlpatterns = [
    path("", views.own_settings, name="settings"),
    path("ma-xac-thuc/", views.verify, name="verify"),
    path("dang-ky/", views.enrol, name="enrol"),
    path("ma-du-phong/", views.backup_codes, name="backup_codes"),
    path("xac-nhan/", views.reconfirm, name="reconfirm"),
]
