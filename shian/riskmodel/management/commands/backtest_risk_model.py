"""manage.py backtest_risk_model --cutoff DATE [--region CODE] [--json] (docs/riskmodel.md §6, docs/commands.md)."""

from django.core.management.base import BaseCommand

from shian.core.commands import service_errors
from shian.riskmodel.services.backtest import run_backtest

from ._common import day, dumps, region


class Command(BaseCommand):
    help = (
        "回测：用截止日之前的记录训练，按模型顺序与现行计划顺序（风险等级、到期日）重放之后几个月的检查"
        '（docs/riskmodel.md）。--json 时最后一行为 {"failures", "days_earlier_mean", "first_month_share_model", '
        '"first_month_share_baseline", ...}；演示数据上的结果只说明方法可行。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--cutoff", required=True, help="回测截止日 YYYY-MM-DD")
        parser.add_argument("--region", default="", help="区划代码（默认全部）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, cutoff: str, json: bool, **options):
        code, cut = region(options["region"]), day(cutoff, "--cutoff")
        with service_errors("回测检查优先级模型"):
            result = run_backtest(cutoff=cut, region_code=code)
        if json:
            self.stdout.write(dumps(result.as_dict()))
        else:
            self.stdout.write(
                f"{result.cutoff} 之后 {result.inspections} 次检查中 {result.failures} 次发现重点项不符合；按模型顺序平均"
                f"提前 {result.days_earlier_mean} 天发现；首月发现比例 模型 {result.first_month_share_model} / "
                f"现行计划 {result.first_month_share_baseline}。{result.note}"
            )
