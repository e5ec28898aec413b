"""Published, answered questions in bulk, for measuring Hỏi đáp at any size
(`manage.py generate_questions`).

What residents ask their ward and how it answers, from templates in the
words of real wards' Hỏi đáp (hộ tịch, cư trú, đất đai, an sinh…), drawn
with one seeded random generator: the same seed gives the same questions.
The asker is fake initials and a tổ dân phố ("Ông/bà N.V.A., tổ 5" on the
page): no name, phone, email or address is made up. Rows are written a
thousand at a time (bulk_create) in one transaction, with what
Submission.normalise() and save() would store (sanitised answer, the public
search text, a code of the year's counter, a slug unique in the ward); then
ANALYZE.
"""

import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

import bulkload
from numbering.models import Counter, take
from vietnamese.text import fold_accents, nfc, plain_text, vietnamese_slugify

from .models import (
    CODE_PREFIXES,
    CODE_SERIES,
    RESERVED_SLUGS,
    Kind,
    Status,
    Submission,
    Topic,
    clean_rich_text,
)

DEFAULT_SEED = 20250701
DEFAULT_YEARS = 5
BATCH_SIZE = 1000
SLUG_LENGTH = 120

LETTERS = "ABCDĐGHKLMNPQSTVXY"
STREETS = [
    "Phúc Lợi",
    "Ngọc Thụy",
    "Hồng Tiến",
    "Long Biên",
    "Vũ Xuân Thiều",
    "Hội Xá",
    "Mai Phúc",
    "Gia Quất",
]
# Each topic: (titles, questions, answers); {slots} filled per question.
TEMPLATES = {
    Topic.HO_TICH: (
        [
            "Đăng ký khai sinh cho con sinh ở bệnh viện ngoài phường",
            "Thủ tục đăng ký kết hôn năm {year} cần giấy tờ gì?",
            "Xin cấp bản sao trích lục khai sinh ở đâu?",
        ],
        [
            "Con tôi sinh năm {year} tại bệnh viện ở quận khác. Gia đình tôi ở "
            "tổ {group_no}, xin hỏi có đăng ký khai sinh cho cháu tại phường "
            "được không và cần mang theo những giấy tờ gì?",
            "Tôi và vợ sắp cưới cùng thường trú tại tổ {group_no}. Xin hỏi thủ "
            "tục đăng ký kết hôn tại phường cần những giấy tờ gì, mất bao lâu?",
        ],
        [
            "<p>Theo Luật Hộ tịch năm 2014, người đi đăng ký nộp tờ khai theo "
            "mẫu, giấy chứng sinh và xuất trình giấy tờ tùy thân tại bộ phận "
            "Một cửa của Ủy ban nhân dân phường, hoặc nộp trực tuyến trên Cổng "
            "Dịch vụ công quốc gia.</p><p>Phường giải quyết ngay trong ngày "
            "nếu hồ sơ đầy đủ.</p>",
            "<p>Hồ sơ gồm tờ khai theo mẫu và giấy xác nhận tình trạng hôn "
            "nhân (nếu không thường trú tại phường). Hai bên cùng có mặt khi "
            "đăng ký; thời hạn giải quyết là 03 ngày làm việc.</p>",
        ],
    ),
    Topic.CU_TRU: (
        [
            "Hồ sơ đăng ký tạm trú cho người thuê trọ",
            "Đăng ký thường trú cho con về ở cùng bố mẹ",
            "Gia hạn tạm trú năm {year} làm ở đâu?",
        ],
        [
            "Gia đình tôi ở tổ {group_no} cho sinh viên thuê phòng. Xin hỏi "
            "hồ sơ đăng ký tạm trú cho các cháu cần những gì, nộp ở đâu?",
            "Tôi thuê nhà trên phố {street} từ năm {year}. Thời hạn tạm trú "
            "sắp hết, xin hỏi gia hạn thế nào?",
        ],
        [
            "<p>Theo Luật Cư trú năm 2020, hồ sơ gồm tờ khai thay đổi thông "
            "tin cư trú (mẫu CT01), giấy tờ chứng minh chỗ ở hợp pháp và văn "
            "bản đồng ý của chủ hộ.</p><p>Nộp tại Công an phường hoặc trực "
            "tuyến; thời hạn giải quyết là 03 ngày làm việc.</p>",
            "<p>Trong 15 ngày trước khi hết thời hạn tạm trú, công dân làm thủ "
            "tục gia hạn tại Công an phường với hồ sơ như khi đăng ký tạm "
            "trú.</p>",
        ],
    ),
    Topic.DAT_DAI: (
        [
            "Sửa chữa nhà trong ngõ có phải xin giấy phép?",
            "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
            "Tách thửa đất ở tổ {group_no} cần điều kiện gì?",
        ],
        [
            "Tôi muốn lát lại nền và thay mái cho nhà cấp 4 trong ngõ phố "
            "{street}, không thay đổi kết cấu. Có phải xin giấy phép xây "
            "dựng không?",
            "Gia đình tôi sử dụng đất ở tổ {group_no} ổn định từ trước năm "
            "{year}, chưa có giấy chứng nhận. Xin hỏi thủ tục cấp lần đầu?",
        ],
        [
            "<p>Sửa chữa, cải tạo bên trong công trình, không làm thay đổi "
            "kết cấu chịu lực và kiến trúc mặt ngoài thì được miễn giấy phép "
            "xây dựng (Luật Xây dựng, Điều 89).</p>",
            "<p>Hồ sơ nộp tại bộ phận Một cửa của phường gồm đơn đăng ký theo "
            "mẫu và giấy tờ về quyền sử dụng đất (nếu có). Phường xác nhận "
            "hiện trạng, nguồn gốc và thời điểm sử dụng đất.</p>",
        ],
    ),
    Topic.TRAT_TU_DO_THI: (
        [
            "Lấn chiếm vỉa hè trên phố {street}",
            "Xe máy để trên hè phố {street} cản lối đi",
        ],
        [
            "Nhiều hộ kinh doanh trên phố {street} bày hàng ra hết vỉa hè, "
            "người đi bộ phải xuống lòng đường. Đề nghị phường kiểm tra.",
        ],
        [
            "<p>Ủy ban nhân dân phường đã giao tổ công tác trật tự đô thị kiểm "
            "tra, nhắc nhở các hộ vi phạm và sẽ xử lý theo quy định nếu tái "
            "phạm. Cảm ơn ông/bà đã phản ánh.</p>",
        ],
    ),
    Topic.MOI_TRUONG: (
        [
            "Lịch thu gom rác thải ở tổ {group_no}",
            "Đổ phế thải xây dựng không đúng nơi quy định",
        ],
        [
            "Xin hỏi lịch thu gom rác sinh hoạt và rác cồng kềnh ở tổ "
            "{group_no} năm {year} như thế nào?",
        ],
        [
            "<p>Rác sinh hoạt được thu gom hằng ngày từ 18 giờ đến 20 giờ; "
            "rác cồng kềnh vào sáng Chủ nhật cuối tháng tại điểm tập kết của "
            "tổ dân phố.</p>",
        ],
    ),
    Topic.AN_SINH: (
        [
            "Người cao tuổi có được trợ cấp xã hội hằng tháng?",
            "Hồ sơ đề nghị công nhận hộ cận nghèo năm {year}",
        ],
        [
            "Mẹ tôi năm {year} tròn 80 tuổi, không có lương hưu. Xin hỏi có "
            "được hưởng trợ cấp hằng tháng không và làm thủ tục thế nào?",
        ],
        [
            "<p>Người từ đủ 80 tuổi không có lương hưu hoặc trợ cấp bảo hiểm "
            "xã hội hằng tháng được hưởng trợ cấp xã hội theo Nghị định số "
            "20/2021/NĐ-CP. Gia đình nộp tờ khai (mẫu số 1a) tại bộ phận Một "
            "cửa của phường.</p>",
        ],
    ),
    Topic.THU_TUC: (
        [
            "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công",
            "Chứng thực bản sao từ bản chính mất bao lâu?",
        ],
        [
            "Tôi muốn nộp hồ sơ trực tuyến thay vì đến phường. Xin hỏi những "
            "thủ tục nào làm được trực tuyến năm {year}?",
        ],
        [
            "<p>Phần lớn thủ tục hành chính cấp phường đã có trên Cổng Dịch "
            "vụ công quốc gia. Công dân đăng nhập bằng tài khoản định danh "
            "điện tử mức 2 để nộp hồ sơ và theo dõi kết quả.</p>",
        ],
    ),
    Topic.AN_NINH: (
        [
            "Phòng chống lừa đảo qua điện thoại",
            "Đăng ký camera an ninh cho tổ {group_no}",
        ],
        [
            "Gần đây nhiều người ở tổ {group_no} nhận cuộc gọi giả danh công "
            "an. Xin hỏi cần làm gì khi gặp những cuộc gọi như vậy?",
        ],
        [
            "<p>Công an không làm việc qua điện thoại và không yêu cầu chuyển "
            "tiền. Khi nhận cuộc gọi như vậy, người dân không cung cấp thông "
            "tin cá nhân và báo ngay Công an phường.</p>",
        ],
    ),
}


@dataclass
class Report:
    questions: int = 0
    first: datetime | None = None
    last: datetime | None = None


# fold_accents() goes letter by letter: word by word, remembered.
_fold_word = lru_cache(maxsize=100_000)(fold_accents)
_WORD = re.compile(r"[^\W_]+")


def folded(*texts: str) -> str:
    """The search text Submission.normalise() stores for these texts (the
    generated ones hold no personal data for privacy.scrub() to hide)."""
    words = " ".join(texts).split()
    return " ".join(_WORD.findall(" ".join(map(_fold_word, words))))


class Answers:
    """Each answer as stored (sanitised for the ward) and its plain text:
    a template's once, not a row's."""

    def __init__(self, ward):
        self.ward = ward
        self.made: dict[str, tuple[str, str]] = {}

    def get(self, html: str) -> tuple[str, str]:
        if html not in self.made:
            cleaned = clean_rich_text(html, self.ward)
            self.made[html] = (cleaned, plain_text(cleaned))
        return self.made[html]


def initials(rng) -> str:
    """Fake initials, as Submission.name_initials shows a name: "N.V.A."."""
    return ".".join(rng.choice(LETTERS) for _ in range(rng.choice((2, 3, 3)))) + "."


def _fill(template: str, rng, year: int) -> str:
    return nfc(
        template.format(
            group_no=rng.randint(1, 36), street=rng.choice(STREETS), year=year
        )
    )


def received_times(rng, count: int, now: datetime, years: int):
    """`count` times over the last `years`, oldest first, in office hours."""
    span = 365 * years
    today = timezone.localdate(now)
    start = today - timedelta(days=span)
    zone = timezone.get_current_timezone()
    for n in range(count):
        day = start + timedelta(days=int(span * (n + rng.random()) / count))
        minutes = rng.randint(7 * 60, 21 * 60)
        at = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
        yield min(at, now - timedelta(days=3))


class Slugs:
    """Slugs not yet taken in the ward, decided in memory: a title's slug,
    then numbered on from the last number given it (a few dozen titles
    share a hundred thousand questions)."""

    def __init__(self, ward):
        self.taken = set(
            Submission.objects.filter(ward=ward).values_list("slug", flat=True)
        )
        self.taken |= RESERVED_SLUGS
        self.last: dict[str, int] = {}

    def new(self, title: str) -> str:
        base = vietnamese_slugify(title)[:SLUG_LENGTH].strip("-") or "hoi-dap"
        n = self.last.get(base, 1)
        slug = base if n == 1 else f"{base}-{n}"
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        self.last[base] = n
        return slug


def _codes(year: int, count: int) -> range:
    """`count` numbers of the year's counter, taken at once (the caller's
    transaction holds the year's row until it ends)."""
    first = take(CODE_SERIES, year, count)
    return range(first, first + count)


def generate(
    ward,
    count: int,
    *,
    seed: int = DEFAULT_SEED,
    years: int = DEFAULT_YEARS,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> Report:
    """Write `count` published, answered questions for the ward, received
    over the last `years`, in one transaction; then ANALYZE."""
    rng = random.Random(seed)
    now = now or timezone.now()
    report = Report()
    topics = list(TEMPLATES)
    with transaction.atomic():
        slugs, answers = Slugs(ward), Answers(ward)
        batch = []
        for received in received_times(rng, count, now, years):
            made = _question(rng, ward, received, now, topics, slugs, answers)
            batch.append(made)
            if len(batch) == batch_size:
                _store(batch, report)
                batch = []
        if batch:
            _store(batch, report)
    bulkload.analyze(Submission, Counter)
    return report


def _question(rng, ward, received, now, topics, slugs, answers) -> Submission:
    topic = rng.choice(topics)
    titles, questions, answer_templates = TEMPLATES[topic]
    year = received.year
    title = _fill(rng.choice(titles), rng, year)
    body = _fill(rng.choice(questions), rng, year)
    answer, answer_text = answers.get(rng.choice(answer_templates))
    # Answered within ten days, published within a day and a bit: all of it
    # by now, so that every row is on the reader pages.
    answered = received + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
    answered = min(answered, now - timedelta(hours=2))
    published = answered + timedelta(hours=rng.randint(1, 30))
    return Submission(
        ward=ward,
        kind=Kind.QUESTION,
        name=initials(rng),
        group=f"Tổ {rng.randint(1, 36)}",
        consent_at=received,
        topic=topic,
        title=title,
        body=body,
        status=Status.PUBLISHED,
        answer=answer,
        answered_at=answered,
        closed_at=answered,
        published_at=min(published, now - timedelta(hours=1)),
        received_at=received,
        slug=slugs.new(title),
        search_folded=folded(title, body, answer_text),
    )


def _store(batch: list[Submission], report: Report):
    years: dict[int, list[Submission]] = {}
    for item in batch:
        years.setdefault(timezone.localtime(item.received_at).year, []).append(item)
    prefix = CODE_PREFIXES[Kind.QUESTION]
    for year, items in years.items():
        for item, number in zip(items, _codes(year, len(items)), strict=True):
            item.code = f"{prefix}-{year}-{number:06d}"
    Submission.objects.bulk_create(batch)
    report.questions += len(batch)
    report.first = report.first or batch[0].published_at
    report.last = batch[-1].published_at
