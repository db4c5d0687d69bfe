"""Reads of foodborne-disease reports (docs/foodborne.md §4): reports and clusters scoped to the user's
jurisdiction; a department account (a medical institution) sees only its own department's reports. Patient
identity is returned masked (`masked_name`; ID and phone through shian.core.pii)."""

from django.db.models import Q, QuerySet

from shian.accounts.models import Role
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset

from ..models import CaseReport, Cluster


def masked_name(name: str) -> str:
    """张三丰 -> 张**: the family name only."""
    name = name or ""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)


def _reports(user) -> QuerySet[CaseReport]:
    qs = scope_queryset(CaseReport.objects.select_related("region", "entity", "department"), user)
    if not user.is_superuser and user.role == Role.DEPARTMENT_STAFF:
        qs = qs.filter(department_id=user.department_id, department__isnull=False)
    return qs


def report_list(*, user, region_code: str | None = None, q: str = "") -> QuerySet[CaseReport]:
    qs = narrow_to(_reports(user), region_code)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(suspected_food__contains=q) | Q(suspected_place__contains=q) | Q(institution__contains=q))
    return qs.order_by("-onset_at", "-id")


def report_get(*, user, pk: int) -> CaseReport:
    return get_in_scope(_reports(user), user, pk=pk)


def cluster_list(*, user, region_code: str | None = None, open_only: bool = False) -> QuerySet[Cluster]:
    qs = narrow_to(scope_queryset(Cluster.objects.select_related("region", "incident"), user), region_code)
    if open_only:
        qs = qs.filter(incident__isnull=True)
    return qs.order_by("-warned_at", "-id")


def cluster_get(*, user, pk: int) -> Cluster:
    return get_in_scope(Cluster.objects.select_related("region", "incident", "entity"), user, pk=pk)
