import json as _json

from django.core.management.base import BaseCommand

from shian.core.commands import service_errors

from ...services import catalog as services


class Command(BaseCommand):
    help = "载入示范创建评价细则（TOML 数据文件，默认为随平台发布的 seed 001 细则）；已载入的版本不重复载入。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(services.SHIPPED), help="评价细则数据文件（TOML）")
        parser.add_argument("--json", action="store_true", help="最后一行以 JSON 输出载入结果")

    def handle(self, *args, file: str, json: bool, **options):
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
