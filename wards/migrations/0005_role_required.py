import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Every membership has its role now (articles 0010 made the roles).
    dependencies = [
        ("wards", "0004_membership_role"),
        ("articles", "0010_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.ForeignKey(
                help_text="Phóng viên viết và gửi duyệt; biên tập viên duyệt, "
                "đăng và gỡ bài của phường.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ward_memberships",
                to="auth.group",
                verbose_name="vai trò",
            ),
        ),
    ]
