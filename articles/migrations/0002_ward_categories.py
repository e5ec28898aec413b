from django.db import migrations

# The usual sections of a ward portal, in menu order.
WARD_CATEGORIES = [
    ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
    ("Công tác Đảng", "cong-tac-dang"),
    ("Chính quyền", "chinh-quyen"),
    ("Mặt trận - Đoàn thể", "mat-tran-doan-the"),
    ("Kinh tế", "kinh-te"),
    ("Văn hóa - Xã hội", "van-hoa-xa-hoi"),
    ("An ninh - Quốc phòng", "an-ninh-quoc-phong"),
    ("Thông báo", "thong-bao"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("articles", "Category")
    for order, (name, slug) in enumerate(WARD_CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "menu_order": order * 10}
        )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("articles", "Category")
    Category.objects.filter(
        slug__in=[slug for _, slug in WARD_CATEGORIES], articles__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
