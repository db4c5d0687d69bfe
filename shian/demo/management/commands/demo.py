from django.core.management.base import BaseCommand, CommandError

from shian.demo.accounts import DEMO_PASSWORD, load_demo_accounts, load_demo_grids
from shian.demo.entities import load_demo_entities
from shian.entities.models import Entity
from shian.regions.models import Region


class Command(BaseCommand):
    help = "生成演示县（默认昌乐县 370725）：网格、各角色演示账号；可重复运行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="370725", help="演示县的 6 位区划代码（默认 370725 昌乐县）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")

    def handle(self, *args, county, seed, **options):
        region = Region.objects.filter(code=county, level=Region.Level.COUNTY).first()
        if region is None:
            raise CommandError(
                f"区划 {county} 不存在或不是县级区划：请先运行 python manage.py load_regions --villages {county}"
            )
        if not region.children.exists():
            raise CommandError(f"{region.name} 没有乡镇数据：请先运行 python manage.py load_regions")
        grids = load_demo_grids(county=region)
        created = load_demo_entities(county=region, seed=seed)
        logins = load_demo_accounts(county=region)
        total = Entity.objects.filter(region__code__startswith=region.code).count()
        self.stdout.write(
            f"演示县：{region.name}（{region.code}），网格 {grids} 个，市场主体 {total} 户（本次新增 {created}）"
        )
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, label in logins:
            self.stdout.write(f"  {username:<12} {label}")
