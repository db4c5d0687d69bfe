"""Lists of credit's own records (docs/credit.md §3, §4), scoped: staff see their jurisdiction, an enterprise
account its own entity's rows; one row out of reach is a 404."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from shian.core import rules
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows

from ..models import CorrectionRequest, InsurancePolicy
from ..ruledefs import EXPIRY_NOTICE


def correction_list(*, user, region_code: str | None = None, status: str = "") -> QuerySet[CorrectionRequest]:
    qs = narrow_to(scope_entity_rows(CorrectionRequest.objects.select_related("entity"), user), region_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-pk")


def correction_get(*, user, pk: int) -> CorrectionRequest:
    return get_entity_row(CorrectionRequest.objects.select_related("entity", "reviewed_by"), user, pk=pk)


def policy_list(*, user, region_code: str | None = None, q: str = "", ending: bool = False,
                today: datetime.date | None = None) -> QuerySet[InsurancePolicy]:  # fmt: skip
    today = today or timezone.localdate()
    base = expiring(today, region_code or user.region_id or "") if ending else InsurancePolicy.objects.all()
    qs = narrow_to(scope_entity_rows(base.select_related("entity", "region"), user), region_code)
    if q:
        qs = qs.filter(entity__name__icontains=q) | qs.filter(number__icontains=q)
    return qs.order_by("ends_on", "pk") if ending else qs.order_by("-ends_on", "-pk")


def expiring(today: datetime.date, region_code: str = ""):
    """Policies ending within the notice days from `today`, with no later policy of the same entity covering on."""
    days = rules.value(EXPIRY_NOTICE.code, region_code, today)
    horizon = today + datetime.timedelta(days=days)
    renewed = InsurancePolicy.objects.filter(ends_on__gt=horizon)
    return InsurancePolicy.objects.filter(ends_on__gte=today, ends_on__lte=horizon).exclude(
        entity_id__in=renewed.values("entity_id")
    )
