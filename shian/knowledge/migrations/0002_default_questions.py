"""The default 监督抽考 question bank (shian/knowledge/defaults.py), so a fresh install can schedule tests."""

from django.db import migrations

from shian.knowledge.defaults import QUESTIONS


def _tags(values):
    values = sorted(set(values))
    return f"|{'|'.join(values)}|" if values else ""


def seed(apps, schema_editor):
    Question = apps.get_model("knowledge", "Question")
    existing = set(Question.objects.values_list("text", flat=True))
    Question.objects.bulk_create(
        Question(
            kind=kind, text=text, options=options, answer=answer, roles=_tags(roles),
            business_types=_tags(types), points=points, explanation=explanation,
        )
        for kind, text, options, answer, roles, types, points, explanation in QUESTIONS
        if text not in existing
    )


def unseed(apps, schema_editor):
    Question = apps.get_model("knowledge", "Question")
    Question.objects.filter(text__in=[q[1] for q in QUESTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
