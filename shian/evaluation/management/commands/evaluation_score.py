import json as _json

from django.core.management.base import BaseCommand, CommandError

from ...models import Evaluation
from ...services import score as services


class Command(BaseCommand):
    help = "计算县（区）示范创建评价的当前得分、合理缺项、否决项和预计得分。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="县（区）区划代码")
        parser.add_argument("--catalog", default="", help="评价细则版本（默认该县最近启动的评价）")
        parser.add_argument(
            "--json", action="store_true", help="最后一行以 JSON 输出得分（indicators：各自动指标小项的数字）"
        )

    def handle(self, *args, region: str, catalog: str, json: bool, **options):
        qs = Evaluation.objects.select_related("catalog").filter(region_id=region)
        if catalog:
            qs = qs.filter(catalog__version=catalog)
        evaluation = qs.order_by("-started_on", "-id").first()
        if evaluation is None:
            raise CommandError(f"区划 {region} 没有{'按细则 ' + catalog + ' 开展的' if catalog else ''}示范创建评价。")
        result = services.score(evaluation)
        result.pop("by_item")
        if json:
            self.stdout.write(_json.dumps(result, ensure_ascii=False))
        else:
            for f in result["indicators"]:
                figures = "；".join(f"{k['label']} {k['text']}（达标线 {k['threshold']:g}）" for k in f["kpis"])
                points = (
                    "否决项" + ("未达标" if f["failed"] else "达标") if f["veto"] else f"{f['points']} / {f['max']} 分"
                )
                self.stdout.write(f"（{f['no']}）{f['label']}（{f['on']}）：{figures} → {points}")
            self.stdout.write(f"得分 {result['total']} / {result['max']}，预计 {result['projected']}，"
                              f"合理缺项 {result['not_applicable']} 分，否决 {len(result['veto_failed'])} 项")  # fmt: skip
