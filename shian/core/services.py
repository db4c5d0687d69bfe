"""Writes to core's own tables: in-app notifications (the audit log is written by `audit.record`)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import Notification, NotificationPreference


def muting(users: list, kind: str) -> list:
    """`users` without those who muted `kind` on their settings page (one query)."""
    if not kind or not users:
        return users
    muted = {
        pk
        for pk, kinds in NotificationPreference.objects.filter(user__in=[u.pk for u in users]).values_list(
            "user_id", "muted_kinds"
        )
        if kind in (kinds or [])
    }
    return [u for u in users if u.pk not in muted]


def notify(
    *, users: Iterable, text: str, url: str = "", kind: str = "", group: str = "", group_text: str = "",
    group_url: str = "",
) -> int:  # fmt: skip
    """Send `text` to each account once; called inside the service whose audited action it reports.

    `kind` (shian.core.notifykinds) and `group` (a region, an entity, a test: what the message is about) put
    messages together: the list shows one line per (kind, group), `group_text` (with %(n)d for the count) and
    `group_url` (the filtered list), and the badge counts the group once. Accounts that muted `kind` get nothing.
    """
    users = muting(list({u.pk: u for u in users}.values()), kind)
    key = f"{kind}:{group}"[:120] if kind and group else ""
    rows = [
        Notification(
            user=u,
            text=text[:300],
            url=url,
            kind=kind,
            group_key=key,
            group_text=group_text[:300],
            group_url=group_url,
        )  # fmt: skip
        for u in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def mark_read(*, actor, pks: list[int] | None = None, group_key: str = "") -> int:
    """Mark the actor's own notifications read: the given ones (with their whole group when `group_key`), or
    all of them."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if pks is not None and group_key:
        qs = qs.filter(Q(pk__in=pks) | Q(group_key=group_key))
    elif pks is not None:
        qs = qs.filter(pk__in=pks)
    count = qs.update(read_at=timezone.now())
    if count:
        audit.record(actor=actor, action="notification.read", object_type="core.notification", after={"count": count})
    return count


@transaction.atomic
def set_preferences(*, actor, muted_kinds: list[str], digest: bool, channel: str = "") -> NotificationPreference:
    """The actor's own notification settings: kinds not wanted, the daily digest on or off, its channel."""
    from .channels import channels
    from .notifykinds import is_kind

    unknown = [k for k in muted_kinds if not is_kind(k)]
    if unknown:
        raise ValidationError({"muted_kinds": [_("没有这种通知类型：%(k)s") % {"k": "、".join(unknown)}]})
    if channel and channel not in dict(channels()):
        raise ValidationError({"channel": [_("没有配置这个发送渠道：%(c)s") % {"c": channel}]})
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    before = {"muted_kinds": pref.muted_kinds, "digest": pref.digest, "channel": pref.channel}
    pref.muted_kinds, pref.digest, pref.channel = sorted(set(muted_kinds)), bool(digest), channel
    pref.save(update_fields=["muted_kinds", "digest", "channel"])
    after = {"muted_kinds": pref.muted_kinds, "digest": pref.digest, "channel": pref.channel}
    audit.record(actor=actor, action="notification.preferences", obj=pref, before=before, after=after)
    return pref
