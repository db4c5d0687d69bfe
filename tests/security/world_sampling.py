"""The matrix world's sampling objects (docs/sampling.md): one `add_*` per part, each adding the kinds its routes
name to `w.objects` (see world.py for `Instance` and the positions)."""


# -- plans, tasks --
def add_planning(w, users) -> None:
    pass


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
    pass


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
