"""Province-default checklists (version 1, no region) and the rectification deadlines by severity (⚙)."""

import datetime

from django.db import migrations

from shian.visits.checklists import DEFAULTS

RULES = [
    ("problem.rectify_key", "包保督导重点项问题整改", "WD", 5, "地方规定（待核实，可按区划调整）"),
    ("problem.rectify_general", "包保督导一般项问题整改", "WD", 15, "地方规定（待核实，可按区划调整）"),
    ("problem.escalate_county", "逾期问题升级至县级（自整改期限起）", "WD", 5, "地方规定（待核实，可按区划调整）"),
]


def seed(apps, schema_editor):
    Checklist = apps.get_model("visits", "Checklist")
    ChecklistItem = apps.get_model("visits", "ChecklistItem")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for kind, (title, items) in DEFAULTS.items():
        checklist, created = Checklist.objects.get_or_create(
            kind=str(kind), region=None, version=1, defaults={"title": title, "note": "省级默认（DOMAIN §4.5）"}
        )
        if created:
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    checklist=checklist, position=n, category=category, severity=str(severity), text=text, guidance=hint
                )
                for n, (category, severity, text, hint) in enumerate(items, start=1)
            )
    for code, name, unit, amount, source in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            region_prefix="",
            version=1,
            defaults={"name": name, "unit": unit, "amount": amount, "valid_from": datetime.date(2020, 1, 1), "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial"), ("core", "0003_default_deadline_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
