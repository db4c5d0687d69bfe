from django.db import migrations

# Sector authorities named in docs/domain.md §1 (行业主管部门), plus the market-regulation bureau itself.
DEPARTMENTS = [
    ("market_regulation", "市场监督管理局"),
    ("education", "教育局"),
    ("health", "卫生健康局"),
    ("civil_affairs", "民政局"),
    ("agriculture", "农业农村局"),
    ("commerce", "商务局"),
    ("housing", "住房和城乡建设局"),
    ("public_security", "公安局"),
    ("grain", "粮食和物资储备局"),
    ("tourism", "文化和旅游局"),
    ("food_safety_office", "食品安全委员会办公室"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
