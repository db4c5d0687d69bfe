import json as _json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors
from shian.sampling.models import LabResultBatch
from shian.sampling.services import results as services


class Command(BaseCommand):
    help = (
        "导入检验结果（xlsx / xls / csv，每个检验项目一行；docs/sampling.md §3）：全部正确才写入，不合格样品自动启动"
        "核查处置。退出码：0 已导入（或校验通过），1 有错误未导入，2 文件无法读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="检验结果文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--report", help="把错误报告（xlsx）写到此路径")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument(
            "--json", action="store_true", help="最后一行输出 JSON：rows, created, failed_samples, errors"
        )

    def handle(self, *args, file, dry_run, report, actor, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        mode = LabResultBatch.Mode.DRY_RUN if dry_run else LabResultBatch.Mode.COMMIT
        user = actor_for(actor)
        with service_errors("无法导入"):
            batch = services.create_batch(actor=user, name=path.name, data=path.read_bytes(), mode=mode)
        batch = services.process_batch(batch)
        if report and batch.report:
            with batch.report.open("rb") as handle:
                Path(report).write_bytes(handle.read())
        counts = batch.counts or {}
        errors = [{k: e[k] for k in ("row", "column", "code", "message")} for e in batch.errors]
        if batch.status == LabResultBatch.Status.FAILED:
            errors = [{"row": 0, "column": "", "code": "file", "message": batch.message}]
        failed = services.failed_samples(batch)
        if not json:
            self.stdout.write(
                f"{batch.get_status_display()}：共 {counts.get('rows', 0)} 行，新增检验结果 {counts.get('created', 0)}，"
                f"不合格样品 {failed}，错误 {len(errors)} 处（批次 #{batch.pk}）"
            )
            for error in errors[:50]:
                self.stdout.write(f"  第 {error['row']} 行「{error['column']}」：{error['message']}")
        else:
            out = {"rows": counts.get("rows", 0), "created": counts.get("created", 0), "failed_samples": failed,
                   "errors": errors}  # fmt: skip
            self.stdout.write(_json.dumps(out, ensure_ascii=False))
        code = {LabResultBatch.Status.FAILED: 2, LabResultBatch.Status.REJECTED: 1}.get(batch.status, 0)
        if batch.status == LabResultBatch.Status.VALIDATED and errors:
            code = 1
        if code:
            sys.exit(code)
