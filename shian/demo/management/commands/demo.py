import datetime
import json
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
from shian.demo.cases import load_cases
from shian.demo.commission import load_commission
from shian.demo.complaints import load_complaints
from shian.demo.credit import load_credit
from shian.demo.duties import DAYS, load_county_duties
from shian.demo.emergency import load_emergency
from shian.demo.entities import load_county_entities
from shian.demo.evaluation import load_evaluation
from shian.demo.history import backdate_county
from shian.demo.inspections import load_inspections
from shian.demo.lists import load_lists
from shian.demo.markets import load_markets
from shian.demo.notices import load_notices
from shian.demo.province import load_province
from shian.demo.riskmodel import load_riskmodel
from shian.demo.rules import load_demo_rule_versions
from shian.demo.rural import load_rural
from shian.demo.sampling import load_sampling
from shian.demo.sampling_public import load_sampling_public
from shian.demo.surveys import load_surveys
from shian.demo.trace import load_trace
from shian.demo.visits import load_county_visits
from shian.demo.warnings import load_warnings
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
        parser.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="许可证日期的基准日（YYYY-MM-DD，默认今天）"
        )

    def handle(self, *args, county, province, seed, today, **options):
        today = today or timezone.localdate()
        if province:
            return self._province(province, seed, today)
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
        self._inspections(region, seed, today)
        self._sampling(region, seed, today)
        self._complaints(region, seed, today)
        self._cases(region, seed, today)
        self._emergency(region, seed, today)
        self._rural(region, seed, today)
        self._surveys(region, seed, today)
        self._credit(region, seed, today)
        self._riskmodel(region, today)
        self._markets(region, seed, today)
        self._trace(region, seed, today)
        self._commission(region, seed, today)
        self._evaluation(region, seed, today)
        self._warnings(region, seed, today)
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

    def _inspections(self, county: Region, seed: int, today: datetime.date) -> None:
        """Stations, inspectors and two years of inspection history (shian/demo/inspections.py), before the KPI
        history is recorded so the dashboard's past holds them too."""
        started = time.monotonic()
        made = load_inspections(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"监督检查：{made['stations']} 个市场监管所、{made['inspectors']} 名执法人员，近两年检查记录 "
                f"{made['inspections']} 条，责令整改 {made['orders']} 份（已销号 {made['orders_closed']} 份），"
                f"本月任务 {made['tasks']} 项，明厨亮灶接入 {made['kitchen_links']} 户"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _riskmodel(self, county: Region, today: datetime.date) -> None:
        """The inspection-priority model trained on the history above, scored, and back-tested
        (shian/demo/riskmodel.py), after every record its features read exists."""
        started = time.monotonic()
        made = load_riskmodel(county=county, today=today)
        if made.get("skipped"):
            self.stdout.write(f"检查优先级模型：未训练（{made['skipped']}）")
        elif made:
            b = made["backtest"]
            self.stdout.write(
                f"检查优先级模型 {made['model']}：{made['rows']} 条检查记录，留出期 AUC {made['auc']}（现行计划排序 "
                f"{made['baseline_auc']}），评分 {made['scored']} 户；回测（{b['cutoff']} 起）{b['failures']} 次重点项不符合"
                f"平均提前 {b['days_earlier_mean']} 天发现，首月发现比例 模型 {b['first_month_share_model']} / 现行计划 "
                f"{b['first_month_share_baseline']}（演示数据，只说明方法可行）（{time.monotonic() - started:.1f} 秒）"
            )

    def _sampling(self, county: Region, seed: int, today: datetime.date) -> None:
        """Residents, labs, the county's sampling plans and two years of samples, results and disposals
        (shian/demo/sampling.py), after the stations exist."""
        started = time.monotonic()
        made = load_sampling(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"抽检监测：{made['labs']} 家承检机构，去年和今年抽检计划 {made['plans']} 份，近两年样品 {made['samples']} 批次"
                f"（已出结论 {made['reported']}，不合格 {made['failed']}），核查处置 {made['disposals']} 件"
                f"（已办结 {made['disposals_closed']}），跨区域协查通报 {made['notices']} 份，已公布 {made['published']} 批次"
                f"（{time.monotonic() - started:.1f} 秒）"
            )
        started = time.monotonic()
        made = load_sampling_public(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"你点我检活动 {made.get('campaigns', 0)} 次（建议 {made.get('proposals', 0)} 条，"
                f"投票 {made.get('votes', 0)} 张，列入计划 {made.get('plan_lines', 0)} 项），"
                f"快检室 {made.get('rapid_rooms', 0)} 个，快检 {made.get('rapid_tests', 0)} 批次"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _complaints(self, county: Region, seed: int, today: datetime.date) -> None:
        """A year of complaints and reports routed to the stations, some transferred, duplicated or overdue
        (shian/demo/complaints.py), after the stations exist."""
        started = time.monotonic()
        made = load_complaints(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"投诉举报：近一年 {made.get('items', 0)} 件（移送 {made.get('transferred', 0)}，"
                f"重复关联 {made.get('linked_duplicates', 0)}，逾期 {made.get('overdue', 0)}，"
                f"举报立案 {made.get('filed', 0)}）（{time.monotonic() - started:.1f} 秒）"
            )

    def _cases(self, county: Region, seed: int, today: datetime.date) -> None:
        """Cases opened from every kind of source the earlier demos left (overdue 包保 problems, inspection
        referrals, failed samples, reports), with penalties, one under 挂牌督办 (shian/demo/cases.py)."""
        started = time.monotonic()
        made = load_cases(county=county, seed=seed, today=today)
        if made.get("created"):
            self.stdout.write(
                f"案件查办：立案 {made.get('cases', 0)} 件（逾期 {made.get('overdue', 0)}，挂牌督办 {made.get('supervised', 0)}）"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _emergency(self, county: Region, seed: int, today: datetime.date) -> None:
        """An incident reported on time, public-opinion items, emergency plans, trainings and drills
        (shian/demo/emergency.py), through the emergency services as the county administrator."""
        started = time.monotonic()
        made = load_emergency(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"应急处置：食品安全事件 {made['incidents']} 起（报告 {made['reports']} 份），舆情 {made['opinions']} 条"
                f"（反馈迟报 {made['opinions_late']} 条），应急预案 {made['plans']} 份，培训与演练 {made['exercises']} 次"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _commission(self, county: Region, seed: int, today: datetime.date) -> None:
        """The commission's meetings, decision tasks, key-work ledger, a sharing package, an assessment round and
        volunteers (shian/demo/commission.py)."""
        started = time.monotonic()
        made = load_commission(county=county, seed=seed, today=today)
        if made.get("created"):
            self.stdout.write(
                f"食安委统筹：会议 {made['meetings']} 次，议定事项 {made['decisions']} 项，重点工作 {made['keywork']} 项，"
                f"数据共享包 1 个，成员单位评议 1 轮，志愿者 {made['volunteers']} 人（{time.monotonic() - started:.1f} 秒）"
            )

    def _evaluation(self, county: Region, seed: int, today: datetime.date) -> None:
        """Seed 001's catalog and the county's evaluation mid-way: tasks in every state, evidence, 合理缺项
        (shian/demo/evaluation.py), after the modules whose figures the automatic indicators read."""
        started = time.monotonic()
        made = load_evaluation(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"示范创建评价：任务 {made['tasks']} 项（待办 {made['open']}，已提交 {made['submitted']}，已退回 "
                f"{made['returned']}，已通过 {made['accepted']}），评定得分 {made['points']} 个小项，合理缺项 "
                f"{made['not_applicable']} 个（/evaluation/{made['evaluation']}/）（{time.monotonic() - started:.1f} 秒）"
            )

    def _rural(self, county: Region, seed: int, today: datetime.date) -> None:
        """流动厨师, reported dinners with guidance visits, and a foodborne cluster that opened an incident
        (shian/demo/rural.py), after the emergency records (which are made only in a county without incidents)."""
        started = time.monotonic()
        made = load_rural(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"农村集体聚餐：流动厨师 {made['chefs']} 人（健康证明将到期 {made['expiring']}），聚餐 {made['dinners']} 场"
                f"（投保 {made['insured']}，已现场指导 {made['guided']}，待指导 {made['open_tasks']}）；"
                f"食源性疾病：病例 {made.get('cases', 0)} 例，聚集性预警 {made.get('clusters', 0)} 起，"
                f"开立事故 {made.get('incidents', 0)} 起（医院账号 hospital）（{time.monotonic() - started:.1f} 秒）"
            )

    def _surveys(self, county: Region, seed: int, today: datetime.date) -> None:
        """Two completed survey rounds, satisfaction and awareness (shian/demo/surveys.py)."""
        started = time.monotonic()
        made = load_surveys(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"满意度与知晓率调查：满意度答卷 {made['satisfaction']} 份，知晓率答卷 {made['awareness']} 份"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _credit(self, county: Region, seed: int, today: datetime.date) -> None:
        """Red/black list editions and dishonesty entries from the demo's records (shian/demo/lists.py), the
        commission's 三书一函 (shian/demo/notices.py), then insurance policies and every business's credit class,
        which reads all of the above (shian/demo/credit.py)."""
        started = time.monotonic()
        made = load_lists(county=county, seed=seed, today=today)
        if made.get("created"):
            self.stdout.write(
                f"红黑榜：近半年 {sum((made.get('published') or {}).values())} 期已发布（另有待批准 {made.get('waiting_approval', 0)} 期、"
                f"草稿 {made.get('drafts', 0)} 期），严重违法失信名单 {made.get('entries', 0)} 户（信用修复 "
                f"{made.get('repaired', 0)} 户），联合惩戒提示 {made.get('flags', 0)} 条（{time.monotonic() - started:.1f} 秒）"
            )
        started = time.monotonic()
        made = load_notices(county=county, seed=seed, today=today)
        if made.get("created"):
            self.stdout.write(
                f"三书一函：{made['notices']} 份（已回复 {made.get('replied', 0)}，升级 {made.get('escalated', 0)}）"
                f"（{time.monotonic() - started:.1f} 秒）"
            )
        started = time.monotonic()
        made = load_credit(county=county, seed=seed, today=today)
        if made:
            bands = "，".join(f"{band} 级 {n}" for band, n in (made.get("bands") or {}).items())
            self.stdout.write(
                f"信用档案：{made.get('ratings', 0)} 户已评级（{bands}），责任保险 {made.get('policies', 0)} 份"
                f"（已脱保 {made.get('lapsed', 0)}），更正申请 {made.get('corrections', 0)} 件"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _warnings(self, county: Region, seed: int, today: datetime.date) -> None:
        """A burst of failed samples and complaints, the rules run over the county, warnings in several states
        (shian/demo/warnings.py), after every module whose records raise warnings."""
        started = time.monotonic()
        made = load_warnings(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"风险预警：运行规则 {made['rules']} 条，发出 {made['raised']} 条（合并 {made['merged']}），"
                f"已处理 {made['handled']} 条（{time.monotonic() - started:.1f} 秒）"
            )

    def _markets(self, county: Region, seed: int, today: datetime.date) -> None:
        """Two smart markets with their stalls, a month of stall rapid tests and a week of prices
        (shian/demo/markets.py), before the KPI history is recorded."""
        started = time.monotonic()
        made = load_markets(county=county, seed=seed, today=today)
        if made:
            self.stdout.write(
                f"智慧菜市场：{made['markets']} 个市场（账号 market），摊位 {made['stalls']} 个，近一个月摊位快检 "
                f"{made['tests']} 批次（不合格 {made['failed']}，暂停销售 {made['on_hold']} 个摊位）"
                f"（{time.monotonic() - started:.1f} 秒）"
            )

    def _trace(self, county: Region, seed: int, today: datetime.date) -> None:
        """一品一码: products, a year of batches and hand-overs, a completed recall and one in progress
        (shian/demo/trace.py)."""
        started = time.monotonic()
        made = load_trace(county=county, seed=seed, today=today)
        if made.get("created"):
            self.stdout.write(
                f"追溯与召回：{made['batches']} 个批次、{made.get('events', 0)} 条流通记录，召回 {made.get('completed')}（已完成）"
                f"和 {made.get('open')}（召回中）（{time.monotonic() - started:.1f} 秒）"
            )

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

    def _province(self, code: str, seed: int, today: datetime.date) -> None:
        region = Region.objects.filter(code=code, level=Region.Level.PROVINCE).first()
        if region is None:
            raise CommandError(f"省级区划 {code} 不存在：请先运行 python manage.py load_regions")
        if not Region.objects.filter(code__startswith=code, level=Region.Level.VILLAGE).exists():
            self.stdout.write(f"载入 {region.name} 的村级区划……")
            call_command("load_regions", villages=[code], stdout=self.stdout)
        started = time.monotonic()
        made = load_province(
            province=region, seed=seed, today=today, progress=lambda line: self.stdout.write(line, ending="\r")
        )
        entities = Entity.objects.filter(region__code__startswith=code).count()
        cadres = Cadre.objects.filter(region__code__startswith=code).count()
        self.stdout.write("")
        self.stdout.write(
            f"{region.name}：市场主体 {entities} 户、包保干部 {cadres} 人"
            f"（本次新增 {made['entities']} 户、{made['cadres']} 人，用时 {time.monotonic() - started:.0f} 秒）"
        )
