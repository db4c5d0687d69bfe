"""Each distinct factors list stored once (RiskFactorSet) and pointed to by the grades (docs/inspections.md §2):
the table and the (for now nullable) key; 0004 fills it, 0005 makes it required and drops the grades' factors.
Three migrations, so the key's deferred index and foreign key exist before 0004 writes through them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_defaults'),
    ]

    operations = [
        migrations.CreateModel(
            name='RiskFactorSet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sha256', models.CharField(max_length=64, unique=True)),
                ('factors', models.JSONField(default=list, verbose_name='计分项')),
            ],
            options={
                'verbose_name': '风险计分项',
                'verbose_name_plural': '风险计分项',
            },
        ),
        migrations.AddField(
            model_name='riskgrade',
            name='factor_set',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.riskfactorset', verbose_name='计分项'),
        ),
    ]
