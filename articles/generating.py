"""Realistic ward news in bulk, for measuring the site at any size
(`manage.py generate_articles`).

Titles, leads and bodies are built from templates in the words of real ward
portals ("phường", "công tác", "tổ dân phố", "Đảng ủy", "tiêm chủng"…), with
one seeded random generator: the same seed gives the same articles. Every
derived field is what Article.normalise() would store, made with its own
helpers (vietnamese/text.py); rows are written a thousand at a time (bulk_create), in
one transaction, 100,000 in a minute or two on PostgreSQL.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain
from queue import Queue
from threading import Thread

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

import bulkload
from vietnamese.text import fold_accents, nfc, search_words
from wards.models import Ward

from .models import (
    MAX_VIEW_COUNT,
    Article,
    Category,
    DailyViews,
    OldSlug,
    numbered_slugs,
    slug_base,
)

DEFAULT_SEED = 20220124
DEFAULT_YEARS = 5
BATCH_SIZE = 1000
# "Tin đọc nhiều" sums these last days: only articles this recent get
# DailyViews rows, a few each, so the table stays small at any size.
DAILY_VIEWS_DAYS = 30
MAX_DAYS_PER_ARTICLE = 5

# How often each of the usual sections comes up in a round of articles;
# every section appears in every round, others (a ward's own) once.
CATEGORY_WEIGHTS = {
    "tin-tuc-su-kien": 4,
    "thong-bao": 3,
    "chinh-quyen": 2,
    "van-hoa-xa-hoi": 2,
    "an-ninh-quoc-phong": 2,
}

# --- Vocabulary ---------------------------------------------------------------

WORDS = {
    "surname": "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Ngô Dương Đoàn Lý Phan "
    "Trịnh Đinh Lương Tạ".split(),
    "middle": "Văn Thị Ngọc Minh Thanh Hữu Đức Thu Anh Quang Hồng Xuân Mạnh Thúy "
    "Kim Tuấn".split(),
    "given": "Dũng Thư Hùng Lan Hà Nam Hương Tuấn Hạnh Long Phương Thắng Hoa Sơn "
    "Yến Cường Trang Bình Hiền Quân Loan Việt Huyền Tâm".split(),
    "leader": [
        "Bí thư Đảng ủy phường",
        "Phó Bí thư Thường trực Đảng ủy phường",
        "Chủ tịch Ủy ban nhân dân phường",
        "Phó Chủ tịch Ủy ban nhân dân phường",
        "Chủ tịch Hội đồng nhân dân phường",
        "Chủ tịch Ủy ban MTTQ Việt Nam phường",
        "Trưởng Công an phường",
        "Chỉ huy trưởng Ban Chỉ huy quân sự phường",
    ],
    "organisation": [
        "Hội Liên hiệp Phụ nữ phường",
        "Đoàn Thanh niên phường",
        "Hội Cựu chiến binh phường",
        "Hội Người cao tuổi phường",
        "Hội Chữ thập đỏ phường",
        "Ủy ban MTTQ Việt Nam phường",
        "Ban Công tác Mặt trận các tổ dân phố",
    ],
    "day_part": ["Sáng", "Chiều", "Tối", "Sáng", "Chiều"],
    "venue": [
        "hội trường Ủy ban nhân dân phường",
        "nhà văn hóa tổ dân phố số {group_no}",
        "trụ sở Đảng ủy - HĐND - UBND phường",
        "sân Trường Tiểu học {school}",
        "Trung tâm Văn hóa - Thể thao phường",
    ],
    "school": "Phúc Lợi|Ngọc Thụy|Gia Thụy|Bồ Đề|Đoàn Kết|Thạch Bàn".split("|"),
    "street": "Nguyễn Văn Linh|Ngọc Thụy|Hồng Tiến|Long Biên|Phúc Lợi|Vũ Xuân "
    "Thiều|Hội Xá|Mai Phúc|Gia Quất|Tư Đình".split("|"),
    "period": [
        "6 tháng đầu năm {year}",
        "quý {quarter} năm {year}",
        "năm {year}",
        "tháng {month}/{year}",
        "9 tháng đầu năm {year}",
    ],
    "party_topic": [
        "học tập, quán triệt Nghị quyết của Đảng",
        "công tác kiểm tra, giám sát",
        "công tác phát triển đảng viên",
        "công tác dân vận",
        "xây dựng chi bộ trong sạch, vững mạnh",
        "công tác tư tưởng và tuyên truyền",
        "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ],
    "civic_topic": [
        "cải cách hành chính",
        "dịch vụ công trực tuyến",
        "trật tự xây dựng và trật tự đô thị",
        "vệ sinh môi trường",
        "chuyển đổi số",
        "cấp căn cước và định danh điện tử",
        "quản lý đất đai",
    ],
    "health_topic": [
        "tiêm chủng mở rộng",
        "tiêm vắc xin phòng sởi",
        "phòng chống sốt xuất huyết",
        "khám sức khỏe cho người cao tuổi",
        "bảo hiểm y tế hộ gia đình",
        "phòng chống dịch bệnh mùa mưa",
    ],
    "security_topic": [
        "phòng cháy chữa cháy",
        "an toàn giao thông",
        "phòng chống ma túy",
        "phòng chống lừa đảo qua mạng",
        "giữ gìn an ninh trật tự",
        "phòng chống tội phạm",
    ],
    "economy_topic": [
        "thanh toán không dùng tiền mặt",
        "an toàn thực phẩm",
        "thu ngân sách",
        "hỗ trợ hộ kinh doanh",
        "quản lý chợ dân sinh",
        "phát triển kinh tế tập thể",
    ],
    "event": [
        "Ngày hội Đại đoàn kết toàn dân tộc",
        "Tết Trung thu cho thiếu nhi",
        "giải chạy “Vì sức khỏe cộng đồng”",
        "hội thi văn nghệ quần chúng",
        "lễ mít tinh kỷ niệm Ngày Quốc khánh 2/9",
        "ngày hội hiến máu tình nguyện",
        "hội chợ sản phẩm OCOP",
        "chương trình “Ngày Chủ nhật xanh”",
    ],
    "notice": [
        "lịch tiếp công dân",
        "lịch tiêm chủng",
        "lịch tạm ngừng cấp điện",
        "kế hoạch thu gom rác thải cồng kềnh",
        "lịch thu phí vệ sinh môi trường",
        "kết quả xét tuyển viên chức",
        "lịch khám tuyển nghĩa vụ quân sự",
        "danh sách hộ nghèo, hộ cận nghèo",
    ],
    "result": [
        "hoàn thành vượt mức chỉ tiêu đề ra",
        "được nhân dân đồng tình, hưởng ứng",
        "góp phần giữ vững an ninh trật tự trên địa bàn",
        "tạo chuyển biến rõ nét trong nhận thức của người dân",
        "được cấp trên đánh giá cao",
    ],
}

# (title templates, lead templates, paragraph templates) of each usual section.
SECTIONS = {
    "tin-tuc-su-kien": (
        [
            "{Ward} tổ chức {event} năm {year}",
            "Sôi nổi {event} tại tổ dân phố số {group_no}",
            "Tổ dân phố số {group_no} ra mắt mô hình “Tuyến phố văn minh”",
            "Khánh thành nhà văn hóa tổ dân phố số {group_no}",
            "{Ward} gặp mặt các điển hình tiên tiến {period}",
            "Đông đảo nhân dân tham gia {event}",
            "Phường {ward_name} tổng kết công tác thi đua khen thưởng {period}",
            "Ra quân tổng vệ sinh môi trường trên tuyến phố {street}",
        ],
        [
            "{day_part} ngày {date}, {ward} tổ chức {event} với sự tham gia "
            "của đông đảo cán bộ và nhân dân các tổ dân phố.",
            "Nhằm đẩy mạnh công tác tuyên truyền, {ward} đã phối hợp với các "
            "tổ dân phố tổ chức nhiều hoạt động thiết thực.",
            "Đây là hoạt động thường niên của {ward}, được các tổ dân phố "
            "chuẩn bị chu đáo, thu hút đông đảo người dân tham gia.",
        ],
        [
            "Dự chương trình có đồng chí {person} – {leader}; đồng chí {person} "
            "– {leader} cùng đại diện {organisation} và nhân dân tổ dân phố "
            "số {group_no}.",
            "Phát biểu tại buổi lễ, đồng chí {person} – {leader} ghi nhận sự "
            "đóng góp của các tổ dân phố và đề nghị tiếp tục phát huy tinh thần "
            "đoàn kết, chung tay xây dựng phường văn minh, hiện đại.",
            "Các hoạt động diễn ra sôi nổi với nhiều tiết mục văn nghệ, trò "
            "chơi dân gian, thi kéo co và hội thi ẩm thực giữa các tổ dân phố.",
            "Nhân dịp này, {ward} đã trao tặng {small_count} suất quà cho các "
            "gia đình chính sách và hộ có hoàn cảnh khó khăn.",
            "Ban tổ chức đã trao giấy khen cho {small_count} tập thể và "
            "{count} cá nhân có thành tích xuất sắc trong phong trào thi đua.",
        ],
    ),
    "cong-tac-dang": (
        [
            "Đảng ủy phường {ward_name} tổ chức hội nghị {party_topic} {period}",
            "Hội nghị Ban Chấp hành Đảng bộ phường sơ kết {period}",
            "Thường trực Đảng ủy phường làm việc với MTTQ và các đoàn thể về "
            "nhiệm vụ năm {year}",
            "Chi bộ tổ dân phố số {group_no} kết nạp đảng viên mới",
            "Đảng ủy phường trao Huy hiệu Đảng đợt {month}/{year}",
            "Đẩy mạnh {party_topic} tại các chi bộ tổ dân phố",
            "Đảng bộ phường {ward_name} học tập chuyên đề năm {year}",
            "Kiểm tra công tác lãnh đạo của chi bộ tổ dân phố số {group_no}",
        ],
        [
            "{day_part} ngày {date}, Đảng ủy {ward} tổ chức hội nghị về "
            "{party_topic}, đánh giá kết quả công tác {period}.",
            "Thực hiện chương trình công tác năm {year}, Thường trực Đảng ủy "
            "{ward} đã làm việc với các chi bộ về {party_topic}.",
            "Đảng ủy {ward} triển khai {party_topic} đến toàn thể cán bộ, "
            "đảng viên và các chi bộ tổ dân phố.",
        ],
        [
            "Dự và chủ trì hội nghị có đồng chí {person} – {leader}; đồng chí "
            "{person} – {leader} và các đồng chí bí thư chi bộ trực thuộc.",
            "Tại hội nghị, các chi bộ đã báo cáo kết quả thực hiện nghị quyết, "
            "những khó khăn, vướng mắc và đề xuất giải pháp trong thời gian "
            "tới.",
            "Căn cứ vào chương trình công tác năm {year}, Đảng ủy phường yêu "
            "cầu các chi bộ nâng cao chất lượng sinh hoạt, phát huy vai trò "
            "tiên phong, gương mẫu của đảng viên ở tổ dân phố.",
            "Trong {period}, Đảng bộ phường đã kết nạp {small_count} đảng "
            "viên mới, {result}.",
            "Đồng chí Bí thư Đảng ủy phường đề nghị các chi bộ tiếp tục làm "
            "tốt {party_topic}, gắn với việc giải quyết những vấn đề nhân dân "
            "quan tâm.",
        ],
    ),
    "chinh-quyen": (
        [
            "Kỳ họp thứ {small_count} Hội đồng nhân dân phường {ward_name}",
            "UBND phường đối thoại với nhân dân về {civic_topic}",
            "Phường {ward_name} đẩy mạnh {civic_topic}",
            "Ủy ban nhân dân phường sơ kết công tác {period}",
            "Ra quân lập lại trật tự đô thị trên tuyến phố {street}",
            "Phường {ward_name} hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
            "Tiếp xúc cử tri tại tổ dân phố số {group_no}",
            "Nâng cao hiệu quả {civic_topic} trên địa bàn phường",
        ],
        [
            "Ủy ban nhân dân {ward} đã triển khai nhiều giải pháp về "
            "{civic_topic}, {result}.",
            "{day_part} ngày {date}, Ủy ban nhân dân {ward} tổ chức hội nghị "
            "đánh giá công tác {civic_topic} {period}.",
            "Nhằm phục vụ người dân tốt hơn, {ward} tập trung {civic_topic} "
            "tại bộ phận một cửa và các tổ dân phố.",
        ],
        [
            "Trong {period}, bộ phận một cửa của phường đã tiếp nhận {count} "
            "hồ sơ, trong đó {percent}% được giải quyết đúng và trước hạn.",
            "Đồng chí {person} – {leader} yêu cầu các bộ phận chuyên môn tăng "
            "cường kiểm tra, xử lý dứt điểm các vi phạm về {civic_topic}.",
            "Cử tri tổ dân phố số {group_no} kiến nghị về chỉnh trang hè phố, "
            "hệ thống chiếu sáng và thoát nước trên tuyến phố {street}.",
            "Lãnh đạo Ủy ban nhân dân phường đã trả lời, làm rõ các kiến nghị "
            "thuộc thẩm quyền và tiếp thu để báo cáo cấp trên.",
            "Tổ công tác của phường đã đến từng tổ dân phố hướng dẫn người dân "
            "thực hiện thủ tục hành chính trên Cổng dịch vụ công quốc gia.",
        ],
    ),
    "mat-tran-doan-the": (
        [
            "{organisation} tổ chức đại hội nhiệm kỳ {year} - {term_end}",
            "Ủy ban MTTQ phường trao nhà Đại đoàn kết tại tổ dân phố số {group_no}",
            "{organisation} ra quân “Ngày Chủ nhật xanh”",
            "Vận động ủng hộ Quỹ “Vì người nghèo” năm {year}",
            "{organisation} sơ kết hoạt động {period}",
            "Hội nghị đại biểu nhân dân tổ dân phố số {group_no}",
            "{organisation} phát động phong trào thi đua năm {year}",
        ],
        [
            "{day_part} ngày {date}, {organisation} đã tổ chức hội nghị đánh "
            "giá kết quả hoạt động {period} và triển khai nhiệm vụ thời gian tới.",
            "Phát huy vai trò tập hợp sức mạnh đại đoàn kết toàn dân, "
            "{organisation} đã phối hợp với các tổ dân phố thực hiện nhiều "
            "phong trào thiết thực.",
            "Hưởng ứng phong trào thi đua năm {year}, {organisation} vận động "
            "hội viên và nhân dân các tổ dân phố tích cực tham gia.",
        ],
        [
            "Năm {year}, {organisation} đã vận động được hơn {count} triệu "
            "đồng ủng hộ các loại quỹ, {result}.",
            "Các chi hội ở tổ dân phố đã duy trì sinh hoạt định kỳ, phát triển "
            "thêm {small_count} hội viên mới.",
            "Phát biểu chỉ đạo, đồng chí {person} – {leader} đề nghị "
            "{organisation} tiếp tục đổi mới phương thức hoạt động, hướng mạnh "
            "về cơ sở.",
            "Ban Công tác Mặt trận các tổ dân phố đã phát huy tốt vai trò giám "
            "sát và phản biện xã hội tại khu dân cư.",
            "Hơn {count} đoàn viên, hội viên đã tham gia dọn dẹp vệ sinh, trồng "
            "cây xanh dọc tuyến phố {street}.",
        ],
    ),
    "kinh-te": (
        [
            "Phường {ward_name} đẩy mạnh {economy_topic}",
            "Kiểm tra {economy_topic} tại chợ dân sinh",
            "Hộ kinh doanh trên phố {street} hưởng ứng {economy_topic}",
            "Kết quả thu ngân sách {period} của phường {ward_name}",
            "Tập huấn {economy_topic} cho các hộ kinh doanh",
            "Phường {ward_name} hỗ trợ người dân chuyển đổi số",
        ],
        [
            "Thời gian qua, {ward} đã tập trung {economy_topic}, {result}.",
            "{day_part} ngày {date}, Đoàn kiểm tra liên ngành của {ward} đã "
            "kiểm tra {economy_topic} tại các hộ kinh doanh trên địa bàn.",
            "Tổ công tác của {ward} đã đến từng hộ kinh doanh để hướng dẫn về "
            "{economy_topic}.",
        ],
        [
            "Đến nay, {percent}% hộ kinh doanh tại chợ dân sinh đã sử dụng mã "
            "QR khi thanh toán.",
            "Trong {period}, thu ngân sách trên địa bàn phường đạt {percent}% "
            "dự toán được giao.",
            "Đoàn kiểm tra đã nhắc nhở {small_count} cơ sở, yêu cầu khắc phục "
            "ngay các tồn tại về {economy_topic}.",
            "Phường tiếp tục phối hợp với các ngân hàng hỗ trợ người cao tuổi "
            "và hộ kinh doanh nhỏ ở các tổ dân phố.",
        ],
    ),
    "van-hoa-xa-hoi": (
        [
            "Phường {ward_name} triển khai {health_topic} năm {year}",
            "Trao quà cho các gia đình chính sách nhân dịp Tết Nguyên đán {year}",
            "Tổ dân phố số {group_no} đạt danh hiệu “Tổ dân phố văn hóa” năm {year}",
            "Trạm Y tế phường tổ chức {health_topic}",
            "Phường {ward_name} khai giảng lớp học kỹ năng sống cho thiếu nhi",
            "Hơn {count} trẻ em được tham gia {health_topic}",
            "Thăm hỏi, tặng quà người có công với cách mạng",
        ],
        [
            "{day_part} ngày {date}, Trạm Y tế {ward} phối hợp với các tổ dân "
            "phố tổ chức {health_topic}.",
            "Thực hiện kế hoạch năm {year}, {ward} đã triển khai {health_topic} "
            "đến từng tổ dân phố.",
            "Lãnh đạo {ward} đã đến thăm, tặng quà các gia đình chính sách, "
            "hộ nghèo và người cao tuổi cô đơn trên địa bàn.",
        ],
        [
            "Trong đợt này, đã có {count} người dân được tiêm chủng an toàn, "
            "không có trường hợp phản ứng nặng sau tiêm.",
            "Mỗi suất quà gồm tiền mặt và nhu yếu phẩm, tổng giá trị hơn "
            "{count} triệu đồng.",
            "Các tổ dân phố đã lập danh sách, thông báo lịch {health_topic} đến "
            "từng hộ gia đình.",
            "Đây là hoạt động thường niên, thể hiện đạo lý “Uống nước nhớ "
            "nguồn” của cấp ủy, chính quyền và nhân dân phường.",
            "Tỷ lệ người dân tham gia bảo hiểm y tế trên địa bàn phường đạt "
            "{percent}%.",
        ],
    ),
    "an-ninh-quoc-phong": (
        [
            "Công an phường tuyên truyền {security_topic} tại tổ dân phố số {group_no}",
            "Diễn tập {security_topic} tại khu dân cư năm {year}",
            "Ra quân huấn luyện lực lượng dân quân tự vệ năm {year}",
            "Phường {ward_name} tổ chức lễ giao nhận quân năm {year}",
            "Ra mắt mô hình “Tổ liên gia an toàn phòng cháy chữa cháy”",
            "Tăng cường {security_topic} dịp cuối năm",
            "Công an phường {ward_name} ra mắt mô hình “Camera an ninh”",
        ],
        [
            "{day_part} ngày {date}, Công an {ward} phối hợp với các tổ dân phố "
            "tổ chức tuyên truyền về {security_topic}.",
            "Nhằm nâng cao ý thức của người dân về {security_topic}, {ward} đã "
            "triển khai nhiều biện pháp đồng bộ.",
            "Ban Chỉ huy quân sự {ward} tổ chức lễ ra quân huấn luyện cho lực "
            "lượng dân quân tự vệ năm {year}.",
        ],
        [
            "Cán bộ Công an phường đã hướng dẫn người dân kỹ năng thoát nạn, "
            "sử dụng bình chữa cháy và xử lý tình huống khi xảy ra cháy.",
            "Trong {period}, Công an phường đã phát hiện và xử lý "
            "{small_count} vụ vi phạm, {result}.",
            "Các tổ dân phố đã thành lập {small_count} tổ liên gia an toàn "
            "phòng cháy chữa cháy và {small_count} điểm chữa cháy công cộng.",
            "Đồng chí {person} – {leader} đề nghị nhân dân nâng cao cảnh giác, "
            "chủ động thông báo cho Công an phường khi phát hiện dấu hiệu "
            "nghi vấn.",
            "Năm nay, lực lượng dân quân tập trung huấn luyện điều lệnh, kỹ "
            "thuật bắn súng và {security_topic}.",
        ],
    ),
    "thong-bao": (
        [
            "Thông báo {notice} tháng {month}/{year}",
            "Thông báo {notice} tại tổ dân phố số {group_no}",
            "Ủy ban nhân dân phường thông báo {notice}",
            "Thông báo {notice} năm {year}",
            "Thông báo về việc {security_topic} dịp lễ, Tết",
        ],
        [
            "Ủy ban nhân dân {ward} thông báo {notice} để nhân dân các tổ dân "
            "phố được biết và thực hiện.",
            "{Ward} thông báo {notice}; đề nghị các tổ dân phố thông tin rộng "
            "rãi đến từng hộ gia đình.",
        ],
        [
            "Thời gian: {day_part_lower} thứ Năm hằng tuần, từ 8 giờ đến 11 giờ 30.",
            "Địa điểm: {venue}.",
            "Công dân mang theo căn cước và giấy tờ liên quan đến nội dung kiến nghị.",
            "Mọi thắc mắc xin liên hệ bộ phận một cửa Ủy ban nhân dân phường "
            "trong giờ hành chính.",
            "Đề nghị tổ trưởng tổ dân phố số {group_no} thông báo đến các hộ "
            "gia đình trên tuyến phố {street}.",
        ],
    ),
}

# For a section of a ward's own: any of the usual sections' words.
GENERIC = tuple(
    [item for section in SECTIONS.values() for item in section[part]]
    for part in range(3)
)

# Background any section's article may carry, one or two of them.
CONTEXT = [
    "Thời gian qua, cấp ủy, chính quyền {ward} luôn xác định đây là nhiệm vụ "
    "trọng tâm, thường xuyên; chỉ đạo các bộ phận chuyên môn, các tổ dân phố "
    "xây dựng kế hoạch cụ thể, phân công rõ người, rõ việc, rõ thời gian hoàn "
    "thành.",
    "Theo báo cáo, trên địa bàn phường hiện có {group_total} tổ dân phố với "
    "hơn {households} hộ gia đình; các tổ dân phố đã chủ động tuyên truyền qua "
    "hệ thống loa truyền thanh, nhóm Zalo và các buổi họp tổ.",
    "Bên cạnh kết quả đạt được, công tác này vẫn còn một số hạn chế: một bộ "
    "phận người dân chưa thực sự quan tâm, sự phối hợp giữa các tổ dân phố có "
    "lúc chưa chặt chẽ. Phường đã chỉ ra nguyên nhân và đề ra giải pháp khắc "
    "phục trong thời gian tới.",
    "Ý kiến của các đại biểu tập trung vào những vấn đề nhân dân quan tâm như "
    "vệ sinh môi trường, trật tự đô thị, {civic_topic} và {security_topic}; "
    "các ý kiến đều được lãnh đạo phường tiếp thu, giải đáp cụ thể.",
    "Đồng chí {person} – {leader} nhấn mạnh: mỗi cán bộ, đảng viên phải gương "
    "mẫu đi đầu, bám sát địa bàn, lắng nghe ý kiến của nhân dân và kịp thời "
    "giải quyết các kiến nghị ngay từ tổ dân phố.",
    "Năm {year}, {ward} phấn đấu hoàn thành toàn diện các chỉ tiêu kinh tế - "
    "xã hội, giữ vững danh hiệu “Phường đạt chuẩn văn minh đô thị”, trong đó "
    "{percent}% tổ dân phố đạt danh hiệu “Tổ dân phố văn hóa”.",
]

# Most articles end with one of these, so that the words every resident
# types ("phường", "công tác", "tổ dân phố") match thousands.
CLOSINGS = [
    "Thời gian tới, {ward} tiếp tục chỉ đạo các tổ dân phố làm tốt công tác "
    "tuyên truyền, vận động nhân dân cùng thực hiện./.",
    "Kết quả trên góp phần hoàn thành tốt công tác {period} của phường, tạo "
    "sự đồng thuận trong nhân dân các tổ dân phố./.",
    "Ủy ban nhân dân phường đề nghị các tổ dân phố tiếp tục phối hợp chặt chẽ "
    "trong công tác này, bảo đảm hiệu quả, đúng quy định./.",
    "Các đơn vị, tổ dân phố tiếp tục quán triệt, thực hiện nghiêm công tác "
    "được giao, {result}./.",
    "Hoạt động đã {result}, góp phần xây dựng phường văn minh, giàu đẹp./.",
]


# --- Writing -------------------------------------------------------------------


class _Slots(dict):
    """What a template's {slots} say: fixed for an article (its ward, year),
    drawn anew for each other slot (a name, a number)."""

    def __init__(self, rng: random.Random, ward_name: str, when: datetime):
        self.rng = rng
        day = (when - timedelta(days=rng.randint(0, 3))).date()
        super().__init__(
            ward=f"phường {ward_name}",
            Ward=f"Phường {ward_name}",
            ward_name=ward_name,
            year=when.year,
            term_end=when.year + 5,
            month=when.month,
            quarter=(when.month - 1) // 3 + 1,
            date=f"{day.day}/{day.month}/{day.year}",
        )

    def __missing__(self, key):
        rng = self.rng
        if key == "person":
            return " ".join(
                rng.choice(WORDS[part]) for part in ("surname", "middle", "given")
            )
        if key == "group_no":
            return rng.randint(1, 36)
        if key == "small_count":
            return rng.randint(2, 15)
        if key == "count":
            return rng.randint(20, 900)
        if key == "group_total":
            return self.rng.randint(18, 40)
        if key == "households":
            return f"{self.rng.randint(3, 9)}.{self.rng.randint(0, 999):03}"
        if key == "percent":
            return rng.randint(70, 99)
        if key == "day_part_lower":
            return rng.choice(WORDS["day_part"]).lower()
        return self.fill(rng.choice(WORDS[key]))

    def fill(self, template: str) -> str:
        return template.format_map(self)


@dataclass(frozen=True)
class Text:
    title: str
    lead: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)


def write(rng: random.Random, category_slug: str, ward_name: str, when) -> Text:
    """An article of the section, as the ward's staff would write it."""
    titles, leads, paragraphs = SECTIONS.get(category_slug, GENERIC)
    slots = _Slots(rng, ward_name, when)
    title = slots.fill(rng.choice(titles))
    lead = slots.fill(rng.choice(leads))
    middle = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(2, 4)))
    middle[1:1] = rng.sample(CONTEXT, k=rng.randint(1, 2))
    if rng.random() < 0.9:
        middle.append(rng.choice(CLOSINGS))
    paragraphs = [slots.fill(p) for p in middle]
    return Text(title=title[:1].upper() + title[1:], lead=lead, paragraphs=paragraphs)


def view_count(rng: random.Random) -> int:
    """Most articles are read a few dozen times, a few thousands of times."""
    return min(MAX_VIEW_COUNT, int(rng.lognormvariate(3.5, 1.3)))


def publish_times(rng: random.Random, count: int, now: datetime, years: int):
    """`count` publish times over the last `years`, oldest first, evenly
    spread (one in each equal slice of the span), in office hours of the
    ward's day, all in the past."""
    span = timedelta(days=365 * years)
    start = now - span
    local = timezone.get_current_timezone()
    for n in range(count):
        moment = start + span * ((n + rng.random()) / count)
        day = timezone.localtime(moment).date()
        minutes = rng.randint(7 * 60, 18 * 60)
        at = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=local)
        if at >= now:
            at = now - timedelta(minutes=rng.randint(1, 60))
        yield at


def daily_split(rng: random.Random, total: int, published: date, today: date):
    """A few (day, views) of the article's days up to today that add up to
    at most its total: the rest was read on days not kept."""
    days = (today - published).days + 1
    chosen = sorted(
        rng.sample(range(days), k=min(days, rng.randint(1, MAX_DAYS_PER_ARTICLE)))
    )
    shares = [rng.random() for _ in chosen]
    scale = total * rng.uniform(0.5, 1.0) / sum(shares)
    return [
        (published + timedelta(days=offset), views)
        for offset, share in zip(chosen, shares, strict=True)
        if (views := math.floor(share * scale)) > 0
    ]


class SlugKeeper:
    """Free slugs for a ward's new articles, decided in memory: the ward's
    taken ones are read once, not one query per article."""

    def __init__(self, ward):
        self.taken = set(
            Article.objects.filter(ward=ward).values_list("slug", flat=True)
        )
        self.taken |= set(
            OldSlug.objects.filter(ward=ward).values_list("slug", flat=True)
        )
        self.next_number: dict[str, int] = {}

    def free(self, title: str) -> str:
        """As models.unique_slug, with the taken slugs in memory."""
        base = slug_base(Article, title, "bai-viet")
        for slug, n in numbered_slugs(base, self.next_number.get(base, 1)):
            if slug not in self.taken:
                self.next_number[base] = n
                self.taken.add(slug)
                return slug


@dataclass
class Report:
    articles: int = 0
    categories: int = 0
    first: datetime | None = None
    last: datetime | None = None
    daily_rows: int = 0
    articles_with_days: int = 0


def generate(
    ward,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    years: int = DEFAULT_YEARS,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> Report:
    """Write `count` published articles for the ward, spread over its
    categories and the last `years`, with view counts and, for the last
    DAILY_VIEWS_DAYS days, a few DailyViews rows each."""
    return generate_in_wards(
        [ward], count, seed=seed, years=years, batch_size=batch_size, now=now
    )


def generate_in_wards(
    wards,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    years: int = DEFAULT_YEARS,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> Report:
    """`count` articles in all over the wards, as generate() writes them, an
    even share each (the first ones one more when it does not divide), each
    ward's from a seed of its own (the first ward's is `seed`: one ward gets
    what generate() gives it). All in one transaction and one filling of the
    search index, whatever the number of wards."""
    now = now or timezone.now()
    report = Report()
    parts = []
    for n, ward in enumerate(wards):
        share = count // len(wards) + (1 if n < count % len(wards) else 0)
        if share:
            rng = random.Random(seed + n)
            parts.append(_batches(ward, share, rng, now, years, batch_size, report))
    batches = chain.from_iterable(parts)
    if connection.in_atomic_block:
        _store(batches, report)  # In the caller's transaction (a test's).
    else:
        _store_in_background(batches, report)
    return report


def _batches(ward, count, rng, now, years, batch_size, report):
    """The ward's `count` articles, as lists of (article, its DailyViews as
    (day, views)), made here so that the random draws come in one order,
    whoever writes them."""
    today = timezone.localdate(now)
    recent_since = today - timedelta(days=DAILY_VIEWS_DAYS - 1)
    categories = sorted(Category.objects.filter(ward=ward), key=lambda c: c.slug)
    if not categories:
        raise ValueError(f"{ward} has no categories")
    deck = [c for c in categories for _ in range(CATEGORY_WEIGHTS.get(c.slug, 1))]
    ward_name = ward.name.removeprefix("Phường ").removeprefix("phường ")
    slugs = SlugKeeper(ward)
    report.categories += len(categories)

    def batches():
        batch = []
        for n, at in enumerate(publish_times(rng, count, now, years)):
            if n % len(deck) == 0:
                rng.shuffle(deck)
            category = deck[n % len(deck)]
            text = write(rng, category.slug, ward_name, timezone.localtime(at))
            article = _article(
                category, text, slugs.free(text.title), at, view_count(rng)
            )
            published = timezone.localdate(at)
            days = []
            if published >= recent_since and article.view_count:
                days = daily_split(rng, article.view_count, published, today)
            batch.append((article, days))
            if len(batch) == batch_size or n == count - 1:
                yield batch
                batch = []

    return batches()


# The wards `generate_articles --wards N` fills, made when missing.
BENCH_HOST = "p{number:03}.localhost"
BENCH_NAME = "Phường Thử nghiệm {number:03}"


def bench_wards(count: int) -> list[Ward]:
    """The wards of hosts p001.localhost, p002.localhost…, `count` of them:
    those missing are made, each with the usual categories (as
    create_ward makes a ward)."""
    wards = []
    for number in range(1, count + 1):
        host = BENCH_HOST.format(number=number)
        ward = Ward.objects.claiming(host).first()
        if ward is None:
            name = BENCH_NAME.format(number=number)
            ward, _ = Ward.objects.update_or_create_for_host(host, name)
        Category.objects.create_defaults(ward)
        wards.append(ward)
    return wards


def _article(category, text, slug, published_at, views) -> Article:
    """What Article.normalise() would make of the text, field by field with
    its own helpers, but the body's sanitising: write() makes clean bodies
    (tests/test_generate_articles.py checks that normalise() changes
    nothing), and nh3 is a third of the time. The search words are read from
    the paragraphs' text: the body's words, without parsing its tags."""
    article = Article(
        category=category,
        ward_id=category.ward_id,
        title=nfc(text.title).strip(),
        lead=nfc(text.lead).strip(),
        body=text.body,
        slug=slug,
        status=Article.Status.PUBLISHED,
        published_at=published_at,
        view_count=views,
    )
    article.search_text = search_words(
        article.title, article.lead, "\n".join(text.paragraphs)
    )
    article.search_folded = " ".join(map(_folded, article.search_text.split()))
    return article


# fold_accents() goes letter by letter: word by word, remembered, the same
# result (search_text is single words, one space apart) in a tenth the time.
_folded = lru_cache(maxsize=100_000)(fold_accents)


def _store(batches, report):
    """Every batch in one transaction: all the articles or none."""
    with transaction.atomic(), bulkload.search_index_filled_at_end(Article):
        for batch in batches:
            articles = Article.objects.bulk_create([a for a, _ in batch])
            DailyViews.objects.bulk_create(
                DailyViews(article=article, day=day, views=views)
                for article, days in batch
                for day, views in days
            )
            report.articles += len(articles)
            report.articles_with_days += sum(1 for _, days in batch if days)
            report.daily_rows += sum(len(days) for _, days in batch)
            # Each ward's come oldest first.
            report.first = min(filter(None, [report.first, articles[0].published_at]))
            report.last = max(filter(None, [report.last, articles[-1].published_at]))


_DONE, _STOPPED = object(), object()


class _Stopped(Exception):
    """The maker of the batches stopped (an error, Ctrl-C): roll back."""


def _store_in_background(batches, report):
    """_store() from a thread with a database connection of its own, so
    that the database writes a batch while this thread makes the next: on
    two cores, a third less time."""
    queue = Queue(maxsize=2)
    failed = []

    def received():
        while (batch := queue.get()) is not _DONE:
            if batch is _STOPPED:
                raise _Stopped
            yield batch

    def writer():
        try:
            _store(received(), report)
        except _Stopped:
            pass
        except BaseException as error:
            failed.append(error)
            while queue.get() not in (_DONE, _STOPPED):
                pass  # Let the maker finish.
        finally:
            connection.close()  # This thread's own.

    thread = Thread(target=writer, name="generate-articles-writer")
    thread.start()
    finished = False
    try:
        for batch in batches:
            if failed:
                break
            queue.put(batch)
        finished = True
    finally:
        queue.put(_DONE if finished else _STOPPED)
        thread.join()
    if failed:
        raise failed[0]
