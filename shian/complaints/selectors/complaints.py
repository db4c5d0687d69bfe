"""Reads of complaints and reports (docs/complaints.md §5): the scoped list with its filters (kind, status,
overdue, region), one item with its transfers, a report for the cases module, the approvers of an extension, the
public lookup. Enterprise accounts see none: an informant is protected from the business named."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core.jurisdiction import get_in_scope, narrow_to, scope_queryset
from shian.core.regioncodes import prefixes

from ..models import Complaint, Transfer

READER_ROLES = ADMIN_ROLES | {Role.STATION_STAFF, Role.AUDITOR}
OVERDUE_FILTERS = ("1", "soon")


def _visible(user) -> QuerySet[Complaint]:
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    if not (user.is_superuser or user.role in READER_ROLES):
        return Complaint.objects.none()
    return scope_queryset(Complaint.objects.select_related("region", "entity", "station"), user)


def overdue_q(now: datetime.datetime | None = None) -> Q:
    return Q(due_at__lt=now or timezone.now())


def soon_q(today: datetime.date, days: int) -> Q:
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time.max))
    return Q(due_at__gte=timezone.now(), due_at__lte=end)


def complaint_list(*, user, region_code: str | None = None, kind: str = "", status: str = "", overdue: str = "",
                   channel: str = "", match: str = "", q: str = "", soon_days: int = 3) -> QuerySet[Complaint]:  # fmt: skip
    """Items in the user's reach, filtered as the list page and the API offer; overdue ones by due instant."""
    qs = narrow_to(_visible(user), region_code)
    if kind in Complaint.Kind.values:
        qs = qs.filter(kind=kind)
    if status == "open":
        qs = qs.filter(Q(due_at__isnull=False) | Q(in_transfer=True))
    elif status == "transfer":
        qs = qs.filter(in_transfer=True)
    elif status in Complaint.Status.values:
        qs = qs.filter(status=status)
    if channel in Complaint.Channel.values:
        qs = qs.filter(channel=channel)
    if match in Complaint.Match.values:
        qs = qs.filter(match=match)
    if overdue == "1":
        return qs.filter(overdue_q()).order_by("due_at", "id")
    if overdue == "soon":
        return qs.filter(soon_q(timezone.localdate(), soon_days)).order_by("due_at", "id")
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(number__startswith=q.upper()) | Q(entity_name__contains=q) | Q(entity__name__contains=q)
                       | Q(source_number=q))  # fmt: skip
    return qs.order_by("-received_at", "-id")


def rows_of(qs: QuerySet[Complaint], ids) -> list[Complaint]:
    """The items of a page, in the page's order. A list is paged in two steps: the ids from the narrow indexes
    (region, due instant), then the wide rows of those ids only, so a county's overdue list never sorts
    thousands of joined rows (docs/complaints.md §5)."""
    ids = list(ids)
    found = {c.pk: c for c in Complaint.objects.select_related("region", "entity", "station").filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def complaint_get(*, user, pk: int) -> Complaint:
    """One item the user may read (404 outside their reach)."""
    return get_in_scope(_visible(user), user, pk=pk)


def report_get(*, user, pk: int) -> Complaint:
    """A report (举报) the user may read, for the cases module opening a case from it (404 otherwise)."""
    item = complaint_get(user=user, pk=pk)
    if item.kind != Complaint.Kind.REPORT:
        raise Http404(_("未找到该举报。"))
    return item


def transfers(item: Complaint) -> QuerySet[Transfer]:
    return item.transfers.select_related("from_region", "to_region", "sent_by", "received_by").order_by("sent_at")


def duplicates(item: Complaint) -> QuerySet[Complaint]:
    return Complaint.objects.filter(duplicate_of=item).order_by("received_at", "id")


def approvers(item: Complaint) -> QuerySet[User]:
    """Administrators whose jurisdiction covers the item: who may approve a report's extension."""
    return User.objects.filter(is_active=True, role__in=ADMIN_ROLES, region_id__in=prefixes(item.region_id)).order_by(
        "region_id", "username"
    )


def lookup(*, number: str, code: str) -> Complaint | None:
    """The public lookup: the item with this 受理编号 and 查询码 (both must match), or None."""
    number, code = (number or "").strip().upper()[:40], (code or "").strip()[:8]
    if not number or not code:
        return None
    return Complaint.objects.filter(number=number, lookup_code=code).first()


def public_status(item: Complaint) -> dict:
    """What the public lookup shows: number, kind, when received, status and the dates of each step. No name,
    phone, facts or entity."""
    return {
        "number": item.number,
        "kind": item.get_kind_display(),
        "received_on": timezone.localtime(item.received_at).date(),
        "status": _("转办中") if item.in_transfer else item.get_status_display(),
        "accepted_on": item.accepted_at and timezone.localtime(item.accepted_at).date(),
        "decided_on": item.decided_at and timezone.localtime(item.decided_at).date(),
        "closed_on": item.closed_at and timezone.localtime(item.closed_at).date(),
    }
