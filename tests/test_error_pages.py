"""Errors a reader or staff member can meet are explained in Vietnamese."""

from django.test import Client


def test_an_unknown_address_gets_the_vietnamese_404(reader, db):
    response = reader.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in response.text
    assert "Công tác Đảng" in response.text  # The menu is there to go on.


def test_a_bad_host_gets_the_vietnamese_400(db):
    response = Client(HTTP_HOST="ke-la.example").get("/")
    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ</h1>" in response.text


def test_an_expired_form_gets_the_vietnamese_csrf_page(db, writer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/admin/login/", {"username": "phongvien", "password": "mat-khau-thu-nghiem"}
    )
    assert response.status_code == 403
    assert "<h1>Phiên làm việc không hợp lệ</h1>" in response.text
    assert "CSRF" not in response.text
