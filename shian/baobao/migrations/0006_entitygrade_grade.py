# The grade in force (override, else computed) stored on the grading, so readers join one column instead of the
# entity table carrying a copy (docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('baobao', '0005_policy_valid_from'),
    ]

    operations = [
        migrations.AddField(
            model_name='entitygrade',
            name='grade',
            field=models.CharField(default='', max_length=1, verbose_name='包保等级'),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE baobao_entitygrade SET grade = CASE WHEN override_grade <> '' THEN override_grade"
            " ELSE computed_grade END",
            migrations.RunSQL.noop,
        ),
    ]
