"""The matrix world's cases objects (docs/cases.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    """A case at each position's business, under 挂牌督办 with one report request, and a file of evidence (kinds
    "case", "case_evidence" and "case_report")."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.cases.models import Case, CaseEvidence, CaseParty, ReportRequest, Supervision

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        staff = w_admin(entity.region_id[:6])
        case = Case.objects.create(
            number=f"AJMATRIX-{n:05d}", region_id=entity.region_id, entity=entity, title=f"{m}案件",
            opened_at=now - datetime.timedelta(days=3), created_by=staff, source=Case.Source.OTHER,
            facts=f"{m}违法事实", decision_due=now + datetime.timedelta(days=87),
        )  # fmt: skip
        CaseParty.objects.create(case=case, name=f"{m}当事人", phone="13812345678")
        w.objects.setdefault("case", []).append(Instance(pos, {"pk": case.pk}, entity.region_id, entity.pk))
        sup = Supervision.objects.create(case=case, level_id=entity.region_id[:2], reason=f"{m}督办",
                                         started_at=now, started_by=staff)  # fmt: skip
        req = ReportRequest.objects.create(supervision=sup, question=f"{m}报告进展", requested_at=now,
                                           requested_by=staff, due_at=now + datetime.timedelta(days=10))  # fmt: skip
        w.objects.setdefault("case_report", []).append(Instance(pos, {"pk": req.pk}, entity.region_id, entity.pk))
        evidence = CaseEvidence(case=case, name=f"{m}证据.txt", content_type="text/plain", size=5,
                                uploaded_by=staff)  # fmt: skip
        evidence.file.save(f"matrix-case-{pos}.txt", ContentFile(b"hello"), save=False)
        evidence.save()
        w.objects.setdefault("case_evidence", []).append(
            Instance(pos, {"pk": evidence.pk}, entity.region_id, entity.pk)
        )


EXTENSIONS = [add_all]
