"""Comment reports (báo cáo tổng hợp ý kiến) in the admin: a ward's editors
write and publish them for their own drafts only; writers and other wards'
staff cannot, crafted POSTs included; the body is sanitised."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from questions.models import CommentReport, Submission
from wards import roles

from .conftest import make_staff
from .inbox import make_item

LIST = "/admin/questions/commentreport/"


@pytest.fixture
def draft(make_document):
    return make_document(
        number="12/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=date(2026, 11, 1),
        comment_ends_on=date(2026, 11, 30),
    )


@pytest.fixture
def other_draft(second_ward, make_document):
    return make_document(
        ward=second_ward,
        number="7/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=date(2026, 11, 1),
        comment_ends_on=date(2026, 11, 30),
    )


def report_form(document, **fields):
    data = {
        "document": document.pk,
        "body": "<p>Phường nhận 12 ý kiến góp ý.</p>",
        "published": "on",
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(fields)
    return data


def test_an_editor_publishes_the_summary_of_their_draft(client, ward, draft):
    client.force_login(make_staff("bientaphd", ward, role=roles.EDITOR))
    response = client.post(
        f"{LIST}add/",
        report_form(draft, body="<p onclick='x()'>12 ý kiến</p><script>x()</script>"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    report = CommentReport.objects.get()
    assert report.document == draft and report.published
    assert report.published_at is not None
    assert report.body == "<p>12 ý kiến</p>"


def test_another_wards_draft_cannot_be_reported_on(client, ward, draft, other_draft):
    client.force_login(make_staff("bientaphd", ward, role=roles.EDITOR))
    form = client.get(f"{LIST}add/").context["adminform"].form
    assert list(form.fields["document"].queryset) == [draft]
    response = client.post(f"{LIST}add/", report_form(other_draft))
    assert response.status_code == 200
    assert not CommentReport.objects.exists()


def test_other_wards_staff_see_no_report(client, ward, second_ward, draft):
    report = CommentReport.objects.create(document=draft, body="<p>Tổng hợp</p>")
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))
    assert "12/DT-UBND" not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{report.pk}/change/").status_code == 302
    client.post(f"{LIST}{report.pk}/change/", report_form(draft, body="<p>Sửa</p>"))
    report.refresh_from_db()
    assert report.body == "<p>Tổng hợp</p>"


def test_writers_do_not_write_reports(client, writer, draft):
    client.force_login(writer)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}add/", report_form(draft)).status_code == 403


def test_the_reports_file_goes_to_its_wards_staff_only(
    client, ward, second_ward, draft
):
    pdf = Path(__file__).parent.parent / "documents" / "demo" / "125-qd-ubnd.pdf"
    client.force_login(make_staff("bientaphd", ward, role=roles.EDITOR))
    response = client.post(
        f"{LIST}add/",
        report_form(
            draft,
            published="",
            file=SimpleUploadedFile("bao-cao.pdf", pdf.read_bytes()),
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    report = CommentReport.objects.get()
    assert report.file.name.startswith("attachments/comment-reports/")
    url = f"{LIST}{report.pk}/tep/"
    assert url in client.get(f"{LIST}{report.pk}/change/").content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))
    assert client.get(url).status_code == 404


def test_the_report_list_counts_and_links_the_drafts_comments(client, ward, draft):
    comments = [
        make_item(ward, kind=Submission.Kind.COMMENT, document=draft, title=f"Ý {n}")
        for n in range(2)
    ]
    question = make_item(ward, title="Không phải góp ý")
    CommentReport.objects.create(document=draft, body="<p>Tổng hợp</p>")
    client.force_login(make_staff("bientaphd", ward, role=roles.EDITOR))
    page = client.get(LIST).content.decode()
    link = f"/admin/questions/submission/?du-thao={draft.pk}"
    assert f'<a href="{link}">2</a>' in page
    inbox = client.get(link).content.decode()
    assert all(comment.code in inbox for comment in comments)
    assert question.code not in inbox
