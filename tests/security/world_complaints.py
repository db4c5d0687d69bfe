"""The matrix world's complaints objects (docs/complaints.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    """A complaint about each position's business, routed to its region (kind "complaint")."""
    import datetime

    from django.utils import timezone

    from shian.complaints.models import Complaint

    from .world import MARKERS, Instance

    now = timezone.now()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m = MARKERS[pos]
        item = Complaint.objects.create(
            number=f"TSMATRIX{n:06d}", lookup_code="123456", kind="complaint", channel="hotline", category="sale",
            region_id=entity.region_id, entity=entity, match="matched", entity_name=f"{m}{entity.name}",
            facts=f"{m}牛奶过期", informant_name=f"{m}投诉人", phone="13805361234", received_at=now,
            accept_due=now + datetime.timedelta(days=9), due_at=now + datetime.timedelta(days=9),
        )  # fmt: skip
        w.objects.setdefault("complaint", []).append(Instance(pos, {"pk": item.pk}, entity.region_id, None))


EXTENSIONS = [add_all]
