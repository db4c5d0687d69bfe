import json as _json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.complaints.services import importing
from shian.core.commands import actor_for, service_errors


class Command(BaseCommand):
    help = (
        "导入 12315/12345 平台导出的投诉举报工单（xlsx / xls / csv，docs/complaints.md §2）：逐行校验，全部正确才写入，"
        "按主体所在乡镇分派到市场监管所，未匹配的到县局。退出码：0 已导入，1 有错误未导入，2 文件无法读取。--json 时最后"
        '一行为 {"rows", "created", "linked_duplicates", "routed", "unmatched", "errors"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="工单文件")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--region", default="", help="导入到的区划（默认执行账号的管辖区划；超级用户须指定）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, file, actor, region, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        user = actor_for(actor)
        try:
            with service_errors("无法导入"):
                outcome = importing.import_file(actor=user, data=path.read_bytes(), filename=path.name,
                                                region_code=region.strip())  # fmt: skip
        except CommandError as exc:
            cause = exc.__cause__
            if isinstance(cause, importing.ImportRefused):
                if not json:
                    for message in cause.messages[:100]:
                        self.stderr.write(message)
                    self.stderr.write(f"共 {len(cause.cells)} 处错误，未导入任何工单。")
                else:
                    self.stdout.write(_json.dumps(cause.outcome.as_dict(), ensure_ascii=False))
                sys.exit(1)
            if json:
                out = {**importing.Outcome().as_dict(), "errors": [{"row": 0, "column": "", "code": "file",
                                                                   "message": str(exc)}]}  # fmt: skip
                self.stdout.write(_json.dumps(out, ensure_ascii=False))
                sys.exit(2)
            raise CommandError(str(exc), returncode=2) from exc
        if json:
            self.stdout.write(_json.dumps(outcome.as_dict(), ensure_ascii=False))
        else:
            routed = "，".join(f"{code} {n} 件" for code, n in sorted(outcome.routed.items()))
            self.stdout.write(
                f"已导入 {outcome.created} 件（共 {outcome.rows} 行），关联重复件 {outcome.linked_duplicates} 件，"
                f"未匹配主体 {outcome.unmatched} 件（转县局），待确认模糊匹配 {outcome.fuzzy} 件；分派：{routed}"
            )
