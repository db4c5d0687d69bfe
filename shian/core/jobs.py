"""Core's recurring jobs (shian.core.schedule): the daily notification digest, and the nightly backup followed by
retention (shian.core.backup)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import backup, rules
from .digest import due, send_digests
from .schedule import Job, register


def _backup_due(now) -> bool:
    """From the rule's hour on, while the backup folder holds no backup made today (local time)."""
    local = timezone.localtime(now)
    if local.hour < rules.value("backup.hour"):
        return False
    newest = backup.backups_in(backup.backup_root())
    return not newest or newest[0][0].date() < local.date()


def _backup_run(now) -> str:
    result = backup.create_backup(now=now)
    removed = backup.prune(
        backup.backup_root(),
        daily=rules.value("backup.keep_daily"),
        weekly=rules.value("backup.keep_weekly"),
        monthly=rules.value("backup.keep_monthly"),
    )
    return f"{result.path} ({result.bytes} bytes), pruned {len(removed)}"


register(
    Job(
        name="core.notification_digest",
        due=due,
        run=lambda now: {"sent": send_digests(now=now)},
        label=gettext_lazy("每日通知摘要"),
        describe=lambda: _("每天 %(h)d 时起，每个账号一份") % {"h": rules.value("notification.digest_hour")},
    )
)
register(
    Job(
        name="core.backup",
        due=_backup_due,
        run=_backup_run,
        label=gettext_lazy("每晚备份"),
        describe=lambda: (
            _("每天 %(h)d 时起，当天尚无备份时；随后按保留规则清理旧备份") % {"h": rules.value("backup.hour")}
        ),
    )
)
