from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shian.imports.workbooks import template_xlsx
from shian.ledgers.specs import SPECS


class Command(BaseCommand):
    help = "生成台账的 Excel 模板（表头、批注、下拉选项、示例行和填写说明）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(SPECS), help="台账类型")
        parser.add_argument("output", help="输出的 .xlsx 文件路径")

    def handle(self, *args, kind: str, output: str, **options):
        spec = SPECS[kind]
        try:
            Path(output).write_bytes(template_xlsx(spec))
        except OSError as exc:
            raise CommandError(_("无法写入 %(path)s：%(reason)s") % {"path": output, "reason": exc.strerror}) from exc
        self.stdout.write(_("已生成%(ledger)s模板：%(path)s") % {"ledger": spec.label(), "path": output})
