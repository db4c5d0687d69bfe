import json as _json

from django.core.management.base import BaseCommand

from shian.accounts.models import User
from shian.core.commands import actor_for, service_errors
from shian.inspections.services.draws import run_draw


class Command(BaseCommand):
    help = "双随机一公开抽取（docs/inspections.md §4）：随机抽取主体和执法人员，生成检查任务，可复算。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码")
        parser.add_argument("--count", type=int, required=True, help="抽取主体数")
        parser.add_argument("--seed", help="随机种子（不填则随机生成并记录）")
        parser.add_argument("--weighted", action="store_true", help="按风险等级加权（D 级被抽中概率最高）")
        parser.add_argument(
            "--use-score", action="store_true", help="按检查优先级模型的评分加权（算法 sha256-sample-v2；须有在用模型）"
        )
        parser.add_argument("--station", type=int, help="只从该市场监管所的主体中抽取")
        parser.add_argument("--title", default="", help="抽取名称")
        parser.add_argument("--user", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, region, count, seed, weighted, use_score, station, title, user, json: bool, **options):
        actor = actor_for(user)
        with service_errors("无法抽取"):
            draw = run_draw(actor=actor, region_code=region, count=count, seed=seed, weighted=weighted,
                            station_id=station, title=title, use_score=use_score)  # fmt: skip
        names = dict(User.objects.filter(pk__in={u for r in draw.result for u in r["inspectors"]})
                     .values_list("pk", "username"))  # fmt: skip
        tasks = [{"entity": r["uscc"], "inspectors": [names[u] for u in r["inspectors"]]} for r in draw.result]
        if json:
            self.stdout.write(_json.dumps({"draw": draw.pk, "seed": draw.seed,
                                           "candidates_sha256": draw.candidates_sha256, "tasks": tasks,
                                           "algorithm": draw.algorithm, "model": draw.model_version or None},
                                          ensure_ascii=False))  # fmt: skip
            return
        self.stdout.write(f"抽取 #{draw.pk}：种子 {draw.seed}，候选 {len(draw.candidates)} 户，抽中 {len(tasks)} 户")
        self.stdout.write(f"候选名单 SHA-256：{draw.candidates_sha256}")
        self.stdout.write(
            f"算法版本：{draw.algorithm}"
            + (f"，评分模型 {draw.model_version}，权重 SHA-256：{draw.weights_sha256}" if draw.model_version else "")
        )
        for t in tasks:
            self.stdout.write(f"  {t['entity']}  {'、'.join(t['inspectors'])}")
