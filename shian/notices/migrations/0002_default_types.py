from django.db import migrations

# The four example grades of 三书一函 in escalating order (docs/notices.md §1; docs/domain.md §11: the seed names the
# scheme but not the titles, so these are national defaults a province, city or county overrides on the types page).
# (code, title, grade, reply period in working days, number prefix, standard text)
TYPES = [
    ("reminder", "提醒敦促函", 1, 10, "食安办函",
     "经查，你单位在{事由}方面存在以下问题。现予提醒敦促，请高度重视，认真研究，切实落实食品安全责任。"),
    ("rectification", "整改建议书", 2, 15, "食安办建",
     "你单位在{事由}方面存在的问题经提醒敦促仍未有效解决。根据食品安全工作责任制有关规定，现提出整改建议，请对照问题逐项整改。"),
    ("interview", "约谈通知书", 3, 5, "食安办约",
     "因你单位在{事由}方面的问题整改不力，根据食品安全工作责任制有关规定，决定对你单位主要负责人进行约谈。请按要求做好准备，并在约谈前书面报告整改情况。"),
    ("supervision", "督办通知书", 4, 5, "食安办督",
     "你单位在{事由}方面的问题经约谈仍未整改到位，现予挂牌督办。请限期整改到位，整改情况将纳入食品安全工作评议考核。"),
]


def seed(apps, schema_editor):
    NoticeType = apps.get_model("notices", "NoticeType")
    for code, title, grade, days, prefix, text in TYPES:
        NoticeType.objects.update_or_create(
            region_prefix="", code=code,
            defaults={"title": title, "grade": grade, "reply_days": days, "doc_prefix": prefix, "template_text": text},
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
