"""A realistic registry of documents in bulk, for measuring the documents
pages at any size (`manage.py generate_documents`).

Numbers run in the series a ward's registry holds ("125/QĐ-UBND",
"12-NQ/ĐU", "48/2025/QĐ-UBND" of the city…), one counter a series, so that
every number is unique in the ward, as the model requires (a real ward's
series start again at 1 each January; the model's one number a ward, whatever
the year, would refuse that, so here they run on); the trích yếu is
drawn from templates of each kind, in the words of real registries ("Về việc
…", "Kế hoạch …", "công tác", "trên địa bàn phường"), on a topic of the
document's field; issued over the last years, oldest first, with signers,
dates of effect, a few drafts for comment, withdrawn, expired and replaced
documents, and a few with a PDF's text (the file row and its text; the file
itself is not written, so its download answers "not found" as a file lost
from storage would). One seeded random generator: the same seed gives the
same documents.

Every derived field is what Document.normalise() and refresh_search() would
store (tests/test_generate_documents.py checks it), made with the model's own
helpers; on PostgreSQL the search tsvector is a generated column (migration
0002), filled by the database. Rows are written a thousand at a time
(bulk_create), in one transaction, then ANALYZE: 100,000 in about a minute.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

import bulkload
from files.names import display_name, storage_name
from vietnamese.text import fold_accents, nfc, vietnamese_slugify

from .models import (
    MAX_SEARCH_BYTES,
    WARD_BODIES,
    Document,
    DocumentFile,
    Issuer,
    Kind,
    number_key,
    within_bytes,
)
from .models import Field as Subject

_WORD = re.compile(r"[^\W_]+")

DEFAULT_SEED = 20261205
DEFAULT_YEARS = 5
BATCH_SIZE = 1000
# One document in this many has a PDF whose text search reads.
WITH_FILE = 30
DRAFT, WITHDRAWN = 0.005, 0.005

# --- The registry's series --------------------------------------------------


@dataclass(frozen=True, eq=False)  # Hashed by identity: a dict key, often.
class Series:
    """Documents of one kind from one body, numbered in one sequence. The
    number's form: {n}, and {year} for the series that restart each year
    (the city's and the Government's legal documents)."""

    kind: Kind
    issuer: Issuer
    weight: int
    form: str
    other: str = ""  # issuer_other, for Issuer.KHAC.
    texts: str = ""  # Its trích yếu's templates (SUMMARIES), if not its kind's.
    subject: Subject | None = None  # Its one field, for a specialised body.

    @property
    def yearly(self) -> bool:
        return "{year}" in self.form


SERIES = [
    Series(Kind.QUYET_DINH, Issuer.UBND, 24, "{n}/QĐ-UBND"),
    Series(Kind.THONG_BAO, Issuer.UBND, 14, "{n}/TB-UBND"),
    Series(Kind.KE_HOACH, Issuer.UBND, 12, "{n}/KH-UBND"),
    Series(Kind.BAO_CAO, Issuer.UBND, 10, "{n}/BC-UBND"),
    Series(Kind.CONG_VAN, Issuer.UBND, 10, "{n}/UBND-VP"),
    Series(Kind.TO_TRINH, Issuer.UBND, 2, "{n}/TTr-UBND"),
    Series(Kind.HUONG_DAN, Issuer.UBND, 1, "{n}/HD-UBND"),
    Series(Kind.QUY_CHE, Issuer.UBND, 1, "{n}/QC-UBND"),
    Series(Kind.NGHI_QUYET, Issuer.HDND, 3, "{n}/NQ-HĐND", texts="ward council"),
    Series(Kind.NGHI_QUYET, Issuer.DANG_UY, 3, "{n}-NQ/ĐU"),
    Series(Kind.KE_HOACH, Issuer.DANG_UY, 2, "{n}-KH/ĐU"),
    Series(Kind.CHI_THI, Issuer.DANG_UY, 1, "{n}-CT/ĐU"),
    Series(Kind.CHUONG_TRINH, Issuer.DANG_UY, 1, "{n}-CTr/ĐU"),
    # "QĐi": a Party body's Quy định.
    Series(Kind.QUY_DINH, Issuer.DANG_UY, 1, "{n}-QĐi/ĐU"),
    Series(Kind.THONG_BAO, Issuer.MTTQ, 2, "{n}/TB-MTTQ", texts="front"),
    Series(Kind.KE_HOACH, Issuer.MTTQ, 1, "{n}/KH-MTTQ", texts="front"),
    Series(
        Kind.QUYET_DINH, Issuer.UBND_TP, 3, "{n}/{year}/QĐ-UBND", texts="city decision"
    ),
    Series(Kind.CHI_THI, Issuer.UBND_TP, 1, "{n}/CT-UBND"),
    Series(
        Kind.NGHI_QUYET,
        Issuer.HDND_TP,
        1,
        "{n}/{year}/NQ-HĐND",
        texts="city council",
    ),
    Series(Kind.CHI_THI, Issuer.THANH_UY, 1, "{n}-CT/TU"),
    Series(Kind.KHAC, Issuer.CHINH_PHU, 1, "{n}/{year}/NĐ-CP"),
    Series(
        Kind.HUONG_DAN,
        Issuer.KHAC,
        1,
        "{n}/HD-STP",
        other="Sở Tư pháp thành phố Hà Nội",
        subject=Subject.TU_PHAP,
    ),
    Series(
        Kind.CONG_VAN,
        Issuer.KHAC,
        1,
        "{n}/SYT-NVY",
        other="Sở Y tế thành phố Hà Nội",
        subject=Subject.Y_TE,
    ),
    Series(
        Kind.THONG_BAO,
        Issuer.KHAC,
        1,
        "{n}/TB-CAQ",
        other="Công an quận Long Biên",
        texts="police",
        subject=Subject.AN_NINH,
    ),
]

# Kinds whose documents may be replaced by a newer one of their series, and
# those put out as drafts for comment.
REPLACEABLE = {Kind.QUYET_DINH, Kind.QUY_CHE, Kind.QUY_DINH, Kind.CHI_THI}
FOR_COMMENT = {Kind.QUY_CHE, Kind.QUY_DINH, Kind.KE_HOACH}
TAKING_EFFECT = {Kind.QUYET_DINH, Kind.QUY_CHE, Kind.QUY_DINH, Kind.NGHI_QUYET}
EXPIRING = {Kind.KE_HOACH, Kind.CHI_THI, Kind.CHUONG_TRINH}
# The chance that a replaceable document replaces an older one of its series.
REPLACING = 0.02

# --- Vocabulary ---------------------------------------------------------------

# What a ward's documents are about, field by field (the Field it is filed
# under), and how often each field comes up.
TOPICS = {
    Subject.HANH_CHINH: (
        8,
        [
            "cải cách hành chính",
            "chuyển đổi số",
            "dịch vụ công trực tuyến",
            "cấp căn cước và định danh điện tử",
            "thi đua, khen thưởng",
            "tiếp công dân",
            "cập nhật dữ liệu dân cư",
            "văn thư, lưu trữ",
        ],
    ),
    Subject.DAT_DAI: (
        4,
        [
            "quản lý đất đai",
            "trật tự xây dựng",
            "trật tự đô thị",
            "chỉnh trang hè phố",
            "giải phóng mặt bằng",
        ],
    ),
    Subject.TAI_CHINH: (
        3,
        [
            "thu ngân sách",
            "thanh toán không dùng tiền mặt",
            "quản lý chợ dân sinh",
            "hỗ trợ hộ kinh doanh",
            "quản lý thuế hộ kinh doanh",
        ],
    ),
    Subject.TU_PHAP: (
        2,
        [
            "phổ biến, giáo dục pháp luật",
            "hòa giải ở cơ sở",
            "đăng ký hộ tịch",
            "chứng thực bản sao",
        ],
    ),
    Subject.VAN_HOA: (
        3,
        [
            "xây dựng đời sống văn hóa",
            "xây dựng tổ dân phố văn hóa",
            "thông tin cơ sở",
            "thể dục thể thao quần chúng",
        ],
    ),
    Subject.GIAO_DUC: (
        1,
        ["phổ cập giáo dục", "tuyển sinh đầu cấp", "khuyến học, khuyến tài"],
    ),
    Subject.Y_TE: (
        3,
        [
            "tiêm chủng mở rộng",
            "phòng chống sốt xuất huyết",
            "an toàn thực phẩm",
            "bảo hiểm y tế hộ gia đình",
            "phòng chống dịch bệnh",
        ],
    ),
    Subject.LAO_DONG: (
        2,
        [
            "giảm nghèo bền vững",
            "chăm sóc người có công",
            "trợ giúp xã hội",
            "giải quyết việc làm",
            "bảo vệ, chăm sóc trẻ em",
        ],
    ),
    Subject.MOI_TRUONG: (
        3,
        [
            "vệ sinh môi trường",
            "phân loại rác thải tại nguồn",
            "thu gom rác thải cồng kềnh",
            "phòng chống thiên tai",
            "trồng và chăm sóc cây xanh",
        ],
    ),
    Subject.AN_NINH: (
        3,
        [
            "phòng cháy chữa cháy",
            "an toàn giao thông",
            "phòng chống ma túy",
            "tuyển chọn và gọi công dân nhập ngũ",
            "giữ gìn an ninh trật tự",
            "phòng chống lừa đảo qua mạng",
        ],
    ),
}

# Trích yếu of each kind.
SUMMARIES = {
    Kind.QUYET_DINH: [
        "Về việc thành lập Tổ công tác {topic} trên địa bàn phường {ward_name}",
        "Về việc kiện toàn Ban Chỉ đạo {topic} phường {ward_name}",
        "Về việc phê duyệt Kế hoạch {topic} năm {year}",
        "Về việc khen thưởng tập thể, cá nhân có thành tích trong công tác "
        "{topic} {period}",
        "Về việc xử phạt vi phạm hành chính trong lĩnh vực {topic} đối với "
        "{title} {person}",
        "Về việc giao nhiệm vụ thực hiện công tác {topic} năm {year}",
        "Về việc ban hành Quy chế phối hợp trong công tác {topic}",
        "Về việc cưỡng chế thi hành quyết định xử phạt vi phạm hành chính tại "
        "số {house_no} phố {street}",
    ],
    Kind.THONG_BAO: [
        "Lịch tiếp công dân định kỳ của lãnh đạo Ủy ban nhân dân phường tháng "
        "{month} năm {year}",
        "Kết luận của Chủ tịch Ủy ban nhân dân phường tại cuộc họp về công tác {topic}",
        "Về việc tạm ngừng cấp điện trên tuyến phố {street} ngày {date}",
        "Về việc tổ chức {event} năm {year}",
        "Kết quả kiểm tra công tác {topic} tại các tổ dân phố {period}",
        "Về việc công khai {public_list} năm {year}",
    ],
    Kind.KE_HOACH: [
        "Kế hoạch {topic} trên địa bàn phường năm {year}",
        "Triển khai công tác {topic} {period}",
        "Tổ chức {event} năm {year}",
        "Kiểm tra, rà soát công tác {topic} tại các tổ dân phố",
        "Thực hiện phong trào thi đua về {topic} giai đoạn {year} - {term_end}",
    ],
    Kind.BAO_CAO: [
        "Kết quả thực hiện công tác {topic} {period}",
        "Tình hình kinh tế - xã hội {period}, phương hướng nhiệm vụ thời gian tới",
        "Kết quả kiểm tra, giám sát công tác {topic} trên địa bàn phường",
        "Sơ kết công tác {topic} {period}",
    ],
    Kind.CONG_VAN: [
        "V/v đôn đốc thực hiện công tác {topic}",
        "V/v rà soát, tổng hợp số liệu về {topic} tại các tổ dân phố",
        "V/v phối hợp triển khai công tác {topic} năm {year}",
        "V/v hướng dẫn người dân thực hiện {topic}",
        "V/v góp ý dự thảo văn bản về {topic}",
    ],
    Kind.TO_TRINH: [
        "Về việc đề nghị phê duyệt dự toán kinh phí thực hiện công tác {topic} "
        "năm {year}",
        "Đề nghị khen thưởng tập thể, cá nhân có thành tích trong công tác {topic}",
    ],
    Kind.HUONG_DAN: [
        "Hướng dẫn thực hiện {topic} tại các tổ dân phố",
        "Hướng dẫn tổ chức {event} năm {year}",
        "Hướng dẫn nghiệp vụ {topic} cho cán bộ phường",
    ],
    Kind.QUY_CHE: [
        "Quy chế phối hợp trong công tác {topic} trên địa bàn phường",
        "Quy chế làm việc của Ủy ban nhân dân phường nhiệm kỳ {year} - {term_end}",
        "Quy chế quản lý, sử dụng nhà văn hóa tổ dân phố số {group_no}",
    ],
    Kind.QUY_DINH: [
        "Về trách nhiệm nêu gương của cán bộ, đảng viên trong công tác {topic}",
        "Về chế độ báo cáo công tác {topic} của các chi bộ tổ dân phố",
    ],
    Kind.NGHI_QUYET: [
        "Về lãnh đạo thực hiện nhiệm vụ chính trị năm {year}",
        "Về lãnh đạo thực hiện công tác {topic} giai đoạn {year} - {term_end}",
        "Về tăng cường sự lãnh đạo của Đảng đối với công tác {topic}",
    ],
    Kind.CHI_THI: [
        "Về tăng cường công tác {topic}",
        "Về đẩy mạnh công tác {topic} trong tình hình mới",
    ],
    Kind.CHUONG_TRINH: [
        "Chương trình công tác {period}",
        "Chương trình hành động thực hiện Nghị quyết về {topic}",
    ],
    Kind.KHAC: [
        "Quy định chi tiết một số điều về {topic}",
        "Sửa đổi, bổ sung một số điều của các nghị định về {topic}",
    ],
    "ward council": [
        "Về nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng - an ninh "
        "năm {year}",
        "Về dự toán thu, chi ngân sách phường năm {year}",
        "Về kết quả giám sát công tác {topic} trên địa bàn phường",
        "Về chương trình giám sát của Hội đồng nhân dân phường năm {year}",
    ],
    "front": [
        "Về việc tổ chức {event} năm {year}",
        "Giám sát công tác {topic} trên địa bàn phường năm {year}",
        "Về việc vận động ủng hộ Quỹ “Vì người nghèo” năm {year}",
        "Kết quả giám sát, phản biện xã hội về công tác {topic} {period}",
    ],
    "city decision": [
        "Ban hành Quy định về {topic} trên địa bàn Thành phố",
        "Về việc phê duyệt Đề án {topic} trên địa bàn Thành phố giai đoạn "
        "{year} - {term_end}",
        "Về việc bãi bỏ một số văn bản quy phạm pháp luật về {topic}",
    ],
    "city council": [
        "Quy định mức thu, miễn, giảm một số khoản phí, lệ phí về {topic}",
        "Quy định chính sách hỗ trợ {topic} trên địa bàn Thành phố",
        "Về kế hoạch đầu tư công trung hạn giai đoạn {year} - {term_end}",
    ],
    "police": [
        "Về việc tăng cường công tác {topic} dịp cuối năm {year}",
        "Về việc tổ chức tuyên truyền {topic} tại các tổ dân phố",
        "Cảnh báo phương thức, thủ đoạn mới trong lĩnh vực {topic}",
    ],
}

WORDS = {
    "surname": "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Ngô Dương Đoàn Lý Phan "
    "Trịnh Đinh Lương Tạ".split(),
    "middle": "Văn Thị Ngọc Minh Thanh Hữu Đức Thu Anh Quang Hồng Xuân Mạnh Thúy "
    "Kim Tuấn".split(),
    "given": "Dũng Thư Hùng Lan Hà Nam Hương Tuấn Hạnh Long Phương Thắng Hoa Sơn "
    "Yến Cường Trang Bình Hiền Quân Loan Việt Huyền Tâm".split(),
    "title": ["ông", "bà"],
    "street": "Nguyễn Văn Linh|Ngọc Thụy|Hồng Tiến|Long Biên|Phúc Lợi|Vũ Xuân "
    "Thiều|Hội Xá|Mai Phúc|Gia Quất|Tư Đình".split("|"),
    "period": [
        "6 tháng đầu năm {year}",
        "quý {quarter} năm {year}",
        "năm {year}",
        "tháng {month}/{year}",
        "9 tháng đầu năm {year}",
    ],
    "event": [
        "Ngày hội Đại đoàn kết toàn dân tộc",
        "Tết Trung thu cho thiếu nhi",
        "giải chạy “Vì sức khỏe cộng đồng”",
        "hội thi văn nghệ quần chúng",
        "lễ mít tinh kỷ niệm Ngày Quốc khánh 2/9",
        "ngày hội hiến máu tình nguyện",
        "chương trình “Ngày Chủ nhật xanh”",
        "lễ giao nhận quân",
    ],
    "public_list": [
        "danh sách hộ nghèo, hộ cận nghèo",
        "kết quả giải quyết thủ tục hành chính",
        "dự toán ngân sách phường",
        "danh sách công dân đủ điều kiện nhập ngũ",
        "quyết toán các khoản đóng góp của nhân dân",
    ],
}

# Who signs for each body (an Issuer, or the name of an "other" one):
# (title, how many people hold it at a time).
SIGNERS = {
    Issuer.UBND: [("Chủ tịch", 1), ("Phó Chủ tịch", 2)],
    Issuer.DANG_UY: [("Bí thư", 1), ("Phó Bí thư", 1)],
    Issuer.HDND: [("Chủ tịch", 1)],
    Issuer.MTTQ: [("Chủ tịch", 1)],
    Issuer.UBND_TP: [("Chủ tịch", 1), ("Phó Chủ tịch", 3)],
    Issuer.HDND_TP: [("Chủ tịch", 1)],
    Issuer.THANH_UY: [("Bí thư", 1), ("Phó Bí thư Thường trực", 1)],
    Issuer.CHINH_PHU: [("Thủ tướng", 1), ("Phó Thủ tướng", 2)],
    "Sở Tư pháp thành phố Hà Nội": [("Giám đốc", 1), ("Phó Giám đốc", 2)],
    "Sở Y tế thành phố Hà Nội": [("Giám đốc", 1), ("Phó Giám đốc", 2)],
    "Công an quận Long Biên": [("Trưởng Công an quận", 1), ("Phó Trưởng", 2)],
}
# Signers change with the term: a new one every this many days.
TERM_DAYS = 365 * 2 + 180

# The text of a document's PDF, around its trích yếu: what pypdf reads back
# from a signed document (documents/pdftext.py).
FILE_HEAD = (
    "{body_upper} CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh "
    "phúc Số: {number} {place}, ngày {day} tháng {month} năm {year} "
    "{kind_upper} {summary}"
)
FILE_PARAGRAPHS = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
    "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ "
    "chức chính quyền địa phương;",
    "Căn cứ các văn bản của cấp trên về công tác {topic};",
    "Xét đề nghị của công chức Văn phòng - Thống kê và các bộ phận chuyên môn,",
    "Điều 1. Giao các bộ phận chuyên môn, Công an phường và tổ trưởng các tổ "
    "dân phố tổ chức thực hiện công tác {topic} trên địa bàn phường, bảo đảm "
    "đúng quy định, hoàn thành trước ngày {deadline}.",
    "Điều 2. Các tổ dân phố tuyên truyền, vận động nhân dân cùng thực hiện; "
    "định kỳ hằng tháng báo cáo kết quả về Ủy ban nhân dân phường qua công "
    "chức phụ trách.",
    "Điều 3. Văn phòng Ủy ban nhân dân phường, các bộ phận chuyên môn, tổ "
    "trưởng {group_count} tổ dân phố và các cá nhân có liên quan chịu trách "
    "nhiệm thi hành văn bản này./.",
    "Nơi nhận: Như Điều 3; Thường trực Đảng ủy phường; Thường trực HĐND "
    "phường; Lưu: VT.",
]


# --- Writing -------------------------------------------------------------------


class _Slots(dict):
    """What a template's {slots} say: fixed for a document (its ward, year,
    topic), drawn anew for each other slot."""

    def __init__(self, rng, ward_name, issued: date, topic: str):
        self.rng = rng
        super().__init__(
            ward_name=ward_name,
            topic=topic,
            year=issued.year,
            term_end=issued.year + 5,
            month=issued.month,
            quarter=(issued.month - 1) // 3 + 1,
            date=f"{issued.day}/{issued.month}/{issued.year}",
        )

    def __missing__(self, key):
        rng = self.rng
        if key == "person":
            return person(rng)
        if key == "house_no":
            return rng.randint(1, 250)
        if key == "group_no":
            return rng.randint(1, 36)
        if key == "group_count":
            return rng.randint(18, 40)
        if key == "deadline":
            return f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{self['year']}"
        return self.fill(rng.choice(WORDS[key]))

    def fill(self, template: str) -> str:
        return template.format_map(self)


def person(rng) -> str:
    return " ".join(rng.choice(WORDS[part]) for part in ("surname", "middle", "given"))


def issue_days(rng, count: int, today: date, years: int):
    """`count` days of issue over the last `years` up to today, oldest
    first, evenly spread (one in each equal slice of the span), on working
    days."""
    span = 365 * years
    start = today - timedelta(days=span - 1)
    for n in range(count):
        day = start + timedelta(days=int(span * (n + rng.random()) / count))
        while day.weekday() == 6 and day > start:  # Not on a Sunday.
            day -= timedelta(days=1)
        yield day


def published_time(rng, issued: date, now: datetime) -> datetime:
    """Put on the portal a day or three after it was signed, in office
    hours, in the past."""
    day = issued + timedelta(days=rng.choice((0, 1, 1, 2, 3)))
    minutes = rng.randint(7 * 60 + 30, 17 * 60)
    at = datetime.combine(
        day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone()
    )
    return min(at, now - timedelta(minutes=rng.randint(1, 60)))


def view_count(rng) -> int:
    """Most documents are opened a few dozen times, a few thousands."""
    return min(2_000_000, int(rng.lognormvariate(3.0, 1.2)))


@dataclass
class Report:
    documents: int = 0
    published: int = 0
    files: int = 0
    replaced: int = 0
    first: date | None = None
    last: date | None = None


@dataclass
class Made:
    """A batch: the documents, their files' (position, file), and the
    replacements (older's position, newer's position): positions in the
    run, counted from 0, since the rows' ids are known only once written."""

    documents: list[Document] = field(default_factory=list)
    files: list[tuple[int, DocumentFile]] = field(default_factory=list)
    replaced: list[tuple[int, int]] = field(default_factory=list)


class Registry:
    """Numbers and slugs not yet taken in the ward, decided in memory: the
    ward's taken ones are read once, not one query per document."""

    def __init__(self, ward):
        rows = Document.objects.filter(ward=ward).values_list("number_key", "slug")
        self.keys = {key for key, _ in rows}
        self.slugs = {slug for _, slug in rows}
        self.next: dict[tuple[Series, int], int] = {}
        self.key_forms: dict[tuple[Series, int], str] = {}

    def number(self, series: Series, year: int) -> str:
        """The series' next number whose key the ward has not: each series
        counts on from 1 (the yearly ones from 1 each year)."""
        place = (series, year if series.yearly else 0)
        n = self.next.get(place, 1)
        if place not in self.key_forms:
            # The key with a word for the number (digits between "/" and
            # "-" are a word of their own): number_key() once a series.
            self.key_forms[place] = number_key(series.form.format(n="n0n", year=year))
        while (key := self.key_forms[place].replace("n0n", str(n))) in self.keys:
            n += 1
        self.keys.add(key)
        self.next[place] = n + 1
        return series.form.format(n=n, year=year)

    def slug(self, kind_label: str, number: str) -> str:
        """As Document._unique_slug(), with the taken slugs in memory."""
        base = vietnamese_slugify(f"{kind_label} {number}")
        base = base[:190].strip("-") or "van-ban"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug


def generate(
    ward,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    years: int = DEFAULT_YEARS,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> Report:
    """Write `count` documents for the ward, issued over the last `years`
    (nearly all published), in one transaction; then ANALYZE their tables,
    so that the planner knows them at once (autovacuum would, later)."""
    report = Report()
    ids: list[int] = []  # The written documents' ids, by position.
    with transaction.atomic(), bulkload.search_index_filled_at_end(Document):
        for made in batches(ward, count, seed, years, batch_size, now):
            _store(made, ids, report)
    bulkload.analyze(Document, DocumentFile)
    return report


def batches(ward, count, seed, years, batch_size=BATCH_SIZE, now=None):
    """The documents, batch_size at a time (Made), all drawn from one
    random generator in one order: the same seed, the same
    documents."""
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localdate(now)
    ward_name = ward.name.removeprefix("Phường ").removeprefix("phường ")
    registry = Registry(ward)
    series_deck = [s for s in SERIES for _ in range(s.weight)]
    subjects = list(TOPICS)
    subject_weights = [TOPICS[s][0] for s in subjects]
    # Who signs what: one person a post and term, drawn once.
    start = today - timedelta(days=365 * years)
    signers = {
        (body, title, term): [person(rng) for _ in range(held)]
        for body, posts in SIGNERS.items()
        for title, held in posts
        for term in range(365 * years // TERM_DAYS + 1)
    }
    # Published documents that a newer one of their series may replace:
    # their positions.
    replaceable: dict[Series, list[int]] = {}
    made = Made()
    for position, issued in enumerate(issue_days(rng, count, today, years)):
        series = rng.choice(series_deck)
        subject = series.subject or rng.choices(subjects, subject_weights)[0]
        slots = _Slots(rng, ward_name, issued, rng.choice(TOPICS[subject][1]))
        summary = slots.fill(rng.choice(SUMMARIES[series.texts or series.kind]))
        body = series.other or series.issuer
        title, _held = rng.choice(SIGNERS[body])
        term = (issued - start).days // TERM_DAYS
        document = Document(
            ward_id=ward.pk,
            number=" ".join(nfc(registry.number(series, issued.year)).split()),
            kind=series.kind,
            issuer=series.issuer,
            issuer_other=series.other,
            field=subject,
            signer=rng.choice(signers[(body, title, term)]),
            signer_title=title,
            issued_on=issued,
            summary=nfc(summary[:1].upper() + summary[1:]).strip(),
            status=Document.Status.PUBLISHED,
            published_at=published_time(rng, issued, now),
            view_count=view_count(rng),
        )
        document.number_key = number_key(document.number)
        document.slug = registry.slug(series.kind.label, document.number)
        document.download_count = int(document.view_count * rng.uniform(0, 0.3))
        age = (today - issued).days
        draw = rng.random()
        if age < 30 and draw < DRAFT * 2:
            document.status = Document.Status.DRAFT
        elif draw > 1 - WITHDRAWN:
            document.status = Document.Status.WITHDRAWN
        published = document.status == Document.Status.PUBLISHED
        if series.kind in TAKING_EFFECT and rng.random() < 0.3:
            document.effective_on = issued + timedelta(days=rng.randint(10, 45))
        if series.kind in FOR_COMMENT and age < 60 and rng.random() < 0.2:
            document.is_draft_for_comment = True
            document.comment_starts_on = issued
            document.comment_ends_on = issued + timedelta(days=30)
        elif series.kind in EXPIRING and age > 365 and rng.random() < 0.05:
            document.legal_state = Document.LegalState.EXPIRED
        older = replaceable.get(series)
        if published and older and rng.random() < REPLACING:
            made.replaced.append((older.pop(rng.randrange(len(older))), position))
        elif published and series.kind in REPLACEABLE:
            if not document.is_draft_for_comment:
                replaceable.setdefault(series, []).append(position)
        file_texts = []
        if rng.randrange(WITH_FILE) == 0:
            document_file = _file(rng, document, slots, ward)
            made.files.append((position, document_file))
            file_texts.append(document_file.text)
        document.search_folded = _folded_words(
            document.number,
            series.kind.label,
            document.summary,
            document.signer,
            *file_texts,
        )
        document.search_folded = within_bytes(document.search_folded, MAX_SEARCH_BYTES)
        made.documents.append(document)
        if len(made.documents) == batch_size or position == count - 1:
            yield made
            made = Made()


# fold_accents() goes letter by letter: word by word, remembered, the same
# words (tests/test_generate_documents.py compares with folded_words()) in a
# fraction of the time.
_fold_word = lru_cache(maxsize=100_000)(fold_accents)


def _folded_words(*texts: str) -> str:
    """folded_words() of the model, for text without control characters."""
    words = nfc(" ".join(texts)).split()
    return " ".join(_WORD.findall(" ".join(map(_fold_word, words))))


def _file(rng, document, slots, ward) -> DocumentFile:
    """The signed PDF's row: its name as a staff upload gets it, its text
    as pypdf reads it (documents/pdftext.py); the file itself is not
    written."""
    kind = Kind(document.kind).label
    head = FILE_HEAD.format(
        body_upper=document.issuer_name.upper(),
        number=document.number,
        place=slots["ward_name"] if document.issuer in WARD_BODIES else "Hà Nội",
        day=document.issued_on.day,
        month=document.issued_on.month,
        year=document.issued_on.year,
        kind_upper=kind.upper(),
        summary=document.summary,
    )
    text = " ".join([head, *(slots.fill(p) for p in FILE_PARAGRAPHS)])
    upload = f"{kind} {document.number}.pdf"
    return DocumentFile(
        name=display_name(nfc(upload).strip()),
        file=(
            f"attachments/documents/{ward.slug}/{document.issued_on:%Y/%m}/"
            f"{storage_name(upload)}"
        ),
        size=rng.randint(60_000, 900_000),
        text=within_bytes(" ".join(nfc(text).split()), MAX_SEARCH_BYTES),
    )


def _store(made: Made, ids: list[int], report: Report):
    written = Document.objects.bulk_create(made.documents)
    first = len(ids)
    ids.extend(document.pk for document in written)
    for position, document_file in made.files:
        document_file.document = written[position - first]
    DocumentFile.objects.bulk_create(f for _, f in made.files)
    # The older documents are of this batch or earlier ones: written.
    Document.objects.bulk_update(
        [
            Document(
                pk=ids[older],
                legal_state=Document.LegalState.REPLACED,
                replaced_by_id=ids[newer],
            )
            for older, newer in made.replaced
        ],
        ["legal_state", "replaced_by"],
    )
    report.documents += len(written)
    report.published += sum(d.status == Document.Status.PUBLISHED for d in written)
    report.files += len(made.files)
    report.replaced += len(made.replaced)
    report.first = report.first or written[0].issued_on
    report.last = written[-1].issued_on
