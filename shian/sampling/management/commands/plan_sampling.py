import json as _json

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors
from shian.sampling.models import SamplingKind
from shian.sampling.selectors.samples import categories
from shian.sampling.services.plans import plan_sampling


class Command(BaseCommand):
    help = (
        "制定年度食品抽检计划（docs/sampling.md §2）：批次 = 常住人口 ÷ 1000 × 每千人批次，按抽检类型、食品类别、"
        "乡镇（街道）和月份均衡分配，并生成各市场监管所的月度抽样任务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="计划年度")
        parser.add_argument("--region", required=True, help="区划代码（省、市、县或乡镇）")
        parser.add_argument("--rate", help="每千人批次（默认规则 sampling.batches_per_thousand）")
        parser.add_argument("--user", help="执行账号（默认系统）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 统计")

    def handle(self, *args, year, region, rate, user, json: bool, **options):
        actor = actor_for(user) if user else None
        if not (region or "").strip():
            raise CommandError("请用 --region 给出区划代码。")
        with service_errors("无法制定抽检计划"):
            plan = plan_sampling(actor=actor, region_code=region.strip(), year=year, rate=rate)
        s = plan.summary
        names = dict(categories(plan.region_id))
        kinds = dict(SamplingKind.choices)
        self.stdout.write(f"抽检计划 #{plan.pk}：{plan.region.name}（{plan.region_id}）{year} 年，第 {s['version']} 版")
        self.stdout.write(
            f"  常住人口 {s['residents']:,} 人 × 每千人 {s['rate']:g} 批 = {s['batches']:,} 批次"
            f"（乡镇分配依据：{'常住人口' if s['townships_by'] == 'residents' else '常住人口，缺数据的按主体数'}）"
        )
        self.stdout.write("  按类型：" + "，".join(f"{kinds[k]} {n}" for k, n in s["by_kind"].items()))
        self.stdout.write("  按食品类别：" + "，".join(f"{names.get(c, c)} {n}" for c, n in s["by_category"].items()))
        self.stdout.write("  按月份：" + "，".join(f"{m}月 {n}" for m, n in s["by_month"].items()))
        towns = s["by_township"]
        self.stdout.write(f"  乡镇（街道）{len(towns)} 个，每个 {min(towns.values(), default=0)}–"
                          f"{max(towns.values(), default=0)} 批次")  # fmt: skip
        g = s["grain_stock"]
        self.stdout.write(
            f"  粮食库存监测：粮食加工品 {g['grain_batches']} 批次中不少于 {g['pct']}%，即 {g['batches']} 批次"
        )
        self.stdout.write(
            f"  抽样任务 {s['tasks']} 项（未划归市场监管所的乡镇 {s['unstationed']} 项），用时 {s['seconds']} 秒"
        )
        if json:
            out = {k: s[k] for k in ("residents", "rate", "batches", "by_category", "by_township", "by_month")}
            self.stdout.write(_json.dumps(out, ensure_ascii=False))
