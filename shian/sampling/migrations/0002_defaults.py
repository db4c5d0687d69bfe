"""The default food-category table (version 1, national)."""

from django.db import migrations

from shian.sampling.defaults import CATEGORIES


def seed(apps, schema_editor):
    CategoryTable = apps.get_model("sampling", "CategoryTable")
    CategoryTable.objects.get_or_create(
        region=None, version=1, defaults={"rows": CATEGORIES, "source": "docs/domain.md §8（各地抽检计划常用分类）", "note": "默认"}
    )


class Migration(migrations.Migration):
    dependencies = [("sampling", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
