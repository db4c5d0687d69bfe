"""Reads of the audit log, scoped by the region each entry was recorded under."""

import datetime

from django.db.models import Q, QuerySet

from .jurisdiction import get_in_scope, narrow_to, scope_queryset
from .models import AuditEntry, Notification


def audit_list(
    *,
    user,
    region_code: str | None = None,
    q: str = "",
    action: str = "",
    actor: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    if not user.has_perm("core.view_audit"):
        return AuditEntry.objects.none()
    qs = narrow_to(
        scope_queryset(AuditEntry.objects.all(), user, field="region_code"), region_code, field="region_code"
    )
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(object_id=q) | Q(request_id=q))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name=actor)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def audit_get(*, user, pk: int) -> AuditEntry:
    qs = AuditEntry.objects.all() if user.has_perm("core.view_audit") else AuditEntry.objects.none()
    return get_in_scope(qs, user, field="region_code", pk=pk)


def notification_list(*, user, unread: bool = False):
    """A user's own notifications: nobody reads another account's messages."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread else qs
