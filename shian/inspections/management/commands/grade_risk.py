import json as _json

from django.core.management.base import BaseCommand

from shian.core.commands import actor_for, service_errors
from shian.inspections.services import grading


class Command(BaseCommand):
    help = "按风险分级评分表评定区划内全部在营主体的风险等级（人工调整的等级保留；未变化的不重复记录）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="区划代码（默认全部区划）")
        parser.add_argument("--actor", help="执行账号（默认系统）")
        parser.add_argument("--json", action="store_true", help="最后一行以 JSON 输出统计")

    def handle(self, *args, region, actor, json: bool, **options):
        with service_errors("无法评定风险等级"):
            run = grading.grade_region(
                actor=actor_for(actor) if actor else None, region_code=region, trigger="grade_risk"
            )
        result = run.as_dict()
        if json:
            self.stdout.write(_json.dumps(result, ensure_ascii=False))
        else:
            bands = "，".join(f"{b} 级 {n} 户" for b, n in result["bands"].items())
            self.stdout.write(
                f"风险分级完成：在营主体 {result['entities']} 户，新评定 {result['graded']} 户（{bands}），"
                f"用时 {result['seconds']} 秒。"
            )
