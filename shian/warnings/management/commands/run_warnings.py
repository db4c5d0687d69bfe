"""manage.py run_warnings [--at ISO-DATETIME] [--region CODE] [--json] (docs/warnings.md §3, docs/commands.md)."""

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shian.core.commands import service_errors
from shian.core.regioncodes import is_region_code
from shian.warnings.services.run import run


class Command(BaseCommand):
    help = (
        "运行全部现行预警规则并对逾期未处理的预警升级（docs/warnings.md §3）。"
        '--json 时最后一行为 {"rules", "raised", "merged", "escalated"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", default="", help="按此时刻运行（ISO 格式，如 2026-05-01T09:00+08:00；默认现在）")
        parser.add_argument("--region", default="", help="只看此区划代码下的记录（默认全部）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, at: str, region: str, json: bool, **options):
        moment = None
        if at:
            try:
                moment = parse_datetime(at.strip())
            except ValueError:
                moment = None
            if moment is None:
                raise CommandError(f"--at 时刻格式不正确（应为 ISO 格式，如 2026-05-01T09:00）：{at}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        region = region.strip()
        if region and not is_region_code(region):
            raise CommandError(f"区划代码格式不正确：{region}")
        with service_errors("运行预警规则"):
            counts = run(at=moment, prefix=region)
        if json:
            self.stdout.write(jsonlib.dumps(counts, ensure_ascii=False))
        else:
            self.stdout.write(
                "运行规则 {rules} 条，新发预警 {raised} 条，合并 {merged} 条，逾期升级 {escalated} 条".format(**counts)
            )
