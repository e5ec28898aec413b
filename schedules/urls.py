from django.urls import path

from pages.decorators import for_readers

from . import views, weeks

app_name = "schedules"

# Kept at most LIST_SECONDS (pages/decorators.py): "this week" and "today"
# move on at midnight within that, with no save to make the pages stale.
urlpatterns = [
    path(
        "lich-cong-tac/",
        for_readers(views.WeekView.as_view(), params={"tuan": weeks.canonical}),
        name="week",
    ),
    path(
        "lich-tiep-cong-dan/",
        for_readers(views.ReceptionsView.as_view()),
        name="receptions",
    ),
]
