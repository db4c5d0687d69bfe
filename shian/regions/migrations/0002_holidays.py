"""Seed the holiday table from chinese-calendar (State Council notices) so deadlines work from the first migrate."""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar import constants

    HolidayDay = apps.get_model("regions", "HolidayDay")
    names = {h.value: h.chinese for h in constants.Holiday}
    rows = [HolidayDay(date=d, is_working_day=False, name=names.get(n, n)) for d, n in constants.holidays.items() if d.weekday() < 5]
    rows += [HolidayDay(date=d, is_working_day=True, name=f"{names.get(n, n)}调休") for d, n in constants.workdays.items() if d.weekday() >= 5]
    HolidayDay.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
