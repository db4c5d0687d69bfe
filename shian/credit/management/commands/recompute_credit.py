"""manage.py recompute_credit [--region CODE] [--date YYYY-MM-DD] [--json] (docs/credit.md §2, docs/commands.md)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from shian.core.commands import service_errors
from shian.core.regioncodes import is_region_code
from shian.credit.services.recompute import recompute_region


class Command(BaseCommand):
    help = (
        "重新计算辖区内在营主体的信用等级（docs/credit.md §2）：成批读取各类事件、只写入有变化的等级。"
        '--json 时最后一行为 {"entities", "changed", "bands", "seconds"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="区划代码（默认全部）")
        parser.add_argument("--date", default="", help="按此日期计算时间衰减（默认今天）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, region: str, date: str, json: bool, **options):
        region = region.strip()
        if region and not is_region_code(region):
            raise CommandError(f"区划代码格式不正确：{region}")
        today = None
        if date:
            today = parse_date(date)
            if today is None:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}")
        with service_errors("重新计算信用等级"):
            run = recompute_region(region_code=region or None, today=today)
        if json:
            self.stdout.write(_dumps(run.as_dict()))
        else:
            bands = "，".join(f"{b} 级 {n} 户" for b, n in run.bands.items())
            self.stdout.write(f"计算 {run.entities} 户，变化 {run.changed} 户（{bands}），用时 {run.seconds} 秒")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
