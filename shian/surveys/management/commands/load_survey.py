"""Create a survey from a questionnaire JSON file (docs/surveys.md §1): a clear message and nothing written on bad
input; a JSON line last."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import actor_for, service_errors

from ...services import surveys as services


class Command(BaseCommand):
    help = "从 JSON 问卷文件创建调查（不指定文件则用该类型的默认问卷）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="县级区划代码")
        parser.add_argument("--kind", choices=["satisfaction", "awareness"], help="不填则取文件中的 kind")
        parser.add_argument("--file", help="问卷 JSON 文件")
        parser.add_argument("--start", required=True, help="开始日期 YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="结束日期 YYYY-MM-DD")
        parser.add_argument("--title", default="")
        parser.add_argument("--user", required=True, help="执行操作的管理员账号")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        try:
            start, end = datetime.date.fromisoformat(o["start"]), datetime.date.fromisoformat(o["end"])
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{exc}") from exc
        with service_errors("问卷文件有误"):
            data = services.read_questionnaire(o["file"]) if o["file"] else services.default_questionnaire(o["kind"])
        kind = o["kind"] or data.get("kind", "")
        with service_errors("无法创建调查"):
            survey = services.create_survey(actor=actor_for(o["user"]), region_code=o["region"], kind=kind,
                                            title=o["title"] or data.get("title", ""), period_start=start,
                                            period_end=end, questions=data.get("questions"))  # fmt: skip
        out = {"survey": survey.pk, "kind": survey.kind, "questions": survey.questions.count()}
        self.stdout.write(json.dumps(out, ensure_ascii=False) if o["json"] else f"已创建调查 {survey.pk}：{survey}")
