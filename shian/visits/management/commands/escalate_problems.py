import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shian.core.commands import actor_for, service_errors
from shian.visits import services


def _instant(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"时间格式应为 ISO 8601（如 2026-03-16T08:00+08:00）：{text}") from exc
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class Command(BaseCommand):
    help = "将逾期未整改的包保督导问题逐级升级（乡镇、县级）并通知相关人员；宜每日运行。"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="执行账号（默认系统）")
        parser.add_argument("--now", help="按此时间判断逾期（ISO 8601，测试用；无时区按本地时间）")

    def handle(self, *args, user, now, **options):
        actor = actor_for(user) if user else None
        instant = _instant(now) if now else None
        with service_errors("无法升级逾期问题"):
            counts = services.escalate_overdue(actor=actor, now=instant)
        self.stdout.write(
            f"已升级至乡镇（监管所）：{counts['station']} 个问题；已升级至县级：{counts['county']} 个问题。"
        )
