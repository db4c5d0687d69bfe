from django.core.management.base import BaseCommand

from shian.duties import services


class Command(BaseCommand):
    help = (
        "提醒尚未填报的企业：daily 每天下午运行，weekly 每周五运行，monthly 每月 25 日后运行（经配置的通知渠道发送）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["daily", "weekly", "monthly"], required=True, help="提醒哪一项")

    def handle(self, *args, kind, **options):
        count = services.send_reminders(kind=kind)
        label = {"daily": "日管控", "weekly": "周排查", "monthly": "月调度"}[kind]
        self.stdout.write(f"{label}提醒：已通知 {count} 个企业账号")
