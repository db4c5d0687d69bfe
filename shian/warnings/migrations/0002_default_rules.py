"""The seeded warning rules (shian/warnings/defaults.py), version 1 each."""

from django.db import migrations

from shian.warnings.defaults import RULES


def seed(apps, schema_editor):
    WarningRule = apps.get_model("warnings", "WarningRule")
    for code, name, kind, level, scope, window, params, source in RULES:
        WarningRule.objects.get_or_create(code=code, version=1, defaults={
            "name": name, "kind": kind, "level": level, "scope": scope, "window_days": window, "params": params,
            "source": source, "is_current": True, "active": True})


class Migration(migrations.Migration):
    dependencies = [("warnings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
