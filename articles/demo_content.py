"""Demo content for a fresh developer database: the real seed article and a
handful of generated ones, so every page has something to show."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.html import escape

from vietnamese.text import vietnamese_slugify
from wards.hosts import default_ward
from wards.models import Ward, WardHost

from .demo_pictures import demo_picture
from .importing import import_file
from .models import Article, Category, DailyViews

SEED_FILE = Path(__file__).parent / "demo" / "cong-tac-dang-2022-01-24.txt"

# (category slug, title, lead, body paragraphs, days ago, the scene of its
# photo: articles/demo_pictures.py)
GENERATED = [
    (
        "tin-tuc-su-kien",
        "Phường tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
        "Sáng Chủ nhật, đông đảo nhân dân các tổ dân phố đã tham gia Ngày hội "
        "Đại đoàn kết toàn dân tộc với nhiều hoạt động văn hóa, thể thao sôi nổi.",
        [
            "Ngày hội là dịp để nhân dân ôn lại truyền thống vẻ vang của Mặt trận "
            "Tổ quốc Việt Nam, biểu dương các gia đình văn hóa tiêu biểu.",
            "Các tổ dân phố đã tham gia thi kéo co, nhảy bao bố và hội thi ẩm thực.",
        ],
        1,
        "festival",
    ),
    (
        "thong-bao",
        "Thông báo lịch tiếp công dân tháng 12",
        "Ủy ban nhân dân phường thông báo lịch tiếp công dân định kỳ của "
        "lãnh đạo phường trong tháng 12.",
        [
            "Thời gian: sáng thứ Năm hằng tuần, từ 8 giờ đến 11 giờ 30.",
            "Địa điểm: phòng tiếp công dân, trụ sở Ủy ban nhân dân phường.",
            "Công dân mang theo căn cước và giấy tờ liên quan đến nội dung kiến nghị.",
        ],
        2,
        None,
    ),
    (
        "kinh-te",
        "Hỗ trợ hộ kinh doanh chuyển đổi số, thanh toán không dùng tiền mặt",
        "Tổ công tác chuyển đổi số của phường đã đến từng hộ kinh doanh để "
        "hướng dẫn mở tài khoản và dùng mã QR khi thanh toán.",
        [
            "Đến nay, hơn 80% hộ kinh doanh tại chợ dân sinh đã có mã QR.",
            "Phường tiếp tục phối hợp với các ngân hàng hỗ trợ người cao tuổi.",
        ],
        3,
        "market",
    ),
    (
        "van-hoa-xa-hoi",
        "Trao quà cho các gia đình chính sách, hộ có hoàn cảnh khó khăn",
        "Lãnh đạo phường đã đến thăm, tặng quà các gia đình chính sách, "
        "hộ nghèo và người cao tuổi cô đơn trên địa bàn.",
        [
            "Mỗi suất quà gồm tiền mặt và nhu yếu phẩm, tổng giá trị hơn "
            "200 triệu đồng.",
            "Đây là hoạt động thường niên thể hiện đạo lý “Uống nước nhớ nguồn”.",
        ],
        4,
        "street",
    ),
    (
        "an-ninh-quoc-phong",
        "Ra quân huấn luyện lực lượng dân quân tự vệ",
        "Ban Chỉ huy quân sự phường tổ chức lễ ra quân huấn luyện cho lực "
        "lượng dân quân tự vệ.",
        [
            "Năm nay, lực lượng dân quân tập trung huấn luyện điều lệnh, "
            "kỹ thuật bắn súng và phòng cháy, chữa cháy.",
        ],
        5,
        "drill",
    ),
    (
        "chinh-quyen",
        "Kỳ họp thứ nhất Hội đồng nhân dân phường",
        "Kỳ họp đã thông qua các nghị quyết quan trọng về phát triển kinh tế - "
        "xã hội, bảo đảm quốc phòng - an ninh.",
        [
            "Các đại biểu đã thảo luận và biểu quyết thông qua 6 nghị quyết.",
            "Kỳ họp cũng dành thời gian chất vấn về vệ sinh môi trường và "
            "trật tự đô thị.",
        ],
        6,
        None,
    ),
    (
        "mat-tran-doan-the",
        "Đoàn thanh niên ra quân “Ngày Chủ nhật xanh”",
        "Hơn 150 đoàn viên, thanh niên đã tham gia dọn dẹp vệ sinh, trồng cây "
        "xanh dọc các tuyến phố.",
        [
            "Hoạt động góp phần nâng cao ý thức bảo vệ môi trường trong cộng đồng.",
        ],
        8,
        "green-sunday",
    ),
]


# A second ward, so a newcomer sees one installation serving two: browsers
# send any *.localhost name to 127.0.0.1.
# The credit lines of a few demo articles (Tác giả, Nguồn, the source's
# link), by title: one written by the ward, one taken from a newspaper.
CREDITS = {
    "Phường tổ chức Ngày hội Đại đoàn kết toàn dân tộc": (
        "Thu Hà (Văn phòng HĐND - UBND phường)",
        "",
        "",
    ),
    "Hỗ trợ hộ kinh doanh chuyển đổi số, thanh toán không dùng tiền mặt": (
        "Minh Quân",
        "Báo Hà Nội mới",
        "https://hanoimoi.vn/",
    ),
}

DEFAULT_WARD_HOST = "127.0.0.1"
SECOND_WARD_HOST = "bode.localhost"
SECOND_WARD = {
    "name": "Phường Bồ Đề",
    "address": "Số 1 phố Bồ Đề, phường Bồ Đề, thành phố Hà Nội",
    "phone": "024 3872 0000",
    "email": "ubndbode@hanoi.gov.vn",
    "responsible_person": "Chủ tịch UBND phường Bồ Đề",
}
SECOND_WARD_ARTICLES = [
    (
        "tin-tuc-su-kien",
        "Phường Bồ Đề ra quân tổng vệ sinh môi trường ven sông Hồng",
        "Hàng trăm cán bộ, đoàn viên và nhân dân phường Bồ Đề đã tham gia dọn "
        "dẹp, thu gom rác thải dọc bãi sông Hồng.",
        [
            "Lực lượng tham gia đã thu gom hơn 5 tấn rác thải và phát quang "
            "nhiều tuyến đường dân sinh.",
        ],
        1,
        "riverside",
    ),
    (
        "thong-bao",
        "Thông báo lịch tiêm chủng mở rộng tháng 12 tại trạm y tế phường",
        "Trạm y tế phường Bồ Đề thông báo lịch tiêm chủng mở rộng cho trẻ em "
        "trong tháng 12.",
        [
            "Thời gian: từ 7 giờ 30 đến 11 giờ, ngày 10 và 11 hằng tháng.",
            "Phụ huynh mang theo sổ tiêm chủng của trẻ.",
        ],
        2,
        None,
    ),
    (
        "cong-tac-dang",
        "Đảng bộ phường Bồ Đề sơ kết công tác xây dựng Đảng",
        "Đảng ủy phường Bồ Đề tổ chức hội nghị sơ kết công tác xây dựng Đảng "
        "và hệ thống chính trị.",
        ["Hội nghị đã biểu dương 12 chi bộ hoàn thành xuất sắc nhiệm vụ."],
        3,
        "hall",
    ),
]


def load_demo_content() -> list[str]:
    """Demo articles for the default ward and a second ward at
    bode.localhost; returns what it did.

    A ward that already has articles is left alone, so real content is
    never touched; the second ward is made if it is missing.
    """
    done = []
    ward = default_ward()
    # Its own host name, so "Xem trên trang" in the other ward's admin
    # finds it.
    WardHost.objects.get_or_create(host=DEFAULT_WARD_HOST, defaults={"ward": ward})
    if not Article.objects.filter(ward=ward).exists():
        result = import_file(SEED_FILE, ward)
        done.append(f"{ward.name}: {SEED_FILE.name}: {result.message}")
        done += _add_articles(ward, GENERATED)
        notices = Category.objects.get(ward=ward, slug="thong-bao")
        Article.objects.create(
            category=notices,
            title="Lịch cắt điện tuần tới (bản nháp)",
            lead="Bản nháp: chưa hiện với bạn đọc.",
            status=Article.Status.DRAFT,
        )
        Article.objects.create(
            category=notices,
            title="Kế hoạch tiêm chủng mở rộng tháng tới",
            lead="Chờ duyệt: phóng viên đã gửi, biên tập viên chưa đăng.",
            status=Article.Status.REVIEW,
        )
        Article.objects.create(
            category=notices,
            title="Thông báo lịch tiếp dân của Chủ tịch UBND phường",
            lead="Hẹn giờ: tự hiện với bạn đọc vào sáng mai.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.localtime().replace(hour=8, minute=0, second=0)
            + timedelta(days=1),
        )
        done.append(f"{ward.name}: 1 bản nháp, 1 bài chờ duyệt, 1 bài hẹn giờ")
    second, created = Ward.objects.update_or_create_for_host(
        SECOND_WARD_HOST, **SECOND_WARD
    )
    if created:
        done.append(f"Phường thứ hai: {second.name}, tên miền {SECOND_WARD_HOST}")
    if not Article.objects.filter(ward=second).exists():
        done += _add_articles(second, SECOND_WARD_ARTICLES)
    return done


def _add_articles(ward, articles) -> list[str]:
    now = timezone.now()
    done = []
    for slug, title, lead, paragraphs, days_ago, scene in articles:
        article = Article(
            category=Category.objects.get(ward=ward, slug=slug),
            title=title,
            lead=lead,
            body="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=days_ago, hours=days_ago),
            view_count=17 * days_ago + 5,
        )
        article.byline, article.source, article.source_url = CREDITS.get(
            title, ("", "", "")
        )
        if scene:
            picture, article.featured_image_alt = demo_picture(scene, seed=ward.pk)
            article.featured_image.save(
                f"{vietnamese_slugify(title)[:40]}.jpg", picture, save=False
            )
        article.save()
        _add_daily_views(article)
        done.append(f"{ward.name}: {title}")
    return done


def _add_daily_views(article) -> None:
    """The article's views spread over the days since it came out (at most
    the last 30), more on the first days, adding up to its count: so "Thống
    kê" has something to show."""
    today = timezone.localdate()
    first = max(timezone.localtime(article.published_at).date(), today - timedelta(29))
    days = [first + timedelta(n) for n in range((today - first).days + 1)]
    weights = [len(days) - n for n in range(len(days))]
    shares = [article.view_count * w // sum(weights) for w in weights]
    shares[0] += article.view_count - sum(shares)
    DailyViews.objects.bulk_create(
        DailyViews(article=article, day=day, views=views)
        for day, views in zip(days, shares, strict=True)
        if views
    )
