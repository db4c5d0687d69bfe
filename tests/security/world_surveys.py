"""The matrix world's surveys (docs/surveys.md): a draft survey of 昌乐县 (seen by its county's staff and those of the
townships and villages under it; its public form answers 404 while a draft) and one of 朝阳区 outside every role's
reach."""


def add_all(w, users) -> None:
    import datetime

    from shian.surveys.models import Option, Question, Survey

    from .world import Instance

    for pos, county in (("own", "370725"), ("outside", "110105")):
        s = Survey.objects.create(region_id=county, kind="satisfaction", title=f"matrix-{pos}",
                                  period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))  # fmt: skip
        q = Question.objects.create(survey=s, order=1, text="满意吗")
        Option.objects.create(question=q, order=1, text="满意", score=100)
        Option.objects.create(question=q, order=2, text="不满意", score=0)
        w.objects.setdefault("survey", []).append(Instance(pos, {"pk": s.pk}, county, enterprise_visible=True,
                                                           applies_downward=True))  # fmt: skip


EXTENSIONS = [add_all]
