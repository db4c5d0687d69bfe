import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shian.regions.services import RegionDataError, load_regions


class Command(BaseCommand):
    help = "载入全国省、市、县、乡四级区划及 data/regions 下 villages-*.csv 中的村级区划（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--villages", nargs="*", metavar="PREFIX", help="只载入这些区划代码前缀下的村（社区），如 37 或 370725"
        )
        parser.add_argument("--data-dir", help="区划数据目录（默认 data/regions）")

    def handle(self, *args, villages=None, data_dir=None, **options):
        started = time.monotonic()
        try:
            counts = load_regions(data_dir=data_dir, village_prefixes=villages)
        except RegionDataError as exc:
            raise CommandError(str(exc)) from exc
        summary = "，".join(f"{_(label)} {n}" for label, n in counts.items())
        self.stdout.write(
            _("已载入区划：%(summary)s（用时 %(s).1f 秒）") % {"summary": summary, "s": time.monotonic() - started}
        )
