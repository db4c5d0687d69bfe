import json as _json

from django.core.management.base import BaseCommand, CommandError

from shian.inspections.models import RandomDraw
from shian.inspections.services.draws import verify_draw


class Command(BaseCommand):
    help = "复算一次双随机抽取（docs/inspections.md §4）：核对冻结名单的 SHA-256 并重新计算抽取结果。"

    def add_arguments(self, parser):
        parser.add_argument("draw", type=int, help="抽取编号")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, draw, json: bool, **options):
        if not RandomDraw.objects.filter(pk=draw).exists():
            raise CommandError(f"抽取 #{draw} 不存在")
        result = verify_draw(draw)
        if json:
            self.stdout.write(_json.dumps({"draw": result["draw"], "reproduced": result["reproduced"],
                                           "algorithm": result["algorithm"]}))  # fmt: skip
            return
        if result["reproduced"]:
            self.stdout.write(f"抽取 #{draw} 复算一致。")
        else:
            self.stdout.write(f"抽取 #{draw} 复算不一致：" + "；".join(result["problems"]))
