"""The public search's address substring (docs/portal.md §2): a pg_trgm GIN index on the registry's address, beside
entities' `entity_name_trgm` (PostgreSQL only; SQLite scans). The portal owns it because only the public search
looks businesses up by address."""

from django.db import migrations


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS entity_address_trgm ON entities_entity USING gin (address gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS entity_address_trgm")


class Migration(migrations.Migration):
    dependencies = [("entities", "0002_search_indexes")]

    operations = [migrations.RunPython(trigram_index, drop_trigram_index, elidable=False)]
