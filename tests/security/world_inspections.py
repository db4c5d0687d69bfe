"""The matrix world's routine-inspection objects (docs/inspections.md): one `add_*` per part, each adding the
kinds its routes name to `w.objects` (see world.py for `Instance` and the positions). `world.build()` calls
every function in EXTENSIONS after the core objects exist."""


# -- risk grading, grids, 明厨亮灶 --
def add_grading(w, users) -> None:
    """A graded entity per position (the risk pages name it by `entity_id`) and a 明厨亮灶 link per position
    (`kitchen_link`), the position's marker in its platform and channel."""
    import datetime

    from shian.inspections.models import KitchenLink
    from shian.inspections.services.grading import regrade_entities

    from .world import MARKERS, Instance

    regrade_entities([entity.pk for entity in w.entities.values()], trigger="matrix")
    for pos, entity in w.entities.items():
        link = KitchenLink.objects.create(
            entity=entity, platform=f"{MARKERS[pos]}明厨亮灶平台", channel_id=f"{MARKERS[pos]}通道",
            url="https://example.com/live", since=datetime.date(2026, 1, 5),
        )  # fmt: skip
        w.objects.setdefault("kitchen_link", []).append(Instance(pos, {"pk": link.pk}, entity.region_id, entity.pk))


# -- stations, yearly plans, random draws --
def add_planning(w, users) -> None:
    """Stations (by county: own and township in 昌乐县, outside in 朝阳区), a plan and a draw per township with
    an item / a task for that position's business; every name carries the position's marker."""
    import datetime

    from shian.inspections.models import InspectionPlan, InspectionTask, PlannedInspection, RandomDraw, Station

    from .world import MARKERS, Instance

    admin = users["county_admin"]
    for pos, county, township in (("own", "370725", "370725001"), ("township", "370725", "370725107"),
                                  ("outside", "110105", "110105001")):  # fmt: skip
        m = MARKERS[pos]
        entity = w.entities[pos]
        station = Station.objects.create(code=f"matrix-{pos}", name=f"{m}市场监管所", region_id=county)
        station.townships.set([township])
        w.objects.setdefault("station", []).append(Instance(pos, {"pk": station.pk}, county))
        plan = InspectionPlan.objects.create(region_id=township, year=2027, summary={"entities": 1, "planned": 1},
                                             shortfall=[{"station": station.pk, "station_name": station.name,
                                                         "month": 3, "needed": 1, "capacity": 0,
                                                         "missing_inspectors": 2}])  # fmt: skip
        PlannedInspection.objects.create(plan=plan, entity=entity, station=station, month=3, reason="band")
        w.objects.setdefault("plan", []).append(Instance(pos, {"pk": plan.pk}, township))
        candidates = [[entity.pk, entity.uscc, "", station.pk]]
        draw = RandomDraw.objects.create(
            region_id=township, station=station, title=f"{m}双随机抽取", algorithm="sha256-sample-v1", seed="matrix",
            count=1, candidates=candidates, candidates_sha256="0" * 64, inspectors={"min_inspectors": 2,
            "stations": {}}, inspectors_sha256="0" * 64, created_by=admin,
            publish_due=datetime.date.today() + datetime.timedelta(days=20),
            result=[{"entity": entity.pk, "uscc": entity.uscc, "station": station.pk, "inspectors": []}],
        )  # fmt: skip
        InspectionTask.objects.create(entity=entity, region_id=entity.region_id, station=station, draw=draw,
                                      kind=InspectionTask.Kind.RANDOM, due_on=draw.publish_due)  # fmt: skip
        w.objects.setdefault("draw", []).append(Instance(pos, {"pk": draw.pk}, township))


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
