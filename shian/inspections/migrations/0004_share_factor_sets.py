"""The grades' factors moved to their shared sets (docs/inspections.md §2); the column goes in 0005. At most one
current grade per entity from 0005 on: duplicates (older code could leave two) keep the newest row current."""

import hashlib
import json

from django.db import migrations
from django.db.models import Max


def digest(factors) -> str:
    """RiskFactorSet.digest as of this migration (frozen here)."""
    text = json.dumps(factors, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def share_factors(apps, schema_editor):
    """Set-based: the distinct lists read once, one set each, then one UPDATE ... FROM on PostgreSQL (one UPDATE
    per distinct stored text elsewhere, and for anything the join left)."""
    RiskGrade = apps.get_model("inspections", "RiskGrade")
    RiskFactorSet = apps.get_model("inspections", "RiskFactorSet")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    grades, sets = quote(RiskGrade._meta.db_table), quote(RiskFactorSet._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT factors FROM {grades}")
        texts = [row[0] for row in cursor.fetchall()]
        by_digest: dict[str, tuple[list, list]] = {}
        for text in texts:
            factors = json.loads(text) if isinstance(text, str) else text
            by_digest.setdefault(digest(factors), (factors, []))[1].append(text)
        RiskFactorSet.objects.bulk_create(
            [RiskFactorSet(sha256=d, factors=factors) for d, (factors, _texts) in by_digest.items()], batch_size=1000
        )
        ids = dict(RiskFactorSet.objects.values_list("sha256", "pk"))
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE {grades} AS g SET factor_set_id = s.id FROM {sets} AS s WHERE g.factors = s.factors")
        if RiskGrade.objects.filter(factor_set__isnull=True).exists():
            for d, (_factors, same) in by_digest.items():
                for text in same:
                    value = text if isinstance(text, str) else json.dumps(text)
                    cursor.execute(
                        f"UPDATE {grades} SET factor_set_id = %s WHERE factor_set_id IS NULL AND factors = %s",
                        [ids[d], value],
                    )
    newest = RiskGrade.objects.filter(is_current=True).values("entity_id").annotate(m=Max("id")).values("m")
    RiskGrade.objects.filter(is_current=True).exclude(id__in=newest).update(is_current=False)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_riskfactorset'),
    ]

    operations = [
        migrations.RunPython(share_factors, migrations.RunPython.noop),
    ]
