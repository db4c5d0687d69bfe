from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shian.regions.services import statutory_years, sync_holidays_from_chinese_calendar


class Command(BaseCommand):
    help = "从 chinese-calendar 同步国务院公布的法定节假日与调休工作日（不覆盖本地调整）。"

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, metavar="YEAR", help="只同步这些年份（默认全部）")

    def handle(self, *args, years=None, **options):
        first, last = statutory_years()
        if years and any(y < first or y > last for y in years):
            raise CommandError(
                _("chinese-calendar 只包含 %(first)s–%(last)s 年的节假日安排；其他年份请升级该包或录入本地调整。")
                % {"first": first, "last": last}
            )
        written = sync_holidays_from_chinese_calendar(years=years)
        self.stdout.write(
            _("已同步节假日与调休 %(n)s 天（chinese-calendar 覆盖 %(first)s–%(last)s 年）")
            % {"n": written, "first": first, "last": last}
        )
