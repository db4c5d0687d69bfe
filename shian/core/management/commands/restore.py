import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core import backup


class Command(BaseCommand):
    help = (
        "从备份目录恢复到空数据库（新建的库，或 migrate 后 flush 清空的库）与上传文件目录：先核对清单与每个文件的 "
        "SHA-256，任何不符都不写入；恢复后核对每张表的行数。退出码：0 已恢复，1 拒绝恢复，2 用法错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="备份目录（含 manifest.json）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, dir, json: bool, **options):
        if not Path(dir).is_dir():
            raise CommandError(f"找不到备份目录：{dir}", returncode=2)
        try:
            summary = backup.restore_backup(dir)
        except backup.BackupRefused as exc:
            if json:
                self.stdout.write(_json.dumps({"ok": False, "message": str(exc)}, ensure_ascii=False))
            raise CommandError(f"无法恢复：{exc}") from exc
        for warning in summary["warnings"]:
            self.stderr.write(f"注意：{warning}")
        if json:
            self.stdout.write(_json.dumps({"ok": True, **summary}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已从 {summary['path']} 恢复（{summary['created']} 的备份，版本 {summary['version']}）："
                f"{summary['tables']} 张表 {summary['rows']} 行，行数与清单一致；上传文件 {summary['files']} 个"
            )
