from django.urls import path

from pages.decorators import for_readers

from . import views

app_name = "wards"

urlpatterns = [
    path("gioi-thieu/", for_readers(views.AboutView.as_view()), name="about"),
    path("lien-he/", for_readers(views.ContactView.as_view()), name="contact"),
]
