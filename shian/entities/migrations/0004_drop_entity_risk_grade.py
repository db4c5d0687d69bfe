# The 风险等级 lives on the current inspections.RiskGrade alone (docs/inspections.md §2): a province's regrading
# no longer rewrites a million entity rows and their indexes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('entities', '0003_entity_grid_entity_risk_grade'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='entity',
            name='risk_grade',
        ),
    ]
