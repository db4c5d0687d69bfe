import json as _json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors
from shian.ledgers import services
from shian.ledgers.models import ImportBatch
from shian.ledgers.specs import SPECS


class Command(BaseCommand):
    help = (
        "导入台账（xlsx / xls / csv）：先校验，全部正确才写入；--dry-run 只校验，--skip-invalid 跳过错误行。"
        "退出码：0 已导入（或校验通过），1 有错误未导入，2 文件无法读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(SPECS), help="台账类型")
        parser.add_argument("file", help="台账文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余各行")
        parser.add_argument("--report", help="把错误报告（xlsx）写到此路径")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 结果")

    def handle(self, *args, kind, file, dry_run, skip_invalid, report, actor, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        if dry_run and skip_invalid:
            raise CommandError("--dry-run 与 --skip-invalid 不能同时使用")
        mode = ImportBatch.Mode.DRY_RUN if dry_run else ImportBatch.Mode.SKIP_INVALID if skip_invalid else "commit"
        user = actor_for(actor)
        with service_errors("无法导入"):
            batch = services.create_batch(actor=user, kind=kind, name=path.name, data=path.read_bytes(), mode=mode)
        batch = services.process_batch(batch)
        if report and batch.report:
            Path(report).write_bytes(batch.report.open("rb").read())
        counts = batch.counts
        errors = [{k: e[k] for k in ("row", "column", "code", "message")} for e in batch.errors]
        if json:
            figures = {k: counts.get(k, 0) for k in ("rows", "created", "updated", "unchanged")}
            out = {**figures, "errors": errors}
            if batch.status == ImportBatch.Status.FAILED:
                out["message"] = batch.message
            self.stdout.write(_json.dumps(out, ensure_ascii=False))
        elif batch.status == ImportBatch.Status.FAILED:
            self.stderr.write(batch.message)
        else:
            self.stdout.write(
                f"{batch.get_status_display()}：共 {counts['rows']} 行，新增 {counts['created']}，更新 {counts['updated']}，"
                f"未变 {counts['unchanged']}，跳过 {counts['skipped']}，错误 {counts['errors']} 处（批次 #{batch.pk}）"
            )
            for error in errors[:50]:
                self.stdout.write(f"  第 {error['row']} 行「{error['column']}」：{error['message']}")
        code = {ImportBatch.Status.FAILED: 2, ImportBatch.Status.REJECTED: 1}.get(batch.status, 0)
        if batch.status == ImportBatch.Status.VALIDATED and errors:
            code = 1
        if code:
            sys.exit(code)
