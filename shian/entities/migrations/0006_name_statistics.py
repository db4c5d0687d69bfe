from django.db import migrations

# PostgreSQL's default statistics target (100) samples 30,000 names of a province's million: a four-character
# search then looks a hundred times rarer than it is, and the planner sorts all 7,000 matches of a common name
# where walking the (region, name) index would fill the page at once (docs/performance.md, entity search).
NAME_STATISTICS = 1000


def raise_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE entities_entity ALTER COLUMN name SET STATISTICS {NAME_STATISTICS}")


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE entities_entity ALTER COLUMN name SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("entities", "0005_entity_declared_grade")]

    operations = [migrations.RunPython(raise_statistics, reset_statistics)]
