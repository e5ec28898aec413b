from django.urls import path

from . import views

app_name = "wards"

urlpatterns = [
    path("gioi-thieu/", views.AboutView.as_view(), name="about"),
    path("lien-he/", views.ContactView.as_view(), name="contact"),
]
