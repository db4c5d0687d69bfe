"""`python manage.py build_sharing_package --region CODE --year Y --half 1|2 [--actor NAME] [--json]`: generate and
archive a half-year's data-sharing package (docs/commission.md §3); the last line with --json is
{"package", "region", "year", "half", "version", "sha256", "size", "sheets"}."""

import json

from django.core.management.base import BaseCommand

from shian.core.commands import actor_for, service_errors

from ...services import sharing


class Command(BaseCommand):
    help = "生成并归档半年数据共享包（每个成员单位一个工作表）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--half", type=int, required=True, choices=[1, 2])
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        actor = actor_for(options["actor"])
        with service_errors("生成数据共享包失败"):
            package = sharing.build(actor=actor, region_code=options["region"], year=options["year"],
                                    half=options["half"])  # fmt: skip
        out = {
            "package": package.pk,
            "region": package.region_id,
            "year": package.year,
            "half": package.half,
            "version": package.version,
            "sha256": package.sha256,
            "size": package.size,
            "sheets": package.sheets,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已生成 {package.year} 年第 {package.half} 个半年的数据共享包（第 {package.version} 版）"
            )
