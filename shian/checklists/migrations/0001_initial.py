"""The checklist tables move here from the visits app, in the migration state only: the tables keep their names
(visits_checklist, visits_checklistitem), so no row moves and nothing is written to the database. Their history
(creation, the province-default rows) stays in visits 0001-0002, which is why this depends on visits."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import shian.checklists.kinds


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("regions", "0002_holidays"),
        ("visits", "0003_entity_index_in_composite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Checklist",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=shian.checklists.kinds.kind_choices, max_length=20, verbose_name="检查表类型")),
                        ("version", models.PositiveIntegerField(verbose_name="版本")),
                        ("title", models.CharField(max_length=100, verbose_name="名称")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="修订说明")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("region", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="regions.region", verbose_name="适用区划")),
                    ],
                    options={
                        "verbose_name": "检查表",
                        "verbose_name_plural": "检查表",
                        "db_table": "visits_checklist",
                        "ordering": ["kind", "-version"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "region", "version"), name="checklist_kind_region_version"),
                            models.UniqueConstraint(condition=models.Q(("region__isnull", True)), fields=("kind", "version"), name="checklist_default_version"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ChecklistItem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveSmallIntegerField(verbose_name="序号")),
                        ("category", models.CharField(max_length=50, verbose_name="检查类别")),
                        ("text", models.CharField(max_length=300, verbose_name="检查内容")),
                        ("severity", models.CharField(choices=[("key", "重点项"), ("general", "一般项")], default="general", max_length=10, verbose_name="项目类型")),
                        ("guidance", models.CharField(blank=True, max_length=500, verbose_name="检查要点")),
                        ("checklist", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="items", to="checklists.checklist")),
                    ],
                    options={
                        "db_table": "visits_checklistitem",
                        "ordering": ["checklist", "position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("checklist", "position"), name="checklist_item_position"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
