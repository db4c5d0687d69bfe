import json as _json
import time

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors
from shian.inspections.services.planning import plan_year
from shian.regions.models import Region


class Command(BaseCommand):
    help = (
        "制定年度监督检查计划（docs/inspections.md §3）：按风险等级最低频次、全覆盖和专项目标，按所、按月、按人均衡。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="计划年度")
        parser.add_argument("--region", help="区划代码（默认库中全部省份，逐省制定）")
        parser.add_argument("--variant", choices=["2016", "2022"], help="风险分级办法（默认适用的现行办法）")
        parser.add_argument("--user", help="执行账号（默认系统）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 统计")

    def handle(self, *args, year, region, variant, user, json: bool, **options):
        started = time.monotonic()
        actor = actor_for(user) if user else None
        targets = [region] if region else list(
            Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", flat=True)
        )  # fmt: skip
        if not targets:
            raise CommandError("数据库中没有区划：请先运行 python manage.py load_regions")
        totals = {"entities": 0, "planned": 0, "by_band": {b: 0 for b in "ABCD"}, "shortfall": []}
        for code in targets:
            with service_errors("无法制定计划"):
                plan = plan_year(actor=actor, region_code=code, year=year, variant=variant)
            s = plan.summary
            totals["entities"] += s["entities"]
            totals["planned"] += s["planned"]
            for band, n in s["by_band"].items():
                totals["by_band"][band] = totals["by_band"].get(band, 0) + n
            totals["shortfall"].extend(plan.shortfall)
            if not json:
                self.stdout.write(
                    f"计划 #{plan.pk}（{code}，{year} 年）：主体 {s['entities']}，计划检查 {s['planned']} 户次，"
                    f"人力缺口 {len(plan.shortfall)} 处"
                )
        totals["seconds"] = round(time.monotonic() - started, 2)
        if json:
            self.stdout.write(_json.dumps(totals, ensure_ascii=False))
