"""The matrix world's routine-inspection objects (docs/inspections.md): one `add_*` per part, each adding the
kinds its routes name to `w.objects` (see world.py for `Instance` and the positions). `world.build()` calls
every function in EXTENSIONS after the core objects exist."""


# -- risk grading, grids, 明厨亮灶 --
def add_grading(w, users) -> None:
    pass


# -- stations, yearly plans, random draws --
def add_planning(w, users) -> None:
    pass


# -- tasks, inspections, rectification --
def add_inspecting(w, users) -> None:
    """Per position: a station with two inspectors, an open task, a signed inspection with an order, a photo."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.accounts.models import Role, User
    from shian.checklists.services import resolve_checklist
    from shian.core.regioncodes import TOWNSHIP, ancestor
    from shian.inspections.models import (
        Inspection,
        InspectionKind,
        InspectionPhoto,
        InspectionTask,
        Outcome,
        RectificationOrder,
        Signature,
    )
    from shian.inspections.models import Station as InspStation

    from .world import MARKERS, Instance

    now = timezone.now()
    stations = {}
    for pos, entity in w.entities.items():
        m, place = MARKERS[pos], entity.region_id
        township = ancestor(place, TOWNSHIP) or place
        if township not in stations:
            station = InspStation.objects.create(code=f"MX-INSP-{pos}", name=f"监管所{township}", region_id=place[:6])
            station.townships.add(township)
            stations[township] = station
        station = stations[township]
        inspectors = [
            User.objects.create_user(username=f"matrix-insp-{pos}-{n}", password="matrix-pass-2026",
                                     role=Role.STATION_STAFF, region_id=township, name=f"{m}执法{n}")
            for n in (1, 2)
        ]  # fmt: skip
        station.inspectors.add(*inspectors)
        ent = entity.pk
        task = InspectionTask.objects.create(
            entity=entity, region_id=place, station=station, kind=InspectionTask.Kind.KEY, due_on=now.date(),
            note=f"{m}检查任务",
        )  # fmt: skip
        task.inspectors.set(inspectors)
        w.objects.setdefault("insp_task", []).append(Instance(pos, {"pk": task.pk}, place, ent))
        checklist = resolve_checklist(kind=InspectionKind.CATERING, region_code=place)
        signed = now - datetime.timedelta(days=2)
        inspection = Inspection.objects.create(
            checklist=checklist, started_at=signed, signed_at=signed, signer_name=f"{m}执法1",
            signed_by=inspectors[0], entity=entity, region_id=place, station=station, kind="key",
            inspected_on=signed.date(), outcome=Outcome.BASIC, general_failed=1, summary=f"{m}检查意见",
            entity_signer=f"{m}店长",
        )  # fmt: skip
        for user in inspectors:
            Signature.objects.create(inspection=inspection, inspector=user, name=user.name, signed_at=signed)
        w.objects.setdefault("inspection", []).append(Instance(pos, {"pk": inspection.pk}, place, ent))
        order = RectificationOrder.objects.create(
            inspection=inspection, entity=entity, region_id=place, number=f"整改〔2026〕{m}-{pos}",
            items=[{"text": f"{m}整改事项", "severity": "general", "note": f"{m}问题"}], issued_at=signed,
            due_at=now + datetime.timedelta(days=5), due_rule={"code": "matrix", "amount": 5, "unit": "WD"},
        )  # fmt: skip
        w.objects.setdefault("rect_order", []).append(Instance(pos, {"pk": order.pk}, place, ent))
        photo = InspectionPhoto(inspection=inspection, item_position=1, name=f"{m}照片.txt",
                                content_type="text/plain", size=5, uploaded_by=inspectors[0])  # fmt: skip
        photo.file.save(f"matrix-insp-{pos}.txt", ContentFile(b"hello"), save=False)
        photo.save()
        w.objects.setdefault("insp_photo", []).append(Instance(pos, {"pk": photo.pk}, place, ent))


EXTENSIONS = [add_grading, add_planning, add_inspecting]
