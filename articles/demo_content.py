"""Demo content for a fresh developer database: the real seed article and a
handful of generated ones, so every page has something to show."""

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from .importing import import_file
from .models import Article, Category
from .text import vietnamese_slugify

SEED_FILE = Path(__file__).parent / "demo" / "cong-tac-dang-2022-01-24.txt"

# (category slug, title, lead, body paragraphs, days ago, image colour)
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
        (200, 40, 40),
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
        (30, 110, 170),
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
        (190, 120, 20),
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
        (40, 120, 60),
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
        (20, 140, 130),
    ),
]


def load_demo_content() -> list[str]:
    """Fill an empty database with demo articles; returns what it did.

    Does nothing when any article exists, so it never touches real content.
    """
    if Article.objects.exists():
        return []
    done = []
    result = import_file(SEED_FILE)
    done.append(f"{SEED_FILE.name}: {result.message}")
    now = timezone.now()
    for slug, title, lead, paragraphs, days_ago, colour in GENERATED:
        article = Article(
            category=Category.objects.get(slug=slug),
            title=title,
            lead=lead,
            body="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=days_ago, hours=days_ago),
            view_count=17 * days_ago + 5,
        )
        if colour:
            article.featured_image.save(
                f"{vietnamese_slugify(title)[:40]}.jpg", _demo_image(colour), save=False
            )
        article.save()
        done.append(title)
    Article.objects.create(
        category=Category.objects.get(slug="thong-bao"),
        title="Lịch cắt điện tuần tới (bản nháp)",
        lead="Bản nháp: chưa hiện với bạn đọc.",
        status=Article.Status.DRAFT,
    )
    done.append("1 bản nháp")
    return done


def _demo_image(colour) -> ContentFile:
    """A plain 1200x675 picture in the given colour, with a light band."""
    image = Image.new("RGB", (1200, 675), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 675), fill=tuple(min(255, c + 60) for c in colour))
    draw.ellipse((480, 160, 720, 400), outline=(255, 255, 255), width=12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue())
