import datetime

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors
from shian.dashboard import services
from shian.regions.models import Region


class Command(BaseCommand):
    help = "生成调度周报（Word 和 PDF，归档）：--region 指定区划，或 --all 为所有有主体的县、市、省生成上周周报"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区划代码（2/4/6 位等）")
        parser.add_argument("--week", type=datetime.date.fromisoformat, help="周一日期（YYYY-MM-DD，默认上周）")
        parser.add_argument("--all", action="store_true", help="为所有尚无上周周报的区划生成")
        parser.add_argument("--user", help="以该账号身份生成（校验权限与辖区）；默认为系统")

    def handle(self, *args, region, week, all, user, **options):
        if all:
            self.stdout.write(f"已生成 {services.generate_weekly()} 份调度周报")
            return
        if not region:
            raise CommandError("请指定 --region 区划代码，或使用 --all")
        place = Region.objects.filter(code=region).first()
        if place is None:
            raise CommandError(f"区划代码不存在：{region}")
        actor = actor_for(user) if user else None
        with service_errors("生成调度周报失败"):
            report = services.generate_dispatch(region=place, week=week or services.report_week(), actor=actor)
        for file in (report.docx, report.pdf):
            self.stdout.write(f"已生成：{file.name}")
