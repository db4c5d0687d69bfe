"""Writes to core's own tables: in-app notifications (the audit log is written by `audit.record`)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import audit
from .models import Notification


def notify(*, users: Iterable, text: str, url: str = "") -> int:
    """Send `text` to each account once; called inside the service whose audited action it reports."""
    rows = [Notification(user=u, text=text[:300], url=url) for u in {u.pk: u for u in users}.values()]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def mark_read(*, actor, pks: list[int] | None = None) -> int:
    """Mark the actor's own notifications read: the given ones, or all of them."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    count = qs.update(read_at=timezone.now())
    if count:
        audit.record(actor=actor, action="notification.read", object_type="core.notification", after={"count": count})
    return count
