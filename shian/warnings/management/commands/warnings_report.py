"""manage.py warnings_report --region CODE --quarter 2026Q3 [--format docx|pdf] [--out PATH] [--json]
(docs/warnings.md §5): the quarterly risk consultation report of a county, written to a file."""

import json as jsonlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import service_errors
from shian.warnings import documents
from shian.warnings.selectors.consultation import consultation


class Command(BaseCommand):
    help = (
        "生成县（区）的季度风险会商报告（docs/warnings.md §5）。"
        '--json 时最后一行为 {"path", "region", "quarter", "raised", "closed", ...}。'
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="县（区）区划代码，如 370725")
        parser.add_argument("--quarter", required=True, help="季度，如 2026Q3（不能是尚未开始的季度）")
        parser.add_argument("--format", default="docx", help="docx（默认）或 pdf")
        parser.add_argument("--out", default="", help="输出文件或目录（默认 $SHIAN_VAR_DIR/reports/）")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")

    def handle(self, *args, region: str, quarter: str, format: str, out: str, json: bool, **options):
        fmt = format.strip().lower()
        if fmt not in documents.FORMATS:
            raise CommandError(f"--format 只能是 {'、'.join(documents.FORMATS)}：{format}")
        with service_errors("生成季度风险会商报告"):
            figures = consultation(user=None, region_code=region, quarter=quarter)
        name, data = documents.render(figures, fmt)
        target = Path(out) if out else Path(settings.VAR_DIR) / "reports"
        if not out or target.is_dir() or out.endswith(("/", "\\")):
            target = target / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入报告文件 {target}：{exc.strerror or exc}") from exc
        head = {"path": str(target), "format": fmt, "bytes": len(data), **figures.headline()}
        if json:
            self.stdout.write(jsonlib.dumps(head, ensure_ascii=False))
        else:
            self.stdout.write(
                f"已生成 {figures.region_name}{figures.label}风险会商报告：{target}（发出预警 {head['raised']} 条，"
                f"办结 {head['closed']} 条，风险事件 {head['events']} 件）"
            )
