from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shian.regions.services import BoundaryDataError, load_boundaries


class Command(BaseCommand):
    help = (
        "从 GeoJSON FeatureCollection 文件载入区划边界（一张图）：每个要素的属性 code 或 adcode 为区划代码，"
        "几何为 Polygon 或 MultiPolygon（经度, 纬度）。先全部校验，有错则不写入；可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON 文件路径")
        parser.add_argument("--source", help="数据来源说明，显示在地图上（默认文件名）")

    def handle(self, *args, file, source=None, **options):
        path = Path(file)
        try:
            counts = load_boundaries(path=path, source=source or path.name[:200])
        except BoundaryDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("已载入区划边界：新增 %(created)s 个，更新 %(updated)s 个") % counts)
