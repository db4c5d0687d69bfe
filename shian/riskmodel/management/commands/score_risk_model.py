"""manage.py score_risk_model [--region CODE] [--json] (docs/riskmodel.md §5, docs/commands.md)."""

from django.core.management.base import BaseCommand

from shian.core.commands import service_errors
from shian.riskmodel.services.scoring import score_region

from ._common import dumps, region


class Command(BaseCommand):
    help = (
        "用在用模型为辖区内在营主体计算下次检查发现重点项不符合的概率及主要因素（docs/riskmodel.md）。"
        '--json 时最后一行为 {"model", "entities", "mean_probability", "seconds"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="区划代码（默认全部）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, json: bool, **options):
        code = region(options["region"])
        with service_errors("检查优先级评分"):
            run = score_region(region_code=code)
        if json:
            self.stdout.write(dumps(run.as_dict()))
        else:
            self.stdout.write(f"模型 {run.model}：评分 {run.entities} 户，平均概率 {run.mean_probability}，"
                              f"用时 {run.seconds} 秒")  # fmt: skip
