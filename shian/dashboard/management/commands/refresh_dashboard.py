import datetime
import time

from django.core.management.base import BaseCommand

from shian.dashboard import services


class Command(BaseCommand):
    help = "重新计算县级以上区划的一张图预计算数据（定时任务每 4 分钟运行一次，滞后不超过 5 分钟）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="统计日（YYYY-MM-DD，默认今天）")

    def handle(self, *args, as_of, **options):
        started = time.perf_counter()
        n = services.refresh_snapshots(as_of=as_of)
        self.stdout.write(f"已刷新 {n} 个区划的预计算数据，用时 {time.perf_counter() - started:.1f} 秒")
