"""Reads of recalls: a regulator sees the recalls of producers in its jurisdiction and those that reached a business
in it; an enterprise account its own recalls and those that reached it (it is a notified holder)."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core.jurisdiction import narrow_to, region_under, scope_prefix

from ..models import Recall, RecallNotice


def _visible(user) -> Q | None:
    if user.is_superuser:
        return Q()
    if user.role == Role.ENTERPRISE:
        if not user.entity_id:
            return None
        return Q(producer_id=user.entity_id) | Q(pk__in=RecallNotice.objects.filter(entity_id=user.entity_id)
                                                 .values("recall_id"))  # fmt: skip
    prefix = scope_prefix(user)
    if not prefix:
        return None
    there = RecallNotice.objects.filter(region_under(RecallNotice, "region", prefix)).values("recall_id")
    return region_under(Recall, "region", prefix) | Q(pk__in=there)


def recalls(*, user, region_code: str | None = None, status: str = "") -> QuerySet[Recall]:
    where = _visible(user)
    if where is None:
        return Recall.objects.none()
    qs = narrow_to(Recall.objects.filter(where), region_code).select_related("producer")
    if status in Recall.Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(
        holders=Count("notices"), confirmed=Count("notices", filter=Q(notices__confirmed_at__isnull=False))
    )


def recall_get(*, user, pk: int) -> Recall:
    found = recalls(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
    return found


def notices(recall: Recall) -> QuerySet[RecallNotice]:
    return recall.notices.select_related("entity").order_by("confirmed_at", "entity__name")


def completion(recall) -> float | None:
    holders = getattr(recall, "holders", None)
    if holders is None:
        holders = recall.notices.count()
        done = recall.notices.filter(confirmed_at__isnull=False).count()
    else:
        done = recall.confirmed
    return round(100 * done / holders, 1) if holders else None
