import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shian.core import deadlinechecks


def _instant(text: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"时间格式应为 ISO 8601（如 2026-03-16T08:00+08:00）：{text}") from exc
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class Command(BaseCommand):
    help = (
        "检查投诉举报、案件、事件、舆情等的法定期限（docs/complaints.md §4）：逾期的各标记一次、提醒承办单位，"
        '逾期过久的上报县级；重复运行不会重复提醒。--json 时最后一行为 {"checked", "overdue", "escalated"}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="按此时间判断（ISO 8601；无时区按本地时间；默认现在）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, at, json: bool, **options):
        now = _instant(at) if at else timezone.now()
        total, each = deadlinechecks.run_all(now)
        for name, counts in each.items():
            self.stdout.write(
                f"{name}：检查 {counts.checked} 件，新逾期 {counts.overdue} 件，上报 {counts.escalated} 件"
            )
        figures = {"checked": total.checked, "overdue": total.overdue, "escalated": total.escalated}
        if json:
            self.stdout.write(_json_dumps(figures))
        else:
            self.stdout.write(f"合计：检查 {total.checked} 件，新逾期 {total.overdue} 件，上报 {total.escalated} 件")


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
