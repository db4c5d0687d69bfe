import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from shian.core import schedule


class Command(BaseCommand):
    help = (
        "定时任务：运行各模块登记的到期任务（一张图刷新、调度周报、指标历史、问题升级、包保变动检测、主体责任提醒、"
        "超时试卷交卷、每晚备份等；--once 只检查一次，--list 列出任务及下次运行时间）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="检查并运行到期任务一次后退出")
        parser.add_argument("--list", action="store_true", help="列出登记的任务、计划和下次运行时间后退出")
        parser.add_argument("--interval", type=int, default=30, help="检查间隔（秒）")

    def handle(self, *args, once, list, interval, **options):  # noqa: A002 (the flag is --list)
        if list:
            return self._list()
        names = "、".join(j.name for j in schedule.jobs())
        self.stdout.write(f"定时任务：{names}")
        while True:
            for name in schedule.run_due(timezone.now()):
                self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 已运行 {name}")
            if once:
                return
            time.sleep(interval)

    def _list(self):
        now = timezone.now()
        for job in sorted(schedule.jobs(), key=lambda j: j.name):
            try:
                text, at = job.schedule_text() or "—", job.next_at(now)
                nxt = "—" if at is None else f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
            except Exception as exc:  # a job whose rule or data cannot be read is still listed, with why
                text, nxt = "—", f"无法计算（{exc.__class__.__name__}: {exc}）"
            self.stdout.write(f"{job.name}\t{job.label or ''}\t{text}\t下次运行 {nxt}")
