from django.urls import path

from pages.decorators import for_readers

from . import views

app_name = "procedures"

urlpatterns = [
    path(
        "thu-tuc-hanh-chinh/",
        for_readers(
            views.ProcedureListView.as_view(),
            params=(views.QUERY_PARAM, views.FIELD_PARAM),
        ),
        name="list",
    ),
    path(
        "thu-tuc-hanh-chinh/<slug:slug>/",
        for_readers(views.ProcedureDetailView.as_view()),
        name="detail",
    ),
    path(
        "thu-tuc-hanh-chinh/bieu-mau/<int:pk>/<str:filename>",
        views.download_form,
        name="form",
    ),
]
