from django.urls import path

from pages.decorators import for_readers

from . import views

app_name = "organisation"

urlpatterns = [
    path(
        "co-cau-to-chuc/", for_readers(views.OrganisationView.as_view()), name="index"
    ),
    path("en/", for_readers(views.EnglishView.as_view()), name="english"),
]
