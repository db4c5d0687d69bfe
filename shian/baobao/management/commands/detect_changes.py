import json as _json

from django.core.management.base import BaseCommand

from shian.baobao import services
from shian.baobao.models import Change
from shian.core.commands import actor_for, service_errors


class Command(BaseCommand):
    help = "检测包保变动事项（新增主体、主体注销、等级变化），登记报告与调整时限；宜每日运行。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区划代码（默认执行账号的辖区）")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 统计")

    def handle(self, *args, region, actor, json: bool, **options):
        user = actor_for(actor)
        with service_errors("无法检测变动"):
            counts = services.detect_changes(actor=user, region_code=region)
        if json:
            self.stdout.write(_json.dumps(counts, ensure_ascii=False))
            return
        figures = "，".join(f"{Change.Kind(kind).label} {n}" for kind, n in counts.items())
        self.stdout.write(f"新登记变动事项：{figures}")
