"""manage.py train_risk_model [--cutoff DATE] [--region CODE] [--json] (docs/riskmodel.md §2, docs/commands.md)."""

from django.core.management.base import BaseCommand

from shian.core.commands import service_errors
from shian.riskmodel.services.training import train_model

from ._common import day, dumps
from ._common import region as region_of


class Command(BaseCommand):
    help = (
        "用截止日之前的检查记录训练检查优先级模型并设为在用（docs/riskmodel.md）。"
        '--json 时最后一行为 {"model", "rows", "features", "auc", "baseline_auc"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", default="", help="训练截止日（默认今天；只用此日之前的记录）")
        parser.add_argument("--region", default="", help="区划代码（默认全部）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, cutoff: str, region: str, json: bool, **options):
        code, cut = region_of(region), day(cutoff, "--cutoff")
        with service_errors("训练检查优先级模型"):
            model = train_model(region_code=code, cutoff=cut)
        out = {"model": model.version, "rows": model.rows, "features": len(model.features), "auc": model.auc,
               "baseline_auc": model.baseline_auc}  # fmt: skip
        if json:
            self.stdout.write(dumps(out))
        else:
            self.stdout.write(f"模型 {model.version}：{model.rows} 条检查记录，{len(model.features)} 个特征，"
                              f"留出期 AUC {model.auc}（现行计划排序 {model.baseline_auc}），已设为在用")  # fmt: skip
