"""The product categories and the extra fields their chain events carry (docs/trace.md §3): data, editable in the
admin, not columns. Pig products at market entry (S1 80): the animal quarantine certificate (动物检疫合格证明) and
the meat quality inspection certificate (肉品品质检验合格证明); imported cold-chain food (S1 51): the customs
declaration, the entry inspection and quarantine certificate, the nucleic-acid test report and the disinfection
certificate."""

from django.db import migrations

MARKET = ["received", "stall_received"]
CATEGORIES = [
    ("general", "一般食品", []),
    ("pork", "猪肉及其制品", [
        {"key": "origin", "label": "产地", "required": True, "events": MARKET},
        {"key": "quarantine_certificate", "label": "动物检疫合格证明编号", "required": True, "events": MARKET},
        {"key": "meat_quality_certificate", "label": "肉品品质检验合格证明编号", "required": False, "events": MARKET},
    ]),
    ("cold_chain", "进口冷链食品", [
        {"key": "customs_declaration", "label": "报关单号", "required": True, "events": MARKET},
        {"key": "inspection_certificate", "label": "入境货物检验检疫证明编号", "required": False, "events": MARKET},
        {"key": "nucleic_acid_report", "label": "核酸检测报告编号", "required": True, "events": MARKET},
        {"key": "disinfection_certificate", "label": "消毒（消杀）证明编号", "required": True, "events": MARKET},
    ]),
    ("infant_formula", "婴幼儿配方食品", []),
]


def add(apps, schema_editor):
    Category = apps.get_model("trace", "Category")
    for code, name, fields in CATEGORIES:
        Category.objects.update_or_create(code=code, defaults={"name": name, "fields": fields})


class Migration(migrations.Migration):
    dependencies = [("trace", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
