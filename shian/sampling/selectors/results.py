"""Reads of disposal cases and cross-region notices (docs/sampling.md §4): a regulator's jurisdiction, an
enterprise account's own entity; a notice is read by the sampling region and by the region it was sent to."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to, region_under, scope_entity_rows, scope_prefix

from ..models import CrossRegionNotice, Disposal
from ..ruledefs import DISPOSAL_NEAR


def _visible(user) -> QuerySet[Disposal]:
    return scope_entity_rows(Disposal.objects.select_related("sample", "entity"), user)


def near_q(now: datetime.datetime, region_code: str | None = "") -> Q:
    """Open cases whose deadline is within `sampling.disposal_near_days` (not yet past)."""
    days = rules.value(DISPOSAL_NEAR.code, region_code or "")
    return Q(due_at__gte=now, due_at__lte=now + datetime.timedelta(days=days)) & ~Q(status=Disposal.Status.CLOSED)


def overdue_q(now: datetime.datetime) -> Q:
    return Q(due_at__lt=now) & ~Q(status=Disposal.Status.CLOSED)


def disposal_list(*, user, region_code: str | None = None, status: str = "", overdue: str = "",
                  near: str = "") -> QuerySet[Disposal]:  # fmt: skip
    qs = narrow_to(_visible(user), region_code)
    now = timezone.now()
    if status in Disposal.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q(now))
    if near:
        qs = qs.filter(near_q(now, region_code or scope_prefix(user)))
    return qs.order_by("due_at", "pk")


def disposal_get(*, user, pk: int) -> Disposal:
    disposal = _visible(user).filter(pk=pk).first()
    if disposal is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return disposal


def disposal_files(disposal: Disposal):
    return disposal.files.order_by("uploaded_at", "pk")


def _notices(user) -> QuerySet[CrossRegionNotice]:
    qs = CrossRegionNotice.objects.select_related("sample", "to_region")
    if getattr(user, "role", "") == "enterprise" and not user.is_superuser:
        return qs.none()
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(
        region_under(CrossRegionNotice, "to_region", prefix) | region_under(CrossRegionNotice, "sample__region", prefix)
    )


def notice_list(*, user, pending: str = "") -> QuerySet[CrossRegionNotice]:
    """Notices sent from or to the user's jurisdiction; `pending`: those to it still unacknowledged."""
    qs = _notices(user)
    if pending:
        qs = qs.filter(
            region_under(CrossRegionNotice, "to_region", scope_prefix(user) or ""), acknowledged_at__isnull=True
        )
    return qs.order_by("-sent_at", "-pk")


def notice_get(*, user, pk: int) -> CrossRegionNotice:
    notice = _notices(user).filter(pk=pk).first()
    if notice is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return notice
