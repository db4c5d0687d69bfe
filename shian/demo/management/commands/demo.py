import datetime
import json
import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from shian.accounts.models import User
from shian.baobao import services
from shian.baobao.models import Cadre, Guarantee
from shian.dashboard import history
from shian.dashboard.models import DispatchReport
from shian.dashboard.services import generate_dispatch, refresh_snapshots, report_week
from shian.demo.accounts import DEMO_PASSWORD, load_demo_accounts, load_demo_grids
from shian.demo.boundaries import county_boundaries
from shian.demo.cadres import link_cadre_login, load_city_cadres, load_county_cadres
from shian.demo.duties import DAYS, load_county_duties
from shian.demo.entities import load_county_entities
from shian.demo.history import backdate_county
from shian.demo.modules import MODULES, Module
from shian.demo.province import load_province
from shian.demo.rules import load_demo_rule_versions
from shian.demo.visits import load_county_visits
from shian.entities.models import Entity
from shian.regions.models import Region
from shian.regions.selectors import has_child_boundaries
from shian.regions.services import load_boundaries
from shian.visits.services import escalate_overdue

COUNTY_ENTITIES = 8000
HISTORY_WEEKS, HISTORY_DAILY = 52, 14  # KPI history: a year of Sundays and the last two weeks day by day
BOUNDARY_SOURCE = "shian 演示：由演示乡镇中心点生成的示意边界（泰森多边形），非官方测绘边界"


class Command(BaseCommand):
    help = (
        "生成演示县（默认昌乐县 370725）：网格、市场主体、包保干部、各角色演示账号；"
        "--province 37 生成全省规模数据（约 106 万户主体、16.7 万名干部）用于性能测试。可重复运行，不会产生重复数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", default="370725", help="演示县的 6 位区划代码（默认 370725 昌乐县）")
        parser.add_argument("--province", help="生成整个省的数据（2 位代码，如 37），不含演示账号")
        parser.add_argument(
            "--scale", type=int, default=1, help="与 --province 同用：每县主体数乘以此倍数（如 3，用于扩展性测试）"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="与 --province 同用（PostgreSQL）：并行生成各县主体的进程数（默认 CPU 核数，至多 4；1 为不并行）",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="许可证日期的基准日（YYYY-MM-DD，默认今天）"
        )

    def handle(self, *args, county, province, seed, today, scale, workers, **options):
        today = today or timezone.localdate()
        if scale != 1 and not province:
            raise CommandError("--scale 只能与 --province 同用")
        if not 1 <= scale <= 10:
            raise CommandError(f"--scale 应为 1 到 10 之间的整数，收到 {scale}")
        if not 1 <= workers <= 16:
            raise CommandError(f"--workers 应为 1 到 16 之间的整数，收到 {workers}")
        if province:
            return self._province(province, seed, today, scale, workers)
        region = Region.objects.filter(code=county, level=Region.Level.COUNTY).select_related("parent").first()
        if region is None:
            raise CommandError(
                f"区划 {county} 不存在或不是县级区划：请先运行 python manage.py load_regions --villages {county}"
            )
        if not region.children.exists():
            raise CommandError(f"{region.name} 没有乡镇数据：请先运行 python manage.py load_regions")
        grids = load_demo_grids(county=region)
        created = load_county_entities(county=region, seed=seed, count=COUNTY_ENTITIES, today=today, flaws=True)
        self._boundaries(region)
        if region.parent and region.parent.level == Region.Level.CITY:
            load_city_cadres(city=region.parent, seed=seed)
        load_county_cadres(county=region, seed=seed)
        logins = load_demo_accounts(county=region)
        self._guarantee(region)
        enterprise = User.objects.filter(username="enterprise").first()
        link_cadre_login(user=User.objects.filter(username="cadre").first(), entity=enterprise and enterprise.entity)
        visits = load_county_visits(county=region, seed=seed, today=today)
        daily = load_county_duties(county=region, seed=seed, today=today)
        if daily:
            self.stdout.write(f"企业主体责任：近 {DAYS} 天日管控记录 {daily} 条")
        if visits:
            escalated = escalate_overdue()
            self.stdout.write(f"包保督导：{visits} 次督导记录，逾期问题升级 {sum(escalated.values())} 个")
        if backdate_county(county=region, seed=seed, today=today):
            self.stdout.write("一张图：主体登记时间已分布到近五年，包保自年初生效，约 85% 的干部已确认承诺书")
        for module in MODULES:
            self._module(module, region, seed, today)
        self._dashboard(region, today)
        county_admin = User.objects.filter(username="county").first()
        if county_admin and load_demo_rule_versions(county=region, actor=county_admin, today=today):
            self.stdout.write("规则与时限：县级修订了一般问题整改时限和人员配备规则，下月起生效")
        total = Entity.objects.filter(region__code__startswith=region.code).count()
        cadres = Cadre.objects.filter(region__code__startswith=region.code).count()
        self.stdout.write(
            f"演示县：{region.name}（{region.code}），网格 {grids} 个，市场主体 {total} 户（本次新增 {created}），"
            f"包保干部 {cadres} 人"
        )
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, label in logins:
            self.stdout.write(f"  {username:<12} {label}")

    def _module(self, module: Module, county: Region, seed: int, today: datetime.date) -> None:
        """Load one module's records (shian/demo/modules.py) and say what it made, with its seconds."""
        started = time.monotonic()
        made = module.load(county=county, seed=seed, today=today)
        if module.made(made):
            self.stdout.write(f"{module.line(made)}（{time.monotonic() - started:.1f} 秒）")

    def _boundaries(self, county: Region) -> None:
        """Schematic township outlines for the 一张图 map, loaded like a real file; boundaries already there
        (an earlier run, or real ones loaded with load_boundaries) are never overwritten."""
        if has_child_boundaries(county.code):
            return
        path = settings.VAR_DIR / f"boundaries-{county.code}.geojson"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(county_boundaries(county), ensure_ascii=False), encoding="utf-8")
        counts = load_boundaries(path=path, source=BOUNDARY_SOURCE)
        self.stdout.write(f"一张图：{counts['created']} 个乡镇的示意边界（{path}），非官方测绘边界")

    def _dashboard(self, county: Region, today: datetime.date) -> None:
        """Snapshots above the county, a year of KPI history, and last week's dispatch report in the archive (as
        on any Monday)."""
        if connection.vendor == "postgresql":  # fresh bulk-loaded tables: give the planner real statistics first
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        refresh_snapshots()
        self._history(today)
        week = report_week()
        if not DispatchReport.objects.filter(region=county, week=week).exists():
            generate_dispatch(region=county, week=week)
            self.stdout.write(f"一张图：已生成 {county.name} {week:%Y-%m-%d} 周调度周报")

    def _history(self, today: datetime.date) -> None:
        """A year of KPI history from the generated past, through the nightly job's own code: every Sunday of the
        last year and every day of the last two weeks (a row per region per day; days already kept are skipped)."""
        sunday = today - datetime.timedelta(days=today.isoweekday() % 7)
        days = {sunday - datetime.timedelta(weeks=w) for w in range(HISTORY_WEEKS)}
        days |= {today - datetime.timedelta(days=d) for d in range(1, HISTORY_DAILY + 1)}
        started = time.monotonic()
        written = history.backfill(d for d in days if d < today)
        if written:
            self.stdout.write(f"一张图：已补记 {written} 天的指标历史（{time.monotonic() - started:.1f} 秒）")

    def _guarantee(self, county: Region) -> None:
        """Grade the county and publish a first 包保 assignment, so the demo opens on guarantees in effect."""
        if Guarantee.objects.filter(entity__region__code__startswith=county.code).exists():
            return
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()
        grades = services.grade_entities(actor=admin, region_code=county.code)
        run = services.assign_cadres(actor=admin, region_code=county.code)
        services.publish_run(actor=admin, run=run)
        self.stdout.write(
            "包保：A/B/C/D 级 "
            + "/".join(str(grades[g]) for g in "ABCD")
            + f" 户，已分配 {run.counts['assigned']} 户，"
            f"未分配 {run.counts['unassigned']} 户"
        )

    def _province(self, code: str, seed: int, today: datetime.date, scale: int = 1, workers: int = 1) -> None:
        region = Region.objects.filter(code=code, level=Region.Level.PROVINCE).first()
        if region is None:
            raise CommandError(f"省级区划 {code} 不存在：请先运行 python manage.py load_regions")
        if not Region.objects.filter(code__startswith=code, level=Region.Level.VILLAGE).exists():
            self.stdout.write(f"载入 {region.name} 的村级区划……")
            call_command("load_regions", villages=[code], stdout=self.stdout)
        started = time.monotonic()
        made = load_province(
            province=region,
            seed=seed,
            today=today,
            scale=scale,
            workers=workers,
            progress=lambda line: self.stdout.write(line, ending="\r"),
        )
        entities = Entity.objects.filter(region__code__startswith=code).count()
        cadres = Cadre.objects.filter(region__code__startswith=code).count()
        self.stdout.write("")
        self.stdout.write(
            f"{region.name}：市场主体 {entities} 户、包保干部 {cadres} 人"
            f"（本次新增 {made['entities']} 户、{made['cadres']} 人，用时 {time.monotonic() - started:.0f} 秒）"
        )
