"""A lived-in schedule for the demo wards: this week's and next week's
meetings, checks and reception days (tiếp công dân), one entry changed
after the week was published, and a draft."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from wards.hosts import default_ward
from wards.models import Ward

from .models import Entry
from .weeks import Week

CHAIRMAN = "Chủ tịch UBND phường Nguyễn Văn Hùng"
VICE_CHAIRMAN = "Phó Chủ tịch UBND phường Trần Thị Mai"
VICE_CHAIRMAN_2 = "Phó Chủ tịch UBND phường Bùi Quang Huy"
SECRETARY = "Bí thư Đảng ủy phường Trần Quốc Hưng"
HALL = "Hội trường tầng 2, trụ sở UBND phường"
ROOM_1 = "Phòng họp số 1, trụ sở UBND phường"
RECEPTION_ROOM = "Phòng tiếp công dân, tầng 1 trụ sở UBND phường"

# (weekday 0-6, start, end, kind, content, chair, participants, place)
THIS_WEEK = [
    (
        0,
        "07:30",
        "08:30",
        "work",
        "Chào cờ đầu tuần; giao ban lãnh đạo UBND phường",
        CHAIRMAN,
        "Các Phó Chủ tịch UBND phường; công chức các bộ phận chuyên môn",
        HALL,
    ),
    (
        0,
        "14:00",
        "16:30",
        "work",
        "Họp Ban Chỉ đạo chuyển đổi số phường: đánh giá việc cấp tài khoản "
        "định danh điện tử và thanh toán không dùng tiền mặt",
        VICE_CHAIRMAN,
        "Thành viên Ban Chỉ đạo; Tổ công nghệ số cộng đồng các tổ dân phố",
        ROOM_1,
    ),
    (
        1,
        "08:00",
        "11:30",
        "work",
        "Kiểm tra công tác vệ sinh môi trường, trật tự đô thị tại các tổ dân "
        "phố 5, 6 và 7",
        VICE_CHAIRMAN_2,
        "Công an phường; Đội Trật tự đô thị; tổ trưởng các tổ dân phố 5, 6, 7",
        "Các tổ dân phố 5, 6 và 7",
    ),
    (
        1,
        "14:00",
        None,
        "work",
        "Làm việc với Đoàn kiểm tra của UBND Thành phố về công tác cải cách "
        "hành chính năm 2026",
        CHAIRMAN,
        "Các Phó Chủ tịch UBND phường; công chức Văn phòng – Thống kê, Tư pháp "
        "– Hộ tịch; Bộ phận Một cửa",
        ROOM_1,
    ),
    (
        2,
        "08:00",
        "11:00",
        "work",
        "Hội nghị Ban Chấp hành Đảng bộ phường mở rộng: sơ kết công tác quý IV",
        SECRETARY,
        "Ủy viên Ban Chấp hành Đảng bộ phường; bí thư các chi bộ trực thuộc",
        HALL,
    ),
    (
        2,
        "15:00",
        "17:00",
        "work",
        "Dự sinh hoạt chi bộ tổ dân phố số 3",
        SECRETARY,
        "Đảng viên chi bộ tổ dân phố số 3",
        "Nhà văn hóa tổ dân phố số 3",
    ),
    (
        3,
        "08:00",
        "11:30",
        "reception",
        "Tiếp công dân định kỳ: tiếp nhận kiến nghị, phản ánh về đất đai, "
        "xây dựng, trật tự đô thị",
        CHAIRMAN,
        "Công chức Địa chính – Xây dựng, Tư pháp – Hộ tịch; đại diện Ủy ban "
        "MTTQ Việt Nam phường",
        RECEPTION_ROOM,
    ),
    (
        3,
        "14:00",
        "16:00",
        "work",
        "Giao ban công tác bảo đảm an ninh, trật tự trên địa bàn phường",
        VICE_CHAIRMAN_2,
        "Công an phường; Ban Chỉ huy Quân sự phường; trưởng các tổ an ninh "
        "trật tự cơ sở",
        ROOM_1,
    ),
    (
        4,
        "08:00",
        "10:00",
        "work",
        "Họp Hội đồng Thi đua – Khen thưởng phường xét khen thưởng năm 2026",
        CHAIRMAN,
        "Thành viên Hội đồng Thi đua – Khen thưởng phường",
        ROOM_1,
    ),
    (
        4,
        "14:00",
        "16:30",
        "reception",
        "Bí thư Đảng ủy phường tiếp công dân định kỳ",
        SECRETARY,
        "Chủ tịch Ủy ban MTTQ Việt Nam phường; công chức Văn phòng Đảng ủy",
        RECEPTION_ROOM,
    ),
    (
        5,
        "07:00",
        "09:00",
        "work",
        "Ra quân tổng vệ sinh môi trường, hưởng ứng phong trào “Ngày Chủ nhật xanh”",
        VICE_CHAIRMAN_2,
        "Đoàn Thanh niên, Hội Liên hiệp Phụ nữ, Hội Cựu chiến binh phường; nhân "
        "dân các tổ dân phố",
        "Tuyến phố Phúc Lợi và khu vực chợ dân sinh",
    ),
]

NEXT_WEEK = [
    THIS_WEEK[0],
    (
        0,
        "14:00",
        "16:00",
        "work",
        "Họp triển khai kế hoạch tổ chức Tết Nguyên đán và chăm lo cho gia "
        "đình chính sách, hộ nghèo",
        VICE_CHAIRMAN,
        "Công chức Văn hóa – Xã hội; Hội Chữ thập đỏ; trưởng các tổ dân phố",
        ROOM_1,
    ),
    (
        1,
        "08:30",
        "11:00",
        "work",
        "Kiểm tra công tác phòng cháy, chữa cháy tại các cơ sở kinh doanh trên địa bàn",
        VICE_CHAIRMAN_2,
        "Công an phường; Đội Trật tự đô thị",
        "Các cơ sở kinh doanh trên địa bàn phường",
    ),
    (
        2,
        "08:00",
        "11:30",
        "work",
        "Kỳ họp chuyên đề Hội đồng nhân dân phường",
        "Chủ tịch HĐND phường Nguyễn Thị Minh Nguyệt",
        "Đại biểu HĐND phường; lãnh đạo UBND phường; Ủy ban MTTQ Việt Nam phường",
        HALL,
    ),
    THIS_WEEK[6],
    (
        4,
        "08:00",
        "11:00",
        "work",
        "Giao ban Khối dân vận phường",
        SECRETARY,
        "Trưởng Khối dân vận; chủ tịch các tổ chức chính trị – xã hội phường",
        ROOM_1,
    ),
]

# Entered, not yet published: the editor's to publish.
NEXT_WEEK_DRAFT = (
    4,
    "14:00",
    "16:00",
    "work",
    "Sơ kết công tác tuyển chọn, gọi công dân nhập ngũ năm 2027",
    VICE_CHAIRMAN_2,
    "Hội đồng Nghĩa vụ quân sự phường",
    ROOM_1,
)

SECOND_WARD = [
    (
        0,
        "07:30",
        "08:30",
        "work",
        "Giao ban lãnh đạo UBND phường Bồ Đề đầu tuần",
        "Chủ tịch UBND phường Bồ Đề",
        "Các Phó Chủ tịch UBND phường",
        "Phòng họp UBND phường Bồ Đề",
    ),
    (
        2,
        "08:00",
        "11:30",
        "reception",
        "Tiếp công dân định kỳ của phường Bồ Đề",
        "Chủ tịch UBND phường Bồ Đề",
        "Công chức Địa chính – Xây dựng",
        "Phòng tiếp công dân UBND phường Bồ Đề",
    ),
]


def _time(text):
    return time.fromisoformat(text) if text else None


def _add(ward, week, rows, status, published_at=None) -> list[Entry]:
    entries = []
    for weekday, start, end, kind, content, chair, participants, place in rows:
        entry = Entry(
            ward=ward,
            day=week.days[weekday],
            start=_time(start),
            end=_time(end),
            kind=kind,
            content=content,
            chair=chair,
            participants=participants,
            place=place,
            status=status,
        )
        entry.full_clean()
        entry.save()
        entries.append(entry)
    if published_at is not None:
        # As if published then, and not touched since.
        Entry.objects.filter(pk__in=[e.pk for e in entries]).update(
            published_at=published_at, changed_at=published_at
        )
    return entries


def load_schedule_demo() -> list[str]:
    """This week's and next week's schedule of the default ward, and a few
    entries of the second ward (bode.localhost) if it exists; a ward that
    has entries already is left alone. Returns what it did."""
    done = []
    this = Week.of(timezone.localdate())
    ward = default_ward()
    if not Entry.objects.filter(ward=ward).exists():
        zone = timezone.get_current_timezone()
        # The week's schedule came out the Friday before, at 16:00.
        friday = this.monday - timedelta(days=3)
        published = datetime.combine(friday, time(16, 0), zone)
        entries = _add(ward, this, THIS_WEEK, Entry.Status.PUBLISHED, published)
        # Moved to the hall the next morning: "Cập nhật lúc …".
        moved = entries[5]
        moved.refresh_from_db()
        moved.place = "Hội trường tổ dân phố số 3 (thay đổi địa điểm)"
        moved.save()
        Entry.objects.filter(pk=moved.pk).update(
            changed_at=published + timedelta(hours=17, minutes=30)
        )
        soon = min(timezone.now(), published + timedelta(days=7))
        _add(ward, this.next, NEXT_WEEK, Entry.Status.PUBLISHED, soon)
        _add(ward, this.next, [NEXT_WEEK_DRAFT], Entry.Status.DRAFT)
        done.append(
            f"{ward.name}: lịch công tác tuần này và tuần sau "
            f"({len(THIS_WEEK) + len(NEXT_WEEK)} mục đã đăng, 1 bản nháp)"
        )
    second = Ward.objects.claiming("bode.localhost").first()
    if second is not None and not Entry.objects.filter(ward=second).exists():
        _add(ward=second, week=this, rows=SECOND_WARD, status=Entry.Status.PUBLISHED)
        done.append(f"{second.name}: lịch công tác tuần này")
    return done
