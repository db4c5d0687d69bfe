import json as _json

from django.core.management.base import BaseCommand, CommandError

from shian.baobao import services
from shian.core.commands import actor_for, service_errors
from shian.regions.models import Region


class Command(BaseCommand):
    help = "求解包保匹配方案（最小费用流），保存为待审核方案；--publish 直接发布。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区划代码（默认执行账号的辖区；系统管理员为库中全部省份，逐省求解）")
        parser.add_argument("--incremental", action="store_true", help="只调整必须变动的包保关系")
        parser.add_argument("--publish", action="store_true", help="求解后立即发布（执行账号须有审核权限）")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 统计")

    def handle(self, *args, region, incremental, publish, actor, json: bool, **options):
        user = actor_for(actor)
        # Without --region an account works on its own jurisdiction; a superuser (no region of its own) on every
        # province the database holds, one run per province.
        targets = [region] if region or user.region_id else self._provinces()
        if not targets:
            raise CommandError("数据库中没有区划：请先运行 python manage.py load_regions")
        for code in targets:
            with service_errors("无法匹配"):
                run = services.assign_cadres(actor=user, region_code=code, incremental=incremental)
                if publish:
                    services.publish_run(actor=user, run=run)
            self._report(run, json)

    @staticmethod
    def _provinces() -> list[str]:
        return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", flat=True))

    def _report(self, run, json: bool) -> None:
        figures = {
            **{k: run.counts[k] for k in ("entities", "cadres", "assigned", "unassigned", "changed")},
            "objective": run.objective,
            "seconds": run.seconds,
        }
        if json:
            self.stdout.write(_json.dumps({**figures, "run": run.pk, "shortages": run.shortages}, ensure_ascii=False))
            return
        self.stdout.write(
            f"方案 #{run.pk}（{run.region_id}，{run.get_status_display()}）：主体 {figures['entities']}，"
            f"干部 {figures['cadres']}，已匹配 {figures['assigned']}，未匹配 {figures['unassigned']}，"
            f"变动 {figures['changed']}，用时 {run.seconds} 秒"
        )
        for row in run.shortages[:50]:
            self.stdout.write("  " + row["message"])
