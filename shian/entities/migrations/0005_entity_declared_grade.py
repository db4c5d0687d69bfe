# The 包保 grade lives on the entity's baobao grading alone (docs/baobao.md, docs/performance.md): the register
# keeps only the grade a ledger declared, which stands until the first grading. Existing values stay as declared
# grades; an entity with a grading reads that grading's grade.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('entities', '0004_drop_entity_risk_grade'),
    ]

    operations = [
        migrations.RenameField(
            model_name='entity',
            old_name='baobao_grade',
            new_name='declared_grade',
        ),
        migrations.AlterField(
            model_name='entity',
            name='declared_grade',
            field=models.CharField(blank=True, choices=[('A', 'A'), ('B', 'B'), ('C', 'C'), ('D', 'D')], max_length=1, verbose_name='台账登记等级'),
        ),
    ]
