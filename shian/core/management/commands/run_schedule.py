import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from shian.core import schedule


class Command(BaseCommand):
    help = (
        "定时任务：每 4 分钟刷新一张图预计算数据，每周一 08:00 生成调度周报，每晚备份并清理旧备份（--once 只检查一次）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="检查并运行到期任务一次后退出")
        parser.add_argument("--interval", type=int, default=30, help="检查间隔（秒）")

    def handle(self, *args, once, interval, **options):
        names = "、".join(j.name for j in schedule.jobs())
        self.stdout.write(f"定时任务：{names}")
        while True:
            for name in schedule.run_due(timezone.now()):
                self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} 已运行 {name}")
            if once:
                return
            time.sleep(interval)
