"""The yearly training hours move from StaffingPolicy to the rule store (rule `duties.training_hours`); policy
versions gain a `valid_from` like every rule. Each policy row's hours become a rule row of the same region and
version, so a regional value survives the move."""

import datetime

from django.db import migrations, models

CODE = "duties.training_hours"
NAME = "主要负责人和食品安全管理人员年度培训学时"


def to_rule_store(apps, schema_editor):
    StaffingPolicy = apps.get_model("duties", "StaffingPolicy")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for policy in StaffingPolicy.objects.all():
        DeadlineRule.objects.get_or_create(
            code=CODE,
            region_prefix=policy.region_id or "",
            version=policy.version,
            defaults={
                "name": NAME,
                "unit": "ch",
                "amount": policy.training_hours,
                "valid_from": datetime.date(2000, 1, 1),
                "source": policy.note or "docs/domain.md §5（S1 53, S2）",
            },
        )


def from_rule_store(apps, schema_editor):
    StaffingPolicy = apps.get_model("duties", "StaffingPolicy")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for rule in DeadlineRule.objects.filter(code=CODE):
        StaffingPolicy.objects.filter(region_id=rule.region_prefix or None, version=rule.version).update(
            training_hours=rule.amount
        )
    DeadlineRule.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0004_entity_index_in_composite"),
        ("core", "0005_rule_store"),
    ]

    operations = [
        migrations.RunPython(to_rule_store, from_rule_store),
        migrations.RemoveField(model_name="staffingpolicy", name="training_hours"),
        migrations.AddField(
            model_name="staffingpolicy",
            name="valid_from",
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name="生效日期"),
        ),
    ]
