"""Demo questions for a fresh developer database: what residents of a ward
ask and how the ward answers, published in Hỏi đáp, and a few items still
in the inbox (a question, a report, a comment on the demo draft)."""

from datetime import timedelta

from django.utils import timezone

from documents.models import Document
from wards.hosts import default_ward

from .models import Kind, Status, Submission, Topic

ANSWERED = [
    {
        "slug": "ho-so-dang-ky-tam-tru",
        "topic": Topic.CU_TRU,
        "name": "Nguyễn Văn An",
        "group": "Tổ 5",
        "title": "Hồ sơ đăng ký tạm trú cho người thuê trọ cần những gì?",
        "body": "Gia đình tôi cho sinh viên thuê phòng trọ. Xin hỏi hồ sơ đăng "
        "ký tạm trú cho các cháu cần những giấy tờ gì, nộp ở đâu và mất bao "
        "lâu?",
        "answer": "<p>Theo Luật Cư trú năm 2020, hồ sơ đăng ký tạm trú gồm:</p>"
        "<ul><li>Tờ khai thay đổi thông tin cư trú (mẫu CT01);</li>"
        "<li>Giấy tờ chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà);</li>"
        "<li>Văn bản đồng ý của chủ hộ hoặc chủ nhà.</li></ul>"
        "<p>Người thuê nộp hồ sơ tại Công an phường hoặc trực tuyến trên Cổng "
        "Dịch vụ công quốc gia. Thời hạn giải quyết là 03 ngày làm việc kể từ "
        "ngày nhận đủ hồ sơ.</p>",
        "days": 3,
    },
    {
        "slug": "tro-cap-nguoi-cao-tuoi",
        "topic": Topic.AN_SINH,
        "name": "Trần Thị Bình",
        "group": "Tổ dân phố số 2",
        "title": "Mẹ tôi 80 tuổi được hưởng trợ cấp xã hội hằng tháng không?",
        "body": "Mẹ tôi năm nay tròn 80 tuổi, không có lương hưu. Xin hỏi mẹ tôi "
        "có được hưởng trợ cấp hằng tháng không và làm thủ tục thế nào?",
        "answer": "<p>Người từ đủ 80 tuổi không có lương hưu hoặc trợ cấp bảo "
        "hiểm xã hội hằng tháng được hưởng trợ cấp xã hội hằng tháng theo Nghị "
        "định số 20/2021/NĐ-CP.</p><p>Gia đình nộp tờ khai (mẫu số 1a) và bản "
        "sao căn cước của cụ tại bộ phận Một cửa của Ủy ban nhân dân phường. "
        "Phường sẽ xét duyệt và trả lời trong 10 ngày làm việc.</p>",
        "days": 9,
    },
    {
        "slug": "cap-phep-sua-nha",
        "topic": Topic.DAT_DAI,
        "name": "Lê Minh Cường",
        "group": "Tổ 8",
        "title": "Sửa chữa, cải tạo nhà trong ngõ có phải xin giấy phép?",
        "body": "Tôi muốn lát lại nền và thay mái tôn cho nhà cấp 4 trong ngõ, "
        "không thay đổi kết cấu. Có phải xin giấy phép xây dựng không?",
        "answer": "<p>Sửa chữa, cải tạo bên trong công trình, không làm thay "
        "đổi kết cấu chịu lực, công năng sử dụng và kiến trúc mặt ngoài thì "
        "được miễn giấy phép xây dựng (Luật Xây dựng, Điều 89).</p><p>Gia "
        "đình nên thông báo với tổ dân phố và bảo đảm vệ sinh, an toàn cho "
        "các hộ xung quanh trong thời gian thi công.</p>",
        "days": 16,
    },
]

WAITING = [
    {
        "kind": Kind.REPORT,
        "topic": Topic.TRAT_TU_DO_THI,
        "name": "Phạm Thu Hà",
        "group": "Tổ 3",
        "phone": "0912 000 111",
        "title": "Đèn đường ngõ 12 bị hỏng",
        "place": "Đầu ngõ 12, phố Phúc Lợi",
        "body": "Ba cột đèn đầu ngõ 12 không sáng đã một tuần, buổi tối rất tối.",
    },
    {
        "kind": Kind.QUESTION,
        "topic": Topic.HO_TICH,
        "name": "Đỗ Văn Khánh",
        "group": "Tổ 1",
        "email": "khanh.demo@example.vn",
        "title": "Đăng ký khai sinh cho con sinh ở nơi khác",
        "body": "Con tôi sinh ở bệnh viện quận khác, tôi đăng ký khai sinh ở "
        "phường được không?",
    },
]


def load_demo_questions(ward=None) -> list[str]:
    """The demo questions, into the default ward unless told; nothing if it
    has some already. What was made, line by line."""
    ward = ward or default_ward()
    if Submission.objects.filter(ward=ward).exists():
        return []
    now = timezone.now()
    done = []
    for demo in ANSWERED:
        received = now - timedelta(days=demo["days"])
        Submission.objects.create(
            ward=ward,
            kind=Kind.QUESTION,
            topic=demo["topic"],
            name=demo["name"],
            group=demo["group"],
            phone="0900 000 000",
            title=demo["title"],
            body=demo["body"],
            consent_at=received,
            received_at=received,
            status=Status.PUBLISHED,
            answer=demo["answer"],
            answered_at=received + timedelta(days=2),
            closed_at=received + timedelta(days=2),
            slug=demo["slug"],
            published_at=received + timedelta(days=2),
        )
        done.append(f"hỏi đáp: {demo['title']}")
    for demo in WAITING:
        Submission.objects.create(ward=ward, consent_at=now, received_at=now, **demo)
        done.append(f"chờ xử lý: {demo['title']}")
    draft = Document.objects.filter(ward=ward, is_draft_for_comment=True).first()
    if draft is not None:
        Submission.objects.create(
            ward=ward,
            kind=Kind.COMMENT,
            topic=Topic.KHAC,
            document=draft,
            name="Vũ Thị Lan",
            group="Tổ 6",
            title=f"Góp ý {draft.get_kind_display().lower()} {draft.number}",
            body="Đề nghị bổ sung quy định về giờ mở cửa nhà văn hóa vào buổi tối.",
            consent_at=now,
            received_at=now,
        )
        done.append(f"góp ý: {draft}")
    return done
