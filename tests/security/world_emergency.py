"""The matrix world's emergency objects (docs/emergency.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    """At each position's business: an incident and an opinion item (kinds "incident" and "opinion"), and in its
    region a plan and a drill with their files (kinds "emergency_plan" and "exercise"); each titled with the
    position's marker, so a leak shows in any response."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.emergency.models import EmergencyPlan, Exercise, Incident, Opinion

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        author = w_admin(entity.region_id[:6])
        incident = Incident.objects.create(
            number=f"SGMATRIX-{n:04d}", region_id=entity.region_id, entity=entity, title=f"{m}食物中毒",
            summary=f"{m}腹泻", grade="IV", occurred_at=now - datetime.timedelta(hours=3),
            aware_at=now - datetime.timedelta(hours=2), first_report_due=now, affected=5, created_by=author,
        )  # fmt: skip
        w.objects.setdefault("incident", []).append(Instance(pos, {"pk": incident.pk}, entity.region_id, entity.pk))
        opinion = Opinion.objects.create(
            number=f"YQMATRIX-{n:04d}", region_id=entity.region_id, entity=entity, source_url="https://example.com/p",
            title=f"{m}网帖", summary=f"{m}网帖内容", found_at=now - datetime.timedelta(hours=1),
            feedback_due=now + datetime.timedelta(hours=23), created_by=author,
        )  # fmt: skip
        w.objects.setdefault("opinion", []).append(Instance(pos, {"pk": opinion.pk}, entity.region_id, entity.pk))
        plan = EmergencyPlan(region_id=entity.region_id, title=f"{m}应急预案{n}", version="2025版", department="县局",
                             approved_on=datetime.date(2025, 3, 1), created_by=author, file_name=f"{m}预案.pdf",
                             content_type="application/pdf")  # fmt: skip
        plan.file.save(f"matrix-plan-{pos}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        plan.save()
        w.objects.setdefault("emergency_plan", []).append(Instance(pos, {"pk": plan.pk}, entity.region_id))
        drill = Exercise(region_id=entity.region_id, plan=plan, kind="live", title=f"{m}实战演练",
                         held_on=datetime.date(2025, 6, 1), created_by=author, file_name=f"{m}演练.pdf",
                         content_type="application/pdf")  # fmt: skip
        drill.file.save(f"matrix-drill-{pos}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        drill.save()
        w.objects.setdefault("exercise", []).append(Instance(pos, {"pk": drill.pk}, entity.region_id))


EXTENSIONS = [add_all]
