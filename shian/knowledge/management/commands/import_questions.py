import json as _json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for
from shian.knowledge import services


class Command(BaseCommand):
    help = (
        "导入监督抽考题库（xlsx）：全部正确才写入，题干与已有题目相同的更新该题；--dry-run 只校验。"
        "退出码：0 已导入（或校验通过），1 有错误未导入，2 文件无法读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="题库文件（xlsx / xls / csv）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--actor", default="admin", help="执行账号（默认 admin）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 结果")

    def handle(self, *args, file, dry_run, actor, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        user = actor_for(actor)
        try:
            counts = services.import_questions(actor=user, data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        except services.ImportRejected as exc:
            if json:
                empty = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
                self.stdout.write(_json.dumps({**empty, "errors": exc.errors}, ensure_ascii=False))
            else:
                self.stderr.write(f"题库有 {len(exc.errors)} 处错误，未导入：")
                for message in exc.messages[:100]:
                    self.stderr.write(f"  {message}")
            sys.exit(1)
        except ValidationError as exc:  # the file cannot be read as a question bank at all
            if json:
                self.stdout.write(_json.dumps({"message": exc.messages[0], "errors": []}, ensure_ascii=False))
            raise CommandError(f"无法导入题库：{'；'.join(exc.messages)}", returncode=2) from exc
        except PermissionDenied as exc:
            raise CommandError(f"无法导入题库：{exc}") from exc
        if json:
            self.stdout.write(_json.dumps({**counts, "errors": []}, ensure_ascii=False))
        else:
            verb = "校验通过" if dry_run else "已导入"
            self.stdout.write(
                f"{verb}：共 {counts['rows']} 题，新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}。"
            )
