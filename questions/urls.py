from django.urls import path

from pages.decorators import for_readers
from pages.params import as_sent, one_of, page_number

from . import views
from .models import Topic

app_name = "questions"

# The list's query parameters (the page cache keeps one page per value).
PARAMS = {"q": as_sent, "linh-vuc": one_of(*Topic.values), "trang": page_number}

urlpatterns = [
    path(
        "hoi-dap/",
        for_readers(views.question_list, params=PARAMS, searched_by="q"),
        name="list",
    ),
    # The forms and what follows them are never kept: each has its own token.
    path("hoi-dap/gui-cau-hoi/", views.ask, name="ask"),
    path("hoi-dap/gui-phan-anh/", views.report, name="report"),
    path("hoi-dap/da-gui/", views.sent, name="sent"),
    path("hoi-dap/tra-cuu/", views.lookup, name="lookup"),
    path("hoi-dap/thu-thach/", views.challenge, name="challenge"),
    path("hoi-dap/<slug:slug>/", for_readers(views.question_detail), name="detail"),
    path("van-ban/<slug:slug>/gop-y/", views.comment, name="comment"),
    path(
        "van-ban/<slug:slug>/tong-hop-y-kien/",
        views.report_file,
        name="report_file",
    ),
    path(
        "chinh-sach-bao-ve-du-lieu-ca-nhan/",
        for_readers(views.privacy),
        name="privacy",
    ),
]
