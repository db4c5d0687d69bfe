"""Province-default 监督检查要点表 (version 1, no region) and the two risk-grading schemes (version 1, national)."""

from django.db import migrations

from shian.inspections.defaults import DEFAULT_CHECKLISTS, SCHEMES


def seed(apps, schema_editor):
    Checklist = apps.get_model("checklists", "Checklist")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    RiskScheme = apps.get_model("inspections", "RiskScheme")
    for kind, (title, items) in DEFAULT_CHECKLISTS.items():
        checklist, created = Checklist.objects.get_or_create(
            kind=str(kind), region=None, version=1, defaults={"title": title, "note": "省级默认（〔2016〕58号）"}
        )
        if created:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    checklist=checklist, position=n, category=category, severity=str(severity), text=text, guidance=hint
                )
                for n, (category, severity, text, hint) in enumerate(items, start=1)
            )
    for variant, scheme in SCHEMES.items():
        RiskScheme.objects.get_or_create(
            region=None, variant=variant, version=1,
            defaults={"tables": scheme["tables"], "bands": scheme["bands"], "frequency": scheme["frequency"],
                      "source": scheme["source"], "note": "默认"},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("checklists", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
