"""Demo procedures for a fresh developer database: ten of the procedures a
ward's one-stop desk handles most, shared by every ward as a city keeps them,
with the default ward's own submission place and contact, one procedure of
its own, and a form to download for the birth registration.

The content follows what ward portals publish (papers, steps, time, fees);
where a figure depends on the province (fees) it says so rather than invent
one. The codes are those the national portal lists them under; check them
there before relying on them.
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.utils.html import escape

from wards.hosts import default_ward

from .models import Procedure, ProcedureForm, WardProcedureDetails

PUBLISHED = Procedure.Status.PUBLISHED

HO_TICH_LAW = (
    "<ul><li>Luật Hộ tịch năm 2014;</li>"
    "<li>Nghị định của Chính phủ quy định chi tiết một số điều và biện pháp "
    "thi hành Luật Hộ tịch, và các văn bản sửa đổi, bổ sung;</li>"
    "<li>Thông tư của Bộ Tư pháp hướng dẫn thi hành Luật Hộ tịch;</li>"
    "<li>Nghị quyết của Hội đồng nhân dân thành phố quy định mức thu lệ phí "
    "hộ tịch trên địa bàn.</li></ul>"
)
CHUNG_THUC_LAW = (
    "<ul><li>Nghị định của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản "
    "sao từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch;</li>"
    "<li>Thông tư của Bộ Tư pháp hướng dẫn thi hành;</li>"
    "<li>Thông tư của Bộ Tài chính quy định mức thu, chế độ thu, nộp phí "
    "chứng thực.</li></ul>"
)
ONE_STOP = (
    "<ol><li>Người yêu cầu nộp hồ sơ tại {desk}, hoặc nộp trực tuyến trên "
    "Cổng Dịch vụ công.</li>"
    "<li>Công chức tiếp nhận kiểm tra hồ sơ: hồ sơ đầy đủ thì viết giấy tiếp "
    "nhận, hẹn ngày trả kết quả; chưa đầy đủ thì hướng dẫn bổ sung một lần.</li>"
    "<li>{work}</li>"
    "<li>Người yêu cầu nhận kết quả tại {desk}, hoặc qua dịch vụ bưu chính "
    "nếu có đăng ký.</li></ol>"
)
# Where a shared procedure's papers go: residence is Công an phường's.
ONE_STOP_DESK = "Bộ phận Tiếp nhận và trả kết quả của Ủy ban nhân dân phường"
POLICE = "Công an phường (bộ phận đăng ký cư trú)"
ID_PAPER = (
    "Giấy tờ tùy thân của người đi làm thủ tục: thẻ căn cước, căn cước công "
    "dân hoặc hộ chiếu còn giá trị sử dụng (xuất trình)."
)


def papers(*items):
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


# name, code, field, in person / online / by post, applicants, steps' work,
# papers, time limit, fees, result, legal basis
PROCEDURES = [
    (
        "Đăng ký khai sinh",
        "1.001193",
        "Hộ tịch",
        (True, True, True),
        "Cha, mẹ, ông, bà hoặc người thân thích khác của trẻ; cá nhân, tổ "
        "chức đang nuôi dưỡng trẻ.",
        "Công chức tư pháp – hộ tịch kiểm tra, ghi vào Sổ đăng ký khai sinh; "
        "Chủ tịch Ủy ban nhân dân phường ký Giấy khai sinh và cấp cho người "
        "yêu cầu một bản chính.",
        papers(
            "Tờ khai đăng ký khai sinh theo mẫu (01 bản).",
            "Giấy chứng sinh do cơ sở y tế cấp; không có giấy chứng sinh thì "
            "văn bản của người làm chứng xác nhận việc sinh, hoặc giấy cam đoan "
            "về việc sinh.",
            "Trẻ bị bỏ rơi: biên bản xác nhận việc trẻ bị bỏ rơi; trẻ sinh ra "
            "do mang thai hộ: văn bản chứng minh việc mang thai hộ.",
            ID_PAPER,
            "Giấy tờ chứng minh nơi cư trú, nếu thông tin cư trú chưa có trong "
            "Cơ sở dữ liệu quốc gia về dân cư.",
        ),
        "Ngay trong ngày tiếp nhận hồ sơ; hồ sơ nhận sau 15 giờ mà chưa giải "
        "quyết được thì trả kết quả trong ngày làm việc tiếp theo.",
        "<p>Miễn lệ phí khi đăng ký khai sinh đúng hạn (trong 60 ngày kể từ ngày "
        "sinh). Đăng ký quá hạn: lệ phí theo nghị quyết của Hội đồng nhân dân "
        "thành phố, niêm yết tại Bộ phận Tiếp nhận và trả kết quả.</p>",
        "Giấy khai sinh (bản chính); bản sao Giấy khai sinh nếu người yêu cầu đề nghị.",
        HO_TICH_LAW,
    ),
    (
        "Đăng ký kết hôn",
        "1.000894",
        "Hộ tịch",
        (True, True, False),
        "Nam, nữ là công dân Việt Nam, có đủ điều kiện kết hôn theo Luật Hôn "
        "nhân và gia đình, một trong hai bên cư trú tại phường.",
        "Công chức tư pháp – hộ tịch kiểm tra điều kiện kết hôn; đủ điều kiện "
        "thì hai bên nam, nữ cùng có mặt, ký vào Sổ đăng ký kết hôn và Giấy "
        "chứng nhận kết hôn; Chủ tịch Ủy ban nhân dân phường trao Giấy chứng "
        "nhận kết hôn cho hai bên.",
        papers(
            "Tờ khai đăng ký kết hôn theo mẫu (hai bên có thể khai chung một tờ).",
            "Giấy xác nhận tình trạng hôn nhân của bên nam hoặc bên nữ, nếu "
            "người đó đăng ký thường trú ở phường, xã khác.",
            ID_PAPER,
        ),
        "Ngay trong ngày tiếp nhận hồ sơ; cần xác minh điều kiện kết hôn thì "
        "không quá 05 ngày làm việc.",
        "<p>Miễn lệ phí đăng ký kết hôn giữa công dân Việt Nam cư trú ở trong "
        "nước.</p>",
        "Giấy chứng nhận kết hôn (mỗi bên một bản chính).",
        HO_TICH_LAW,
    ),
    (
        "Đăng ký khai tử",
        "1.000656",
        "Hộ tịch",
        (True, True, True),
        "Vợ, chồng, con, cha, mẹ hoặc người thân thích khác của người chết; "
        "đại diện cơ quan, tổ chức, cá nhân liên quan.",
        "Công chức tư pháp – hộ tịch ghi vào Sổ đăng ký khai tử; Chủ tịch Ủy ban "
        "nhân dân phường ký Trích lục khai tử và cấp cho người yêu cầu.",
        papers(
            "Tờ khai đăng ký khai tử theo mẫu.",
            "Giấy báo tử hoặc giấy tờ thay giấy báo tử do cơ quan có thẩm quyền cấp.",
            ID_PAPER,
        ),
        "Ngay trong ngày tiếp nhận hồ sơ; cần xác minh thì không quá 03 ngày làm việc.",
        "<p>Miễn lệ phí khi đăng ký khai tử đúng hạn (trong 15 ngày kể từ ngày "
        "chết).</p>",
        "Trích lục khai tử (bản chính).",
        HO_TICH_LAW,
    ),
    (
        "Cấp bản sao trích lục hộ tịch",
        "2.000635",
        "Hộ tịch",
        (True, True, True),
        "Cá nhân đã được đăng ký hộ tịch tại phường, hoặc người được ủy quyền.",
        "Công chức tư pháp – hộ tịch tra cứu Sổ hộ tịch hoặc Cơ sở dữ liệu hộ "
        "tịch điện tử, cấp bản sao trích lục hộ tịch (khai sinh, kết hôn, khai "
        "tử…) theo yêu cầu.",
        papers(
            "Tờ khai cấp bản sao trích lục hộ tịch theo mẫu.",
            "Văn bản ủy quyền, nếu người khác đi làm thay.",
            ID_PAPER,
        ),
        "Ngay trong ngày tiếp nhận hồ sơ; hồ sơ nhận sau 15 giờ thì trả kết "
        "quả trong ngày làm việc tiếp theo.",
        "<p>Phí cấp bản sao trích lục theo mức Bộ Tài chính quy định cho mỗi "
        "bản, niêm yết tại Bộ phận Tiếp nhận và trả kết quả.</p>",
        "Bản sao trích lục hộ tịch.",
        HO_TICH_LAW,
    ),
    (
        "Xác nhận tình trạng hôn nhân",
        "1.004873",
        "Hộ tịch",
        (True, True, False),
        "Công dân Việt Nam thường trú tại phường cần giấy xác nhận để kết hôn "
        "hoặc sử dụng vào mục đích khác.",
        "Công chức tư pháp – hộ tịch kiểm tra, xác minh tình trạng hôn nhân; "
        "Chủ tịch Ủy ban nhân dân phường ký Giấy xác nhận tình trạng hôn nhân.",
        papers(
            "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu, ghi rõ mục "
            "đích sử dụng.",
            "Người đã có vợ, chồng nhưng đã ly hôn hoặc người kia đã chết: bản "
            "án, quyết định ly hôn đã có hiệu lực hoặc trích lục khai tử.",
            ID_PAPER,
        ),
        "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; cần xác minh thì "
        "có thể kéo dài theo quy định.",
        "<p>Lệ phí theo nghị quyết của Hội đồng nhân dân thành phố, niêm yết "
        "tại Bộ phận Tiếp nhận và trả kết quả.</p>",
        "Giấy xác nhận tình trạng hôn nhân, có giá trị 06 tháng kể từ ngày cấp.",
        HO_TICH_LAW,
    ),
    (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "",
        "Chứng thực",
        (True, False, False),
        "Cá nhân, tổ chức có yêu cầu chứng thực bản sao.",
        "Người tiếp nhận đối chiếu bản sao với bản chính; bản sao đúng với bản "
        "chính thì người có thẩm quyền ký chứng thực và đóng dấu.",
        papers(
            "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao.",
            "Bản sao cần chứng thực (người yêu cầu tự mang bản sao, hoặc đề "
            "nghị chụp tại Bộ phận Tiếp nhận và trả kết quả).",
        ),
        "Trong ngày tiếp nhận; yêu cầu tiếp nhận sau 15 giờ thì trả trong ngày "
        "làm việc tiếp theo. Nhiều bản, nhiều loại giấy tờ thì có thể hẹn lại "
        "theo thỏa thuận.",
        "<p>Phí chứng thực bản sao tính theo số trang, theo mức Bộ Tài chính "
        "quy định, niêm yết tại nơi tiếp nhận.</p>",
        "Bản sao được chứng thực từ bản chính.",
        CHUNG_THUC_LAW,
    ),
    (
        "Chứng thực chữ ký trong giấy tờ, văn bản",
        "",
        "Chứng thực",
        (True, False, False),
        "Cá nhân có yêu cầu chứng thực chữ ký của mình.",
        "Người yêu cầu ký trước mặt người thực hiện chứng thực; người có thẩm "
        "quyền ghi lời chứng, ký và đóng dấu.",
        papers(
            "Giấy tờ, văn bản sẽ ký (người yêu cầu ký trước mặt người chứng thực).",
            ID_PAPER,
        ),
        "Trong ngày tiếp nhận; yêu cầu tiếp nhận sau 15 giờ thì trả trong ngày "
        "làm việc tiếp theo.",
        "<p>Phí chứng thực chữ ký tính theo mỗi trường hợp, theo mức Bộ Tài "
        "chính quy định, niêm yết tại nơi tiếp nhận.</p>",
        "Giấy tờ, văn bản được chứng thực chữ ký.",
        CHUNG_THUC_LAW,
    ),
    (
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "",
        "Chứng thực",
        (True, False, False),
        "Các bên tham gia hợp đồng, giao dịch.",
        "Người thực hiện chứng thực kiểm tra giấy tờ, năng lực hành vi dân sự "
        "và sự tự nguyện của các bên; các bên ký trước mặt người chứng thực; "
        "người có thẩm quyền ghi lời chứng, ký và đóng dấu.",
        papers(
            "Dự thảo hợp đồng, giao dịch.",
            "Giấy tờ tùy thân của các bên (xuất trình).",
            "Bản sao giấy chứng nhận quyền sở hữu tài sản, hoặc giấy tờ thay "
            "thế theo quy định.",
        ),
        "Không quá 02 ngày làm việc kể từ ngày nhận đủ hồ sơ.",
        "<p>Phí chứng thực hợp đồng, giao dịch theo mức Bộ Tài chính quy định; "
        "phí sửa đổi, bổ sung hợp đồng tính riêng.</p>",
        "Hợp đồng, giao dịch được chứng thực.",
        CHUNG_THUC_LAW,
    ),
    (
        "Đăng ký thường trú",
        "1.004194",
        "Cư trú",
        (True, True, False),
        "Công dân Việt Nam có chỗ ở hợp pháp trên địa bàn phường.",
        "Công an phường kiểm tra hồ sơ, cập nhật thông tin thường trú vào Cơ sở "
        "dữ liệu về cư trú và thông báo cho người đăng ký; từ chối thì trả lời "
        "bằng văn bản, nêu rõ lý do.",
        papers(
            "Tờ khai thay đổi thông tin cư trú (mẫu CT01); người chưa thành niên "
            "thì có ý kiến đồng ý của cha, mẹ hoặc người giám hộ.",
            "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp.",
            "Trường hợp nhập hộ khẩu vào chỗ ở của người khác: ý kiến đồng ý "
            "của chủ hộ, chủ sở hữu chỗ ở.",
        ),
        "07 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "<p>Lệ phí đăng ký cư trú theo quy định của Bộ Tài chính; nộp trực "
        "tuyến được giảm theo chính sách từng thời kỳ.</p>",
        "Thông tin thường trú được cập nhật trong Cơ sở dữ liệu về cư trú.",
        "<ul><li>Luật Cư trú năm 2020;</li><li>Nghị định của Chính phủ quy định "
        "chi tiết một số điều của Luật Cư trú;</li><li>Thông tư của Bộ Công an "
        "quy định chi tiết thi hành.</li></ul>",
    ),
    (
        "Đăng ký tạm trú",
        "",
        "Cư trú",
        (True, True, False),
        "Công dân đến sinh sống tại chỗ ở hợp pháp ngoài nơi thường trú từ 30 "
        "ngày trở lên.",
        "Công an phường kiểm tra hồ sơ, cập nhật thông tin tạm trú vào Cơ sở dữ "
        "liệu về cư trú và thông báo cho người đăng ký.",
        papers(
            "Tờ khai thay đổi thông tin cư trú (mẫu CT01).",
            "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà, "
            "văn bản cho ở nhờ…).",
        ),
        "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "<p>Lệ phí đăng ký cư trú theo quy định của Bộ Tài chính.</p>",
        "Thông tin tạm trú được cập nhật trong Cơ sở dữ liệu về cư trú.",
        "<ul><li>Luật Cư trú năm 2020;</li><li>Nghị định và Thông tư hướng dẫn "
        "thi hành Luật Cư trú.</li></ul>",
    ),
]

# The default ward's own desk (a ward's override of the shared procedures).
DESK = (
    "Bộ phận Tiếp nhận và trả kết quả, tầng 1 trụ sở Ủy ban nhân dân phường.\n"
    "Giờ tiếp nhận: sáng 8:00–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu; "
    "sáng thứ Bảy 8:00–11:30."
)
HO_TICH_CONTACT = "Công chức Tư pháp – Hộ tịch phường, điện thoại 024 3875 0001."
POLICE_DESK = (
    "Công an phường, bộ phận đăng ký cư trú (trụ sở Công an phường), giờ hành chính "
    "các ngày làm việc."
)


def docx_bytes(title: str, lines: list[str]) -> bytes:
    """A small Word document (DOCX) with a title and lines to fill in."""
    paragraphs = "".join(
        f"<w:p><w:r>{'<w:rPr><w:b/></w:rPr>' if n == 0 else ''}"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for n, text in enumerate([title, *lines])
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
        f'2006/main"><w:body>{paragraphs}</w:body></w:document>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>'
    )
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", relationships)
        package.writestr("word/document.xml", document)
    return buffer.getvalue()


BIRTH_FORM = docx_bytes(
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    [
        "Kính gửi: Ủy ban nhân dân phường ……………………",
        "Họ, chữ đệm, tên người yêu cầu: ……………………",
        "Giấy tờ tùy thân: ……………………",
        "Quan hệ với người được khai sinh: ……………………",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
        "Họ, chữ đệm, tên: ……………………  Ngày, tháng, năm sinh: ……………………",
        "Giới tính: ……  Dân tộc: ……  Quốc tịch: ……",
        "Nơi sinh: ……………………",
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật.",
        "Làm tại: ……, ngày …… tháng …… năm ……  Người yêu cầu (ký, ghi rõ họ tên)",
    ],
)


def load_demo_procedures() -> list[str]:
    """The demo procedures, once: nothing if there are procedures already.
    Returns what was loaded, a line each."""
    if Procedure.objects.exists():
        return []
    ward = default_ward()
    done = []
    for (
        name,
        code,
        field,
        (in_person, online, by_post),
        applicants,
        work,
        documents,
        time_limit,
        fees,
        result,
        legal_basis,
    ) in PROCEDURES:
        police = field == "Cư trú"
        desk = POLICE if police else ONE_STOP_DESK
        procedure = Procedure.objects.create(
            name=name,
            code=code,
            field=field,
            in_person=in_person,
            online=online,
            by_post=by_post,
            applicants=applicants,
            steps=ONE_STOP.format(desk=desk, work=escape(work)),
            documents=documents,
            time_limit=time_limit,
            fees=fees,
            result=result,
            submission_place=f"{desk} nơi người yêu cầu cư trú.",
            legal_basis=legal_basis,
            status=PUBLISHED,
        )
        done.append(f"Thủ tục dùng chung: {name}")
        WardProcedureDetails.objects.create(
            procedure=procedure,
            ward=ward,
            submission_place=POLICE_DESK
            if police
            else f"{DESK}\n{ward.address}".strip(),
            contact="" if police else HO_TICH_CONTACT,
        )
        if code == "1.001193":
            ProcedureForm.objects.create(
                procedure=procedure,
                name="Tờ khai đăng ký khai sinh",
                file=ContentFile(BIRTH_FORM, "to-khai-dang-ky-khai-sinh.docx"),
            )
    own = Procedure.objects.create(
        ward=ward,
        name="Xác nhận đơn đề nghị hỗ trợ hộ nghèo sửa chữa nhà ở",
        field="Bảo trợ xã hội",
        applicants="Hộ nghèo, hộ cận nghèo có tên trong danh sách của phường.",
        steps=(
            "<ol><li>Hộ gia đình nộp đơn tại Bộ phận Tiếp nhận và trả kết quả.</li>"
            "<li>Công chức Văn hóa – Xã hội phối hợp tổ dân phố kiểm tra thực "
            "tế nhà ở.</li><li>Chủ tịch Ủy ban nhân dân phường xác nhận đơn và "
            "trả kết quả.</li></ol>"
        ),
        documents=papers(
            "Đơn đề nghị hỗ trợ sửa chữa nhà ở (theo mẫu của phường).",
            "Giấy tờ về quyền sử dụng đất hoặc xác nhận của tổ dân phố về "
            "việc nhà ở ổn định, không tranh chấp.",
            ID_PAPER,
        ),
        time_limit="05 ngày làm việc kể từ ngày nhận đủ hồ sơ.",
        fees="<p>Không thu phí, lệ phí.</p>",
        result="Đơn đề nghị có xác nhận của Ủy ban nhân dân phường.",
        submission_place=DESK,
        contact="Công chức Văn hóa – Xã hội phường.",
        legal_basis=(
            "<p>Kế hoạch của Ủy ban nhân dân phường về hỗ trợ hộ nghèo, hộ cận "
            "nghèo cải thiện nhà ở.</p>"
        ),
        status=PUBLISHED,
    )
    done.append(f"Thủ tục của {ward.name}: {own.name}")
    return done
