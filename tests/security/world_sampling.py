"""The matrix world's sampling objects (docs/sampling.md): one `add_*` per part, each adding the kinds its routes
name to `w.objects` (see world.py for `Instance` and the positions)."""


# -- plans, tasks --
def add_planning(w, users) -> None:
    """A yearly plan per place (kind "sampling_plan"), with a line and its task, and residents on the townships."""
    from shian.core.regioncodes import TOWNSHIP, ancestor
    from shian.regions.models import Region
    from shian.sampling.models import CategoryTable, PlanLine, SamplingPlan, SamplingTask

    from .world import PLACES, Instance

    table = CategoryTable.objects.filter(region__isnull=True).order_by("-version").first()
    for pos in ("own", "township", "outside"):
        place = PLACES[pos]
        region = ancestor(place, TOWNSHIP) or place
        Region.objects.filter(code=region).update(population=10_000)
        plan = SamplingPlan.objects.create(region_id=region, year=2026, residents=10_000, rate=5, batches=50,
                                           categories=table, summary={"version": 1, "by_kind": {"supervision": 50}})  # fmt: skip
        line = PlanLine.objects.create(plan=plan, category="condiment", township_id=region, month=3, batches=50)
        SamplingTask.objects.create(line=line, region_id=region, category="condiment", month=202603, batches=50)
        w.objects.setdefault("sampling_plan", []).append(Instance(pos, {"pk": plan.pk}, region))


# -- samples --
def add_samples(w, users) -> None:
    """A sample at each position's business, and a photo of it (kinds "sample" and "sample_photo")."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.sampling.models import Lab, Sample, SamplePhoto

    from .world import MARKERS, Instance, w_admin

    lab = Lab.objects.create(name="矩阵检验所", code="MATRIX-LAB", region_id="370725")
    now = timezone.now()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        sample = Sample.objects.create(
            number=f"CJMATRIX-{n:05d}", entity=entity, region_id=entity.region_id, category="condiment",
            product=f"{m}酱油", quantity="6瓶", lab=lab, sampled_at=now - datetime.timedelta(days=1),
            to_lab_due=now + datetime.timedelta(days=4), created_by=w_admin(entity.region_id[:6]),
        )  # fmt: skip
        w.objects.setdefault("sample", []).append(Instance(pos, {"pk": sample.pk}, entity.region_id, entity.pk))
        photo = SamplePhoto(sample=sample, name=f"{m}样品.txt", content_type="text/plain", size=5,
                            uploaded_by=sample.created_by)  # fmt: skip
        photo.file.save(f"matrix-sample-{pos}.txt", ContentFile(b"hello"), save=False)
        photo.save()
        w.objects.setdefault("sample_photo", []).append(Instance(pos, {"pk": photo.pk}, entity.region_id, entity.pk))


# -- lab results, disposal --
def add_results(w, users) -> None:
    """At each position: a failed result on the position's sample with its disposal case, an evidence file of
    it, a cross-region notice (sent to the sample's own place, so that it reads like the sample), and a lab-file
    batch of the position's region (kinds "disposal", "disposal_file", "notice", "lab_batch")."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.sampling.models import CrossRegionNotice, Disposal, LabResultBatch, Sample, SamplePhoto, SampleResult

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    for inst in list(w.objects.get("sample", [])):
        sample = Sample.objects.get(pk=inst.kwargs["pk"])
        m, pos = MARKERS[inst.position], inst.position
        Sample.objects.filter(pk=sample.pk).update(
            status=Sample.Status.REPORTED, conclusion=Sample.Conclusion.FAIL, report_number=f"MATRIX-{sample.pk}",
            report_date=now.date(),
        )  # fmt: skip
        SampleResult.objects.create(sample=sample, item=f"{m}苯甲酸", value="2.0", limit="≤1.0", verdict="fail")
        disposal = Disposal.objects.create(
            sample=sample, entity_id=sample.entity_id, region_id=sample.region_id, opened_at=now,
            due_at=now + datetime.timedelta(days=90), retest_due=now + datetime.timedelta(days=9),
        )  # fmt: skip
        w.objects.setdefault("disposal", []).append(Instance(pos, {"pk": disposal.pk}, inst.region, inst.entity_id))
        evidence = SamplePhoto(disposal=disposal, name=f"{m}召回记录.txt", content_type="text/plain", size=5,
                               uploaded_by=sample.created_by)  # fmt: skip
        evidence.file.save(f"matrix-disposal-{pos}.txt", ContentFile(b"hello"), save=False)
        evidence.save()
        w.objects.setdefault("disposal_file", []).append(
            Instance(pos, {"pk": evidence.pk}, inst.region, inst.entity_id)
        )
        notice = CrossRegionNotice.objects.create(sample=sample, to_region_id=sample.region_id, sent_at=now)
        w.objects.setdefault("notice", []).append(Instance(pos, {"pk": notice.pk}, inst.region, inst.entity_id))
        county = sample.region_id[:6]
        batch = LabResultBatch.objects.create(
            kind="lab_results", file_name=f"{m}检验结果.xlsx", file_hash=pos * 4, region_id=county,
            file=ContentFile(b"PK", name=f"lab-{pos}.xlsx"), report=ContentFile(b"PK", name=f"lab-report-{pos}.xlsx"),
            created_by=w_admin(county), status=LabResultBatch.Status.REJECTED,
        )  # fmt: skip
        w.objects.setdefault("lab_batch", []).append(Instance(pos, {"pk": batch.pk}, county))


# -- public, 你点我检, rapid tests --
def add_public(w, users) -> None:
    """A draft 你点我检 campaign per position (kind "campaign": its public pages answer 404 for a draft, staff pages
    in scope 200) and a rapid-test room at each station of world_inspections (kind "rapid_room")."""
    import datetime

    from django.utils import timezone

    from shian.inspections.models import Station
    from shian.sampling.models import Campaign, RapidTestRoom

    from .world import MARKERS, PLACES, Instance, w_admin

    now = timezone.now()
    for pos, place in PLACES.items():
        if pos == "neighbour":
            continue
        county = place[:6]
        c = Campaign.objects.create(region_id=county, title=f"{MARKERS[pos]}你点我检", opens_at=now,
                                    closes_at=now + datetime.timedelta(days=7), created_by=w_admin(county))  # fmt: skip
        w.objects.setdefault("campaign", []).append(Instance(pos, {"pk": c.pk}, county))
    for station in Station.objects.filter(code__startswith="matrix-"):
        room = RapidTestRoom.objects.create(
            station=station, name=f"{station.name}快检室", since=datetime.date(2026, 1, 1)
        )
        pos = station.code.removeprefix("matrix-")
        w.objects.setdefault("rapid_room", []).append(Instance(pos, {"pk": room.pk}, station.region_id))


EXTENSIONS = [add_planning, add_samples, add_results, add_public]
