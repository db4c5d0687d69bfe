"""Reads of samples (docs/sampling.md §3): the scoped list with its filters, one sample, its photos, the
category table in force, the labs and the people who may sample an entity."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows, scope_queryset
from shian.core.rules import most_specific
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.inspections.selectors.stations import stations_for

from ..models import CategoryTable, Lab, Sample, SamplePhoto, SamplingTask

OVERDUE_FILTERS = ("to_lab", "report", "any")


def _visible(user) -> QuerySet[Sample]:
    """Samples the user may read: a regulator's jurisdiction, an enterprise account's own entity."""
    qs = Sample.objects.select_related("entity", "lab", "region", "task")
    return scope_entity_rows(qs, user)


def overdue_q(kind: str, now: datetime.datetime | None = None) -> Q:
    """Samples past a deadline: not sent by `to_lab_due`, or received and without a report by `report_due`."""
    now = now or timezone.now()
    to_lab = Q(status=Sample.Status.SAMPLED, to_lab_due__lt=now)
    report = Q(status__in=[Sample.Status.SENT, Sample.Status.RECEIVED], report_due__lt=now)
    return {"to_lab": to_lab, "report": report}.get(kind, to_lab | report)


def sample_list(
    *,
    user,
    region_code: str | None = None,
    status: str = "",
    category: str = "",
    kind: str = "",
    overdue: str = "",
    conclusion: str = "",
    entity_id: int | None = None,
    q: str = "",
) -> QuerySet[Sample]:
    """Samples in the user's reach, newest first, filtered as the list page and the API offer."""
    qs = narrow_to(_visible(user), region_code)
    if status in Sample.Status.values:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue in OVERDUE_FILTERS:
        qs = qs.filter(overdue_q(overdue))
    if conclusion == "none":
        qs = qs.filter(conclusion="")
    elif conclusion in Sample.Conclusion.values:
        qs = qs.filter(conclusion=conclusion)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(product__contains=q) | Q(entity__name__contains=q))
    return qs.order_by("-sampled_at", "-id")


def sample_get(*, user, pk: int) -> Sample:
    """One sample the user may read (a 404 outside their reach)."""
    return get_entity_row(_visible(user), user, pk=pk)


def sample_photos(sample: Sample) -> QuerySet[SamplePhoto]:
    return sample.photos.order_by("uploaded_at", "pk")


def sample_samplers(sample: Sample) -> list[User]:
    return list(sample.samplers.order_by("pk"))


def photo_get(*, user, pk: int, original: bool = False) -> SamplePhoto:
    """A sample photo the user may open: on a sample they can read, or their own pending upload. The original
    (EXIF and GPS kept) is for regulators only."""
    photo = SamplePhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    if photo.sample_id:
        sample_get(user=user, pk=photo.sample_id)
    elif photo.disposal_id or photo.uploaded_by_id != user.pk:
        raise Http404
    if original and (user.role == Role.ENTERPRISE or not photo.original):
        raise Http404
    return photo


def category_table(region_code: str, on: datetime.date | None = None) -> CategoryTable | None:
    """The food-category table in force for a region (the most specific, newest version)."""
    return most_specific(CategoryTable.objects.all(), region_code, on)


def categories(region_code: str, on: datetime.date | None = None) -> list[tuple[str, str]]:
    """(code, name) of the categories in force for a region, in the table's order."""
    table = category_table(region_code, on)
    return [(row["code"], row["name"]) for row in (table.rows if table else [])]


def category_name(code: str, region_code: str) -> str:
    return dict(categories(region_code)).get(code, code)


def lab_list() -> QuerySet[Lab]:
    """The labs a sample may go to (the 承检机构 register is province-wide)."""
    return Lab.objects.order_by("code")


def station_for(region_code: str) -> Station | None:
    """The 市场监管所 covering a region."""
    pk = stations_for([region_code]).get(region_code)
    return Station.objects.filter(pk=pk).first() if pk else None


def co_samplers(*, user, entity: Entity) -> list[User]:
    """Who may sample with `user` at `entity`: the other active inspectors of the station covering it."""
    station = station_for(entity.region_id)
    if station is None:
        return []
    return list(station.inspectors.filter(is_active=True).exclude(pk=user.pk).order_by("name", "pk"))


def entity_choices(*, user, q: str = "", limit: int = 20) -> QuerySet[Entity]:
    """Entities in the user's jurisdiction to sample at, by name or USCC (the form's search)."""
    qs = scope_queryset(Entity.objects.select_related("region"), user).exclude(status=Entity.Status.DEREGISTERED)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(uscc__startswith=q.upper()) | Q(name__contains=q))
    return qs.order_by("name", "pk")[:limit]


def entity_for_sampling(*, user, pk: int) -> Entity:
    """An entity in the user's jurisdiction (404 otherwise)."""
    entity = scope_queryset(Entity.objects.select_related("region"), user).filter(pk=pk).first()
    if entity is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return entity


def task_get(*, user, pk: int) -> SamplingTask:
    """A sampling task in the user's jurisdiction (404 otherwise)."""
    task = scope_queryset(SamplingTask.objects.select_related("station"), user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return task
