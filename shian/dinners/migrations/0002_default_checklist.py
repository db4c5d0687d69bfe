"""Province-default 农村集体聚餐现场指导检查表 (version 1, no region)."""

from django.db import migrations

from shian.dinners.defaults import ITEMS, NOTE, TITLE

KIND = "dinner_guidance"


def seed(apps, schema_editor):
    Checklist = apps.get_model("checklists", "Checklist")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    checklist, created = Checklist.objects.get_or_create(kind=KIND, region=None, version=1,
                                                         defaults={"title": TITLE, "note": NOTE})  # fmt: skip
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, position=n, category=c, severity=s, text=t, guidance=g)
            for n, (c, s, t, g) in enumerate(ITEMS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("dinners", "0001_initial"), ("checklists", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
