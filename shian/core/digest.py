"""The daily digest: once a day, each account with unread notifications gets one message listing what waits
(grouped as in the list: "12 个问题逾期未整改（朱刘街道）"), through its chosen channel or every configured channel
other than the in-app bell. A scheduler job (shian/core/jobs.py) runs it; it decides from the data, so a day
missed while the scheduler was down is sent when it starts, and it is idempotent (one digest per account a day)."""

import datetime
import logging

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import audit, rules
from .channels import channels
from .models import Notification, NotificationPreference
from .selectors import group_expression

log = logging.getLogger("shian.digest")

DIGEST_HOUR = "notification.digest_hour"  # the rule: from which hour (local time) the digest goes out
LINES = 5  # groups named in one digest; the rest are counted


def _pending(today: datetime.date):
    """Unread notifications of accounts whose digest is on and not yet sent today."""
    return (
        Notification.objects.filter(read_at__isnull=True, user__is_active=True)
        .exclude(user__notification_preference__digest=False)
        .exclude(user__notification_preference__digest_sent_on=today)
    )


def due(now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    if local.hour < rules.value(DIGEST_HOUR, "", local.date()):
        return False
    return bool(channels()) and _pending(local.date()).exists()


def text_for(groups: list[dict]) -> str:
    """One digest: how many things wait, the newest few named."""
    lines = []
    for g in groups[:LINES]:
        lines.append(g["group_text"] % {"n": g["n"]} if g["n"] > 1 and g["group_text"] else g["text"])
    more = len(groups) - LINES
    tail = _("另有 %(n)d 项。") % {"n": more} if more > 0 else ""
    return _("您有 %(n)d 项待处理：%(lines)s。%(tail)s") % {"n": len(groups), "lines": "；".join(lines), "tail": tail}


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Send today's digest to every account that has one waiting; returns how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    available = dict(channels())
    if not available:
        return 0
    rows = (
        _pending(today)
        .annotate(g=group_expression())
        .values("user", "g")
        .annotate(n=Count("pk"), last=Max("pk"))
        .order_by("user", "-last")
    )
    by_user: dict[int, list[dict]] = {}
    for row in rows:
        by_user.setdefault(row["user"], []).append(row)
    latest = {
        n.pk: n
        for n in Notification.objects.filter(pk__in=[r["last"] for g in by_user.values() for r in g]).select_related(
            "user"
        )
    }
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=list(by_user))}
    sent = 0
    url = reverse("core:notifications")
    for user_id, groups in by_user.items():
        lines = [dict(n=g["n"], text=latest[g["last"]].text, group_text=latest[g["last"]].group_text) for g in groups]
        user = latest[groups[0]["last"]].user
        chosen = prefs[user_id].channel if user_id in prefs else ""
        paths = [chosen] if chosen in available else list(available)
        for path in paths:
            try:
                import_string(path)().send(users=[user], text=text_for(lines), url=url)
            except Exception:  # one failing channel must not stop the others' digests
                log.exception("digest to %s through %s failed", user.username, path)
        sent += 1
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=pk) for pk in by_user if pk not in prefs], ignore_conflicts=True
    )
    NotificationPreference.objects.filter(user__in=list(by_user)).update(digest_sent_on=today)
    if sent:
        audit.record(actor=None, action="notification.digest", object_type="core.notification", after={"sent": sent})
    return sent
