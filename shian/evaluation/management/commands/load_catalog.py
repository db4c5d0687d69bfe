import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shian.core.commands import service_errors
from shian.imports.cells import ImportFileError
from shian.imports.files import EXCEL_SUFFIXES

from ...services import catalog as services


class Command(BaseCommand):
    help = ("载入示范创建评价细则：TOML 数据文件（默认为随平台发布的 seed 001 细则），或按模板填写的 Excel 工作簿"
            "（docs/evaluation.md §1.1）；已载入的版本不重复载入。")  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(services.SHIPPED), help="评价细则数据文件（TOML）或工作簿（xlsx）")
        parser.add_argument("--json", action="store_true", help="最后一行以 JSON 输出载入结果")

    def handle(self, *args, file: str, json: bool, **options):
        if file.lower().endswith(EXCEL_SUFFIXES):
            catalog = self._workbook(Path(file))
        else:
            with service_errors("评价细则未载入"):
                data, sha = services.read_file(file)
                try:
                    catalog = services.load(data, sha256=sha)
                    self.stdout.write(f"已载入评价细则：{catalog}")
                except services.AlreadyLoaded as exc:
                    catalog = exc.catalog
                    self.stdout.write(str(exc))
        result = services.summary(catalog)
        if json:
            self.stdout.write(_json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write("方面 {aspects} 个，项 {items} 个，小项 {sub_items} 个，否决项 {veto_items} 个，满分 {max_points}"
                              .format(**result))  # fmt: skip

    def _workbook(self, path: Path):
        """A workbook: every check first; a bad one prints the cell report (one line per cell) and fails."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"评价细则未载入：无法读取文件 {path}：{exc.strerror}") from exc
        try:
            catalog, parsed = services.load_workbook(data, path.name)
        except ImportFileError as exc:
            raise CommandError(f"评价细则未载入：{exc.message}") from exc
        if catalog is None:
            for line in parsed.messages():
                self.stderr.write(line)
            raise CommandError(f"评价细则未载入：{path.name} 有 {len(parsed.errors)} 处错误（见上），未写入任何数据。")
        self.stdout.write(f"已载入评价细则：{catalog}")
        return catalog
