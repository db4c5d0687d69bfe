"""Audit entries written before personal data was masked in the trail (issue 16) get their phone and ID numbers
masked in place. Entries are otherwise append-only; this one-off rewrite touches only those values."""

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast


# The append-only triggers (0002) are lifted for this rewrite only, and put back in the same transaction.
PAUSE = {
    "sqlite": ["DROP TRIGGER core_auditentry_no_update;"],
    "postgresql": ["ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only;"],
}
RESUME = {
    "sqlite": [
        "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
    ],
    "postgresql": ["ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only;"],
}


def mask_existing(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PAUSE.get(vendor, []):
        schema_editor.execute(sql)
    try:
        _mask(apps)
    finally:
        for sql in RESUME.get(vendor, []):
            schema_editor.execute(sql)


def _mask(apps):
    from shian.core.audit import mask_pii

    AuditEntry = apps.get_model("core", "AuditEntry")
    texts = AuditEntry.objects.annotate(b=Cast("before", TextField()), a=Cast("after", TextField()))
    suspects = texts.filter(
        Q(b__contains='"phone"') | Q(a__contains='"phone"') | Q(b__contains='"id_number"') | Q(a__contains='"id_number"')
    )
    for entry in suspects.only("pk", "before", "after").iterator(chunk_size=2000):
        before, after = mask_pii(entry.before), mask_pii(entry.after)
        if (before, after) != (entry.before, entry.after):
            AuditEntry.objects.filter(pk=entry.pk).update(before=before, after=after)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_rule_store")]

    operations = [migrations.RunPython(mask_existing, migrations.RunPython.noop)]
