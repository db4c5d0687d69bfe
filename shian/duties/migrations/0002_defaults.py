"""Province-default risk-control lists and staffing rules (docs/domain.md §5 ⚙), editable by adding newer rows."""

from django.db import migrations

from shian.duties.defaults import DIRECTOR_RULES, RISK_ITEMS


def seed(apps, schema_editor):
    RiskItem = apps.get_model("duties", "RiskItem")
    StaffingPolicy = apps.get_model("duties", "StaffingPolicy")
    for kind, items in RISK_ITEMS.items():
        if not RiskItem.objects.filter(kind=str(kind), entity__isnull=True).exists():
            RiskItem.objects.bulk_create(
                RiskItem(kind=str(kind), position=n, area=area, measure=measure)
                for n, (area, measure) in enumerate(items, start=1)
            )
    rules = [{k: (list(map(str, v)) if isinstance(v, list) else v) for k, v in rule.items()} for rule in DIRECTOR_RULES]
    StaffingPolicy.objects.get_or_create(
        region=None, version=1, defaults={"director_rules": rules, "training_hours": 40, "note": "省级默认（DOMAIN §5，待核实）"}
    )


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
