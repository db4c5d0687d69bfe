"""Checklist and ChecklistItem now belong to the checklist engine (shian.checklists), on the same tables: the
foreign keys are repointed and the models dropped in the migration state only; the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
        ("visits", "0003_entity_index_in_composite"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="visit",
                    name="checklist",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="checklists.checklist", verbose_name="检查表"),
                ),
                migrations.AlterField(
                    model_name="answer",
                    name="item",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="checklists.checklistitem"),
                ),
                migrations.AlterField(
                    model_name="problem",
                    name="item",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="checklists.checklistitem", verbose_name="检查项"),
                ),
                migrations.DeleteModel(name="ChecklistItem"),
                migrations.DeleteModel(name="Checklist"),
            ],
            database_operations=[],
        ),
    ]
