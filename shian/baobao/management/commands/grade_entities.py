import json as _json

from django.core.management.base import BaseCommand

from shian.baobao import services
from shian.core.commands import actor_for, service_errors


class Command(BaseCommand):
    help = "按包保分级规则计算区划内全部主体的 A/B/C/D 等级（人工调整的等级保留）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区划代码（默认执行账号的辖区；系统管理员为库中全部区划）")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出各等级数量")

    def handle(self, *args, region, actor, json: bool, **options):
        with service_errors("无法分级"):
            counts = services.grade_entities(actor=actor_for(actor), region_code=region)
        if json:
            self.stdout.write(_json.dumps(counts))
        else:
            self.stdout.write("分级完成：" + "，".join(f"{g} 级 {n} 户" for g, n in counts.items()))
