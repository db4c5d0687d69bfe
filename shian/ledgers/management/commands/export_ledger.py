from django.core.management.base import BaseCommand

from shian.core.commands import actor_for, service_errors
from shian.ledgers import exports, services


class Command(BaseCommand):
    help = "按模板列导出台账（xlsx），导出的文件可原样导入且不产生变更。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=list(exports.ROWS), help="台账类型")
        parser.add_argument("--region", help="区划代码（默认执行账号的辖区）")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("out", help="输出文件（.xlsx）")

    def handle(self, *args, kind, region, actor, out, **options):
        user = actor_for(actor)
        with service_errors("无法导出"), open(out, "wb") as output:
            rows = services.export_ledger(actor=user, kind=kind, output=output, region_code=region)
        self.stdout.write(f"已导出 {rows} 行：{out}")
