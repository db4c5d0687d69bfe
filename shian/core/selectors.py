"""Reads of the audit log, scoped by the region each entry was recorded under."""

import datetime

from django.db.models import Case, CharField, Count, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from .jurisdiction import get_in_scope, narrow_to, scope_queryset
from .models import AuditEntry, Notification, NotificationPreference


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


def group_expression():
    """A notification's group: its group key, or its own id when it stands alone."""
    return Case(
        When(group_key="", then=Concat(Value("#"), Cast("pk", CharField()))),
        default="group_key",
        output_field=CharField(),
    )


def unread_count(*, user) -> int:
    """The badge: distinct things needing action (a group counts once), not every message."""
    counts = notification_list(user=user, unread=True).aggregate(
        groups=Count("group_key", distinct=True, filter=~Q(group_key="")), single=Count("pk", filter=Q(group_key=""))
    )
    return (counts["groups"] or 0) + (counts["single"] or 0)


def notification_groups(*, user):
    """The list: one row per group (kind and object), newest first, with how many messages it holds and how many
    are unread; `last` is the newest message's id (its text, link and group summary come from that row)."""
    return (
        notification_list(user=user)
        .annotate(g=group_expression())
        .values("g")
        .annotate(n=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)), last=Max("pk"))
        .order_by("-last")
    )


def group_rows(page) -> list[dict]:
    """The rows of one page of `notification_groups` with their newest message (one query)."""
    latest = Notification.objects.in_bulk([row["last"] for row in page])
    out = []
    for row in page:
        note = latest[row["last"]]
        grouped = row["n"] > 1 and bool(note.group_text)
        out.append({
            "pk": note.pk, "n": row["n"], "unread": row["unread"], "at": note.created_at,
            "text": note.group_text % {"n": row["n"]} if grouped else note.text,
            "detail": note.text if grouped else "",
        })  # fmt: skip
    return out


def operations(*, user, now=None) -> list[dict]:
    """Every scheduled job (shian.core.schedule) with its schedule in words, its last run (start, duration,
    outcome, message) and its next run. Administrators only (`core.view_operations`): the jobs are the whole
    platform's, not a region's."""
    from django.utils import timezone

    from . import schedule
    from .models import JobRun
    from .permissions import require_perm

    require_perm(user, "core.view_operations")
    now = now or timezone.now()
    out = []
    for job in sorted(schedule.jobs(), key=lambda j: j.name):
        last = JobRun.objects.filter(job=job.name).order_by("-started_at", "-id").first()
        try:
            text, next_at, error = job.schedule_text(), job.next_at(now), ""
        except Exception as exc:  # a job whose rule or data cannot be read still shows, with why
            text, next_at, error = "", None, f"{exc.__class__.__name__}: {exc}"
        out.append({
            "name": job.name, "label": str(job.label or job.name), "schedule": text, "next_run": next_at,
            "last": last, "error": error,
        })  # fmt: skip
    return out


def notification_preference(*, user) -> NotificationPreference | None:
    """The account's own notification settings (None: the defaults)."""
    return NotificationPreference.objects.filter(user=user).first() if user.is_authenticated else None


def job_runs(*, user, job: str = "", limit: int = 50) -> QuerySet:
    """The latest runs, newest first (of one job, when named)."""
    from .models import JobRun
    from .permissions import require_perm

    require_perm(user, "core.view_operations")
    qs = JobRun.objects.all()
    if job:
        qs = qs.filter(job=job)
    return qs.order_by("-started_at", "-id")[:limit]
