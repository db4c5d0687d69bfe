"""Reads of dinners (docs/dinners.md §5): dinners, guidance tasks and chefs scoped to the user's jurisdiction; the
chefs a reporter may pick (the registry of the reporter's county)."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shian.core.jurisdiction import get_in_scope, narrow_to, scope_prefix, scope_queryset
from shian.core.regioncodes import COUNTY, level_of, prefixes

from ..models import Chef, Dinner, Grade, GuidanceTask, GuidanceVisit
from ..services.chefs import expiring_horizon


def dinner_list(*, user, region_code: str | None = None, grade: str = "", q: str = "") -> QuerySet[Dinner]:
    qs = narrow_to(scope_queryset(Dinner.objects.select_related("region", "chef", "task"), user), region_code)
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(place__contains=q) | Q(host_name__contains=q) | Q(chef__name__contains=q))
    return qs.order_by("-held_on", "-id")


def dinner_get(*, user, pk: int) -> Dinner:
    return get_in_scope(Dinner.objects.select_related("region", "chef", "reported_by", "task"), user, pk=pk)


def task_list(*, user, region_code: str | None = None, status: str = "", mine: bool = False) -> QuerySet[GuidanceTask]:
    """Guidance tasks in the user's jurisdiction (or assigned to the user), open ones first by dinner date."""
    base = GuidanceTask.objects.select_related("dinner", "dinner__region", "assignee")
    qs = narrow_to(scope_queryset(base, user) | base.filter(assignee_id=user.pk), region_code)
    if mine:
        qs = qs.filter(assignee_id=user.pk)
    if status in GuidanceTask.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "dinner__held_on", "id")


def task_get(*, user, pk: int) -> GuidanceTask:
    base = GuidanceTask.objects.select_related("dinner", "dinner__region", "dinner__chef", "assignee")
    task = base.filter(pk=pk, assignee_id=user.pk).first() if user.is_authenticated else None
    return task or get_in_scope(base, user, pk=pk)


def visit_of(task: GuidanceTask) -> GuidanceVisit | None:
    return GuidanceVisit.objects.filter(task=task).select_related("checklist", "signed_by").first()


def chef_list(*, user, region_code: str | None = None, q: str = "", expiring: bool = False) -> QuerySet[Chef]:
    qs = narrow_to(scope_queryset(Chef.objects.select_related("region"), user), region_code)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(name__contains=q)
    if expiring:
        today = timezone.localdate()
        qs = qs.filter(active=True, cert_expires_on__lte=expiring_horizon(region_code or scope_prefix(user) or "",
                                                                           today))  # fmt: skip
    return qs.order_by("cert_expires_on", "name", "id") if expiring else qs.order_by("region", "name", "id")


def chef_get(*, user, pk: int) -> Chef:
    return get_in_scope(Chef.objects.select_related("region"), user, pk=pk)


def chef_choices(*, user, on: datetime.date | None = None) -> QuerySet[Chef]:
    """The chefs a reporter may name: active chefs registered inside the reporter's jurisdiction, or in a region
    above it down from the county (the county's registry, the township's)."""
    prefix = scope_prefix(user)
    if prefix is None:
        raise Http404
    above = [code for code in prefixes(prefix) if level_of(code) >= COUNTY]
    qs = Chef.objects.filter(active=True)
    return (narrow_to(qs, prefix) | qs.filter(region_id__in=above)).order_by("name", "id")
