from django.core.management.base import BaseCommand

from shian.regions.services import sync_holidays


class Command(BaseCommand):
    help = "从 chinese-calendar 同步国务院公布的法定节假日与调休工作日（不覆盖本地调整）。"

    def handle(self, *args, **options):
        self.stdout.write(f"已同步节假日与调休 {sync_holidays()} 天")
