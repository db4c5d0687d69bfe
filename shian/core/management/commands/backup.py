import json as _json

from django.core.management.base import BaseCommand, CommandError

from shian.core import backup, rules


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）与上传文件，并写出带 SHA-256 校验值的清单 manifest.json；"
        "写到 --to 目录（默认 var/backups）下以时间命名的子目录。退出码：0 已备份，1 无法备份，2 用法错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", help="备份存放目录（默认 SHIAN_BACKUP_DIR 或 var/backups），其下新建 shian-日期-时间 子目录"
        )
        parser.add_argument("--prune", action="store_true", help="备份后按保留规则清理该目录中的旧备份")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, to, prune, json: bool, **options):
        try:
            result = backup.create_backup(to=to)
        except backup.BackupRefused as exc:
            if json:
                self.stdout.write(_json.dumps({"ok": False, "message": str(exc)}, ensure_ascii=False))
            raise CommandError(f"无法备份：{exc}") from exc
        removed = []
        if prune:
            removed = backup.prune(
                result.path.parent,
                daily=rules.value("backup.keep_daily"),
                weekly=rules.value("backup.keep_weekly"),
                monthly=rules.value("backup.keep_monthly"),
            )
        for warning in result.warnings:
            self.stderr.write(f"注意：{warning}")
        if json:
            out = {"ok": True, **result.as_dict(), "pruned": [str(p) for p in removed]}
            self.stdout.write(_json.dumps(out, ensure_ascii=False))
        else:
            summary = result.as_dict()
            self.stdout.write(
                f"已备份到 {result.path}：{summary['tables']} 张表 {summary['rows']} 行，"
                f"{summary['files']} 个文件共 {summary['bytes']} 字节"
                + (f"；已清理旧备份 {len(removed)} 份" if removed else "")
            )
