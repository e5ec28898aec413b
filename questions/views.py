"""The residents' side of Hỏi đáp: asking, reporting, commenting on a draft,
checking a submission's status, and the public questions and answers.

The forms are never kept by the page cache (each carries its own token);
the public pages are, as every reader page."""

import hmac
import re
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from documents.models import Document
from files import names
from files.download import saved_file_response
from pages import limits
from vietnamese.text import fold_accents

from . import door
from .forms import SubmissionForm
from .models import CODE, Kind, Status, Submission, Topic, typed_code
from .privacy import phone_key
from .receiving import prepared_files, receive

PER_PAGE = 20
SENT_MAX_AGE = 7 * 24 * 60 * 60
_SENT = signing.TimestampSigner(salt="questions.sent")

NO_SCRIPT = (
    "Gửi không kèm xác minh tự động (trình duyệt tắt JavaScript hoặc lỗi xác minh)"
)
WORK_FAILED = (
    "Chưa hoàn tất bước xác minh chống thư rác. Nội dung bạn nhập vẫn được giữ "
    "nguyên: xin bấm gửi lại."
)
HONEYPOT_FILLED = "Xin để trống ô “Để trống ô này” rồi gửi lại."

# A search reads this many words at most (each one more filter).
MAX_SEARCH_WORDS = 8


def section():
    return {"name": "Hỏi đáp", "get_absolute_url": reverse("questions:list")}


def _documents_section():
    return {"name": "Văn bản", "get_absolute_url": reverse("documents:list")}


# --- Sending ----------------------------------------------------------------


def _allowance(view):
    """Each drawing or sending of a form counts against the client's
    allowance of rendered pages (pages/limits.py): a flood from one address
    gets the cheap 429 page, which touches no database, within seconds."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        too_many = limits.refused(request, limits.PAGES)
        if too_many is not None:
            return too_many
        return view(request, *args, **kwargs)

    return wrapped


FORM_PAGES = {
    Kind.QUESTION: ("Gửi câu hỏi", "questions:ask"),
    Kind.REPORT: ("Gửi phản ánh, kiến nghị", "questions:report"),
    Kind.COMMENT: ("Góp ý dự thảo", None),
}


@require_http_methods(["GET", "HEAD", "POST"])
@_allowance
def ask(request):
    """/hoi-dap/gui-cau-hoi/: a question to the ward."""
    return _form_page(request, Kind.QUESTION)


@require_http_methods(["GET", "HEAD", "POST"])
@_allowance
def report(request):
    """/hoi-dap/gui-phan-anh/: a report (phản ánh, kiến nghị), with its
    place and photos."""
    return _form_page(request, Kind.REPORT)


@require_http_methods(["GET", "HEAD", "POST"])
@_allowance
def comment(request, slug):
    """/van-ban/<slug>/gop-y/: a comment on a draft while its comment period
    is open; after it, the page says so and links the summary."""
    document = get_object_or_404(
        Document.objects.published(request.ward).filter(is_draft_for_comment=True),
        slug=slug,
    )
    if document.comment_state != "open":
        response = render(
            request,
            "questions/comment_closed.html",
            {
                "document": document,
                "report": _published_report(document),
                # What they typed is shown back, never silently dropped.
                "typed": request.POST.get("body", "")[:5000]
                if request.method == "POST"
                else "",
                "section": _documents_section(),
            },
            status=403 if request.method == "POST" else 200,
        )
        add_never_cache_headers(response)
        return response
    return _form_page(request, Kind.COMMENT, document=document)


@require_safe
def report_file(request, slug):
    """The comment report's file, once staff published it (never from the
    media folder: attachments/ is served by no one)."""
    document = get_object_or_404(Document.objects.published(request.ward), slug=slug)
    report = _published_report(document)
    if report is None or not report.file:
        raise Http404("Không tìm thấy tệp.")
    return saved_file_response(
        report.file,
        filename=names.download_name(
            f"Bao cao tong hop y kien {document.number}", report.file.name
        ),
        public=True,
    )


def _published_report(document):
    # No report yet: the relation's DoesNotExist is an AttributeError too.
    report = getattr(document, "comment_report", None)
    return report if report is not None and report.is_visible else None


def _form_page(request, kind, document=None):
    ward = request.ward
    status = 200
    message = ""
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, kind=kind)
        outcome = _take(request, form, kind, document)
        if not isinstance(outcome, tuple):
            return outcome  # Stored: the page with its code.
        status, message = outcome
    else:
        form = SubmissionForm(kind=kind)
    title, _ = FORM_PAGES[kind]
    response = render(
        request,
        "questions/form.html",
        {
            "form": form,
            "kind": kind,
            "page_title": title,
            "document": document,
            "token": door.new_token(ward),
            "message": message,
            "challenge_url": reverse("questions:challenge"),
            # A comment belongs to its draft, under Văn bản.
            "section": _documents_section() if document else section(),
            "storage_key": f"wn-gop-y-{document.pk}" if document else f"wn-{kind}",
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response


def _take(request, form, kind, document):
    """Stores what the form brings and sends the resident on to its code;
    else (status, message) for the form shown again with what they typed."""
    ward = request.ward
    if form.honeypot_filled:
        return 400, HONEYPOT_FILLED
    token = door.check_token(request.POST.get(door.TOKEN, ""), ward)
    if not token.ok:
        return 400, token.message
    payload = request.POST.get(door.WORK, "")
    held = not payload
    if payload and not door.work_done(payload):
        return 400, WORK_FAILED
    if not form.is_valid():
        return 400, ""
    if door.address_over(request, held=held):
        return 429, door.TOO_MANY
    if door.ward_over(ward, held=held):
        return 429, door.WARD_BUSY
    try:
        files = prepared_files(form.cleaned_data["files"])
    except Exception as error:  # ValidationError: the file's own message.
        messages = getattr(error, "messages", None) or ["Không đọc được tệp."]
        form.add_error("files", messages[0])
        return 400, ""
    fields = form.submission_fields()
    if kind == Kind.COMMENT:
        # Named by its draft in the inbox, the digest and the personal-data
        # tool, and by the article it is about when the commenter said.
        named = f"Góp ý {document.get_kind_display().lower()} {document.number}"
        if fields["title"]:
            named = f"{named}: {fields['title']}"
        fields["title"] = named[: Submission._meta.get_field("title").max_length]
    submission, _ = receive(
        ward=ward,
        fields=fields,
        files=files,
        document=document,
        token=token.key,
        held_reason=NO_SCRIPT if held else door.looks_like_spam(fields),
    )
    return redirect(f"{reverse('questions:sent')}?ma={_SENT.sign(submission.code)}")


@require_safe
@_allowance
def sent(request):
    """/hoi-dap/da-gui/?ma=…: the code of what was just sent (signed, so
    this page tells nothing about codes nobody was given)."""
    try:
        code = _SENT.unsign(request.GET.get("ma", ""), max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        return redirect("questions:lookup")
    submission = (
        Submission.objects.filter(ward=request.ward, code=code)
        .only(
            "code",
            "kind",
            "held",
            "phone",
            "email",
            "document__slug",
            "document__ward_id",
        )
        .select_related("document")
        .first()
    )
    if submission is None:
        raise Http404("Không tìm thấy.")
    response = render(
        request,
        "questions/sent.html",
        {"submission": submission, "section": section()},
    )
    add_never_cache_headers(response)
    return response


@require_safe
@_allowance
def challenge(request):
    """A proof-of-work challenge for the form's widget; never kept."""
    response = JsonResponse(door.new_challenge())
    add_never_cache_headers(response)
    return response


# --- Status ----------------------------------------------------------------


NOT_FOUND = (
    "Không tìm thấy câu hỏi nào với mã tra cứu và số điện thoại hoặc thư điện "
    "tử này. Xin kiểm tra lại mã (ví dụ HD-2026-000123) và thông tin liên hệ "
    "bạn đã ghi khi gửi."
)


def _contact_key(contact: str) -> str:
    """The contact however typed: "+84 912.345.678" is 0912345678, an
    email in any case the same email."""
    contact = contact.strip()
    return contact.lower() if "@" in contact else phone_key(contact)


def _same_contact(submission, contact: str) -> bool:
    contact = contact.strip()
    if "@" in contact:
        return bool(submission.email) and hmac.compare_digest(
            submission.email.lower(), contact.lower()
        )
    theirs = phone_key(submission.phone)
    return len(theirs) >= 8 and hmac.compare_digest(theirs, phone_key(contact))


STATUS_FOR_RESIDENT = {
    Status.NEW: "Đã tiếp nhận, đang chờ xử lý",
    Status.IN_PROGRESS: "Đang xử lý",
    Status.ANSWERED: "Đã trả lời",
    Status.PUBLISHED: "Đã trả lời và đăng công khai",
    Status.PRIVATE: "Đã xử lý",
}


@require_http_methods(["GET", "HEAD", "POST"])
@_allowance
def lookup(request):
    """/hoi-dap/tra-cuu/: where a submission stands, by its code and the
    phone or email given with it. The answer is the same whether the code
    exists or the contact is wrong, so codes cannot be enumerated; each
    address, each contact and the ward may be asked a few times an hour."""
    context = {"section": section(), "code": "", "contact": ""}
    status = 200
    if request.method == "POST":
        code = typed_code(request.POST.get("ma", "")[:40])[:20]
        contact = request.POST.get("lien_he", "")[:254]
        context.update(code=code, contact=contact)
        if door.lookups_over(request, request.ward, _contact_key(contact)):
            context["message"] = (
                "Bạn đã tra cứu nhiều lần trong một giờ qua. Xin thử lại sau."
            )
            status = 429
        elif not CODE.fullmatch(code) or not contact.strip():
            context["message"] = (
                "Xin ghi mã tra cứu (ví dụ HD-2026-000123) và số điện thoại "
                "hoặc thư điện tử bạn đã ghi khi gửi."
            )
            status = 400
        else:
            found = (
                Submission.objects.filter(ward=request.ward, code=code)
                .select_related("document")
                .first()
            )
            if found is not None and _same_contact(found, contact):
                context["found"] = found
                context["status_label"] = STATUS_FOR_RESIDENT[found.status]
                context["answered"] = bool(found.answer) and found.status in (
                    Status.ANSWERED,
                    Status.PUBLISHED,
                    Status.PRIVATE,
                )
            else:
                context["message"] = NOT_FOUND
                status = 404
    response = render(request, "questions/lookup.html", context, status=status)
    # What a resident sees of their own item is theirs only.
    patch_cache_control(response, private=True, no_store=True)
    add_never_cache_headers(response)
    return response


# --- Public questions and answers --------------------------------------------


def _page_number(raw) -> int:
    if raw and re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) > 0:
        return int(raw)
    return 1


def search_words(text: str) -> list[str]:
    """The search's words, folded without accents (as search_folded is)."""
    return re.findall(r"[^\W_]+", fold_accents(text))[:MAX_SEARCH_WORDS]


@require_safe
def question_list(request):
    """/hoi-dap/: the ward's published answers, newest first; searched, and
    filtered by lĩnh vực."""
    ward = request.ward
    items = Submission.objects.published(ward)
    topic = request.GET.get("linh-vuc", "")
    if topic not in Topic.values:
        topic = ""
    if topic:
        items = items.filter(topic=topic)
    query = " ".join(request.GET.get("q", "").split())[:100]
    words = search_words(query)
    for word in words:
        items = items.filter(
            Q(search_folded__startswith=word) | Q(search_folded__contains=f" {word}")
        )
    number = _page_number(request.GET.get("trang"))
    start = (number - 1) * PER_PAGE
    rows = list(
        items.order_by("-published_at", "-id").only(
            "title",
            "slug",
            "topic",
            "kind",
            "name",
            "group",
            "published_at",
            "received_at",
            "personal_data_removed_at",
            "ward_id",
        )[start : start + PER_PAGE + 1]
    )
    for row in rows:
        row.ward = ward  # What privacy.scrub() keeps: the ward's own numbers.
    response = render(
        request,
        "questions/list.html",
        {
            "items": rows[:PER_PAGE],
            "number": number,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if len(rows) > PER_PAGE else None,
            "topics": Topic.choices,
            "topic": topic,
            "query": query,
            "filtered": bool(topic or query),
            "section": section(),
            "canonical_url": request.build_absolute_uri(reverse("questions:list")),
        },
    )
    if not rows and number > 1:
        response.status_code = 404
    return response


@require_safe
def question_detail(request, slug):
    """/hoi-dap/<slug>/: a question and the ward's answer, the asker shown
    only by initials and tổ dân phố."""
    item = get_object_or_404(
        Submission.objects.published(request.ward).select_related("ward"), slug=slug
    )
    return render(
        request,
        "questions/detail.html",
        {
            "item": item,
            "section": section(),
            "canonical_url": request.build_absolute_uri(item.get_absolute_url()),
        },
    )


@require_safe
def privacy(request):
    """/chinh-sach-bao-ve-du-lieu-ca-nhan/: what is kept of what residents
    send, why, how long, and who sees it (Decree 13/2023/NĐ-CP)."""
    return render(
        request,
        "questions/privacy.html",
        {"retention_months": getattr(settings, "QUESTIONS_RETENTION_MONTHS", 24)},
    )
