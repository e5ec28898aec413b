"""Demo documents for a fresh developer database: a ward's registry as it
looks in use (decisions, notices, a plan, a report, a draft put out for
comment, one replaced by a newer one), with PDFs that hold their text
(documents/demo/, made by documents/demo/make_pdfs.py)."""

from datetime import datetime, timedelta
from pathlib import Path

from django.core.files import File
from django.utils import timezone

from wards.hosts import default_ward

from .models import Document, DocumentFile, Field, Issuer, Kind

DEMO_FOLDER = Path(__file__).parent / "demo"

DEMO_DOCUMENTS = [
    {
        "number": "125/QĐ-UBND",
        "kind": Kind.QUYET_DINH,
        "issuer": Issuer.UBND,
        "field": Field.HANH_CHINH,
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Chủ tịch",
        "issued_on": "14/11/2026",
        "summary": "Về việc thành lập Tổ công tác rà soát, cập nhật dữ liệu dân "
        "cư trên địa bàn phường Phúc Lợi",
        "pdf": "125-qd-ubnd.pdf",
        "text": [
            "Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ Luật Cư trú và "
            "các văn bản hướng dẫn thi hành;",
            "Xét đề nghị của Công an phường và công chức Văn phòng - Thống kê,",
            "QUYẾT ĐỊNH:",
            "Điều 1. Thành lập Tổ công tác rà soát, cập nhật dữ liệu dân cư trên "
            "địa bàn phường Phúc Lợi, gồm đại diện Công an phường, Văn phòng "
            "Ủy ban nhân dân phường và các tổ trưởng tổ dân phố.",
            "Điều 2. Tổ công tác có nhiệm vụ rà soát thông tin nhân khẩu, hộ "
            "khẩu, thẻ căn cước của từng hộ gia đình; hướng dẫn người dân kích "
            "hoạt tài khoản định danh điện tử mức độ 2; hoàn thành trước ngày "
            "31 tháng 12.",
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Văn phòng Ủy ban "
            "nhân dân phường, Công an phường và các thành viên Tổ công tác chịu "
            "trách nhiệm thi hành Quyết định này.",
        ],
    },
    {
        "number": "98/TB-UBND",
        "kind": Kind.THONG_BAO,
        "issuer": Issuer.UBND,
        "field": Field.TU_PHAP,
        "signer": "Trần Thị Mai",
        "signer_title": "Phó Chủ tịch",
        "issued_on": "28/11/2026",
        "summary": "Lịch tiếp công dân định kỳ của lãnh đạo Ủy ban nhân dân "
        "phường tháng 12 năm 2026",
        "pdf": "98-tb-ubnd.pdf",
        "text": [
            "Thực hiện Luật Tiếp công dân, Ủy ban nhân dân phường Phúc Lợi "
            "thông báo lịch tiếp công dân định kỳ tháng 12 năm 2026 như sau:",
            "1. Thời gian: sáng thứ Năm hằng tuần, từ 8 giờ 00 đến 11 giờ 30.",
            "2. Địa điểm: phòng tiếp công dân, trụ sở Ủy ban nhân dân phường, "
            "số 1 phố Phúc Lợi.",
            "3. Công dân đến kiến nghị, phản ánh mang theo thẻ căn cước và giấy "
            "tờ, tài liệu liên quan đến nội dung kiến nghị.",
        ],
    },
    {
        "number": "210/KH-UBND",
        "kind": Kind.KE_HOACH,
        "issuer": Issuer.UBND,
        "field": Field.MOI_TRUONG,
        "signer": "Trần Thị Mai",
        "signer_title": "Phó Chủ tịch",
        "issued_on": "20/11/2026",
        "effective_in_days": 10,
        "summary": "Kế hoạch tổng vệ sinh môi trường, phân loại rác thải tại "
        "nguồn trên địa bàn phường",
        "pdf": "210-kh-ubnd.pdf",
        "text": [
            "I. MỤC ĐÍCH, YÊU CẦU",
            "Nâng cao ý thức của nhân dân trong việc giữ gìn vệ sinh môi "
            "trường, thực hiện phân loại rác thải sinh hoạt tại nguồn thành ba "
            "loại: rác hữu cơ, rác tái chế và rác còn lại.",
            "II. NỘI DUNG",
            "Mỗi tổ dân phố tổ chức tổng vệ sinh vào sáng Chủ nhật cuối tháng; "
            "khơi thông cống rãnh, thu gom phế thải xây dựng; đặt thùng phân "
            "loại rác tại nhà văn hóa tổ dân phố.",
            "III. TỔ CHỨC THỰC HIỆN",
            "Giao công chức Địa chính - Xây dựng - Môi trường theo dõi, tổng "
            "hợp kết quả, báo cáo Ủy ban nhân dân phường hằng tháng.",
        ],
    },
    {
        "number": "45/BC-UBND",
        "kind": Kind.BAO_CAO,
        "issuer": Issuer.UBND,
        "field": Field.TAI_CHINH,
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Chủ tịch",
        "issued_on": "02/10/2026",
        "summary": "Báo cáo tình hình kinh tế - xã hội 9 tháng đầu năm, phương "
        "hướng nhiệm vụ 3 tháng cuối năm 2026",
        "pdf": "45-bc-ubnd.pdf",
        "text": [
            "Chín tháng đầu năm, thu ngân sách trên địa bàn phường đạt 82% dự "
            "toán; công tác cải cách hành chính được đẩy mạnh, 100% hồ sơ thủ "
            "tục hành chính được tiếp nhận và trả kết quả đúng hạn.",
            "Phong trào toàn dân đoàn kết xây dựng đời sống văn hóa tiếp tục "
            "được duy trì; an ninh chính trị, trật tự an toàn xã hội được giữ "
            "vững.",
            "Ba tháng cuối năm, phường tập trung hoàn thành chỉ tiêu thu ngân "
            "sách, chỉnh trang đô thị và chuẩn bị chu đáo các hoạt động mừng "
            "Xuân.",
        ],
    },
    {
        "number": "12/DT-UBND",
        "kind": Kind.QUY_CHE,
        "issuer": Issuer.UBND,
        "field": Field.VAN_HOA,
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Chủ tịch",
        "issued_on": "01/12/2026",
        "draft_for_comment": (-4, 26),
        "summary": "Dự thảo Quy chế quản lý, sử dụng nhà văn hóa tổ dân phố "
        "trên địa bàn phường Phúc Lợi",
        "pdf": "12-dt-ubnd.pdf",
        "text": [
            "Ủy ban nhân dân phường xin ý kiến nhân dân về dự thảo Quy chế "
            "quản lý, sử dụng nhà văn hóa tổ dân phố.",
            "Điều 1. Nhà văn hóa tổ dân phố là nơi sinh hoạt cộng đồng, tổ "
            "chức hội họp, hoạt động văn hóa, văn nghệ, thể dục thể thao của "
            "nhân dân.",
            "Điều 2. Ban quản lý nhà văn hóa do hội nghị tổ dân phố bầu, chịu "
            "trách nhiệm giữ gìn tài sản, công khai thu chi hằng quý.",
            "Điều 3. Không sử dụng nhà văn hóa vào mục đích kinh doanh, tổ "
            "chức cưới hỏi kéo dài quá 22 giờ.",
        ],
    },
    {
        "number": "30/QĐ-UBND",
        "kind": Kind.QUYET_DINH,
        "issuer": Issuer.UBND,
        "field": Field.HANH_CHINH,
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Chủ tịch",
        "issued_on": "15/03/2025",
        "replaced_by": "125/QĐ-UBND",
        "summary": "Về việc thành lập Tổ công tác cập nhật dữ liệu dân cư năm 2025",
        "pdf": "",
        "text": [],
    },
    {
        "number": "05-NQ/ĐU",
        "kind": Kind.NGHI_QUYET,
        "issuer": Issuer.DANG_UY,
        "field": Field.HANH_CHINH,
        "signer": "Lê Minh Tuấn",
        "signer_title": "Bí thư",
        "issued_on": "10/01/2026",
        "summary": "Nghị quyết về lãnh đạo thực hiện nhiệm vụ phát triển kinh tế "
        "- xã hội, bảo đảm quốc phòng - an ninh năm 2026",
        "pdf": "",
        "text": [],
    },
    {
        "number": "3456/QĐ-UBND",
        "kind": Kind.QUYET_DINH,
        "issuer": Issuer.UBND_TP,
        "field": Field.DAT_DAI,
        "signer": "Phạm Quang Long",
        "signer_title": "Phó Chủ tịch",
        "issued_on": "18/09/2026",
        "summary": "Ban hành quy định về hạn mức giao đất ở, hạn mức công nhận "
        "quyền sử dụng đất trên địa bàn Thành phố",
        "pdf": "",
        "text": [],
    },
]


def _day(text):
    return datetime.strptime(text, "%d/%m/%Y").date()


def load_demo_documents(ward=None) -> list[str]:
    """The demo registry, into the default ward unless told; nothing if it
    has documents already. What was made, line by line."""
    ward = ward or default_ward()
    if Document.objects.filter(ward=ward).exists():
        return []
    today = timezone.localdate()
    made = {}
    done = []
    for demo in DEMO_DOCUMENTS:
        issued = _day(demo["issued_on"])
        document = Document(
            ward=ward,
            number=demo["number"],
            kind=demo["kind"],
            issuer=demo["issuer"],
            field=demo["field"],
            signer=demo["signer"],
            signer_title=demo["signer_title"],
            issued_on=issued,
            summary=demo["summary"],
            status=Document.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=(today - issued).days),
        )
        if "effective_in_days" in demo:
            document.effective_on = today + timedelta(days=demo["effective_in_days"])
        if "draft_for_comment" in demo:
            start, end = demo["draft_for_comment"]
            document.is_draft_for_comment = True
            document.comment_starts_on = today + timedelta(days=start)
            document.comment_ends_on = today + timedelta(days=end)
        if "replaced_by" in demo:
            document.legal_state = Document.LegalState.REPLACED
            document.replaced_by = made[demo["replaced_by"]]
        document.full_clean()
        document.save()
        made[document.number] = document
        if demo["pdf"]:
            what = "dự thảo" if document.is_draft_for_comment else "bản ký số"
            with open(DEMO_FOLDER / demo["pdf"], "rb") as pdf:
                DocumentFile.objects.create(
                    document=document,
                    file=File(pdf, name=demo["pdf"]),
                    name=f"{document} ({what}).pdf",
                )
        done.append(f"Văn bản {document}")
    # The decision and the notice it follows, read together.
    made["125/QĐ-UBND"].related_documents.add(made["98/TB-UBND"])
    return done
