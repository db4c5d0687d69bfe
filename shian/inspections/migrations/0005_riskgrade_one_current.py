"""The grades point to their shared factor set (filled by 0004) and at most one is current per entity: a partial
unique index that is also how readers join an entity's band (docs/inspections.md §2)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0004_share_factor_sets'),
    ]

    operations = [
        migrations.AlterField(
            model_name='riskgrade',
            name='factor_set',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.riskfactorset', verbose_name='计分项'),
        ),
        migrations.RemoveField(
            model_name='riskgrade',
            name='factors',
        ),
        migrations.RemoveIndex(
            model_name='riskgrade',
            name='riskgrade_entity_current',
        ),
        migrations.AddConstraint(
            model_name='riskgrade',
            constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('entity',), name='riskgrade_one_current'),
        ),
    ]
