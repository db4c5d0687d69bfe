"""What the public side may read of the lists (docs/lists.md): published editions and current dishonesty entries,
names of businesses only, never people. The portal and the public API read these, nothing else of this app."""

import datetime

from django.utils import timezone

from shian.core.jurisdiction import region_under
from shian.entities.models import Entity

from ..models import DishonestyEntry, Edition, EditionLine


def published_editions(*, prefix: str = ""):
    """Published editions of regions under `prefix`, newest first."""
    qs = Edition.objects.filter(status=Edition.Status.PUBLISHED)
    if prefix:
        qs = qs.filter(region_under(Edition, "region", prefix))
    return qs.order_by("-published_at", "-pk")


def edition_lines(edition: Edition) -> list[dict]:
    """A published edition's lines: board, business name, region and reason (no person, no record number)."""
    if edition.status != Edition.Status.PUBLISHED:
        return []
    lines = EditionLine.objects.filter(edition=edition).order_by("board", "position", "pk")
    names = dict(Entity.objects.filter(pk__in=[line.entity_id for line in lines]).values_list("pk", "name"))
    return [
        {"board": line.board, "entity_id": line.entity_id, "entity": names.get(line.entity_id, ""),
         "reason": line.reason}
        for line in lines
    ]  # fmt: skip


def listings_of(entity_ids, *, today: datetime.date | None = None) -> dict[int, list[dict]]:
    """entity id -> its public list facts: current dishonesty entries and lines of published editions."""
    today = today or timezone.localdate()
    out: dict[int, list[dict]] = {}
    ids = list(entity_ids)
    entries = DishonestyEntry.objects.filter(
        entity_id__in=ids, status=DishonestyEntry.Status.LISTED, ends_on__gte=today
    ).values("entity_id", "legal_basis", "listed_on", "ends_on")
    for row in entries:
        out.setdefault(row["entity_id"], []).append({"kind": "dishonesty", **row})
    lines = EditionLine.objects.filter(entity_id__in=ids, edition__status=Edition.Status.PUBLISHED).values(
        "entity_id", "board", "reason", "edition__title", "edition__published_at"
    )
    for row in lines:
        out.setdefault(row["entity_id"], []).append(
            {"kind": row["board"], "entity_id": row["entity_id"], "reason": row["reason"],
             "edition": row["edition__title"], "published_at": row["edition__published_at"]}
        )  # fmt: skip
    return out


def listed_entries(*, prefix: str = "", today: datetime.date | None = None) -> list[dict]:
    """The serious-dishonesty list as the public may read it: businesses currently listed under `prefix` (name,
    region, legal basis, listing and end dates), newest first; never a person, a case number or an ID."""
    today = today or timezone.localdate()
    qs = DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED, ends_on__gte=today)
    if prefix:
        qs = qs.filter(region_under(DishonestyEntry, "entity__region", prefix))
    return [
        {"entity_id": row["entity_id"], "entity": row["entity__name"], "region": row["entity__region__name"],
         "legal_basis": row["legal_basis"], "listed_on": row["listed_on"], "ends_on": row["ends_on"]}
        for row in qs.order_by("-listed_on", "-pk").values(
            "entity_id", "entity__name", "entity__region__name", "legal_basis", "listed_on", "ends_on"
        )
    ]  # fmt: skip
