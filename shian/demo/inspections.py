"""Demo routine inspections (docs/inspections.md): the county's 市场监管所 and their inspectors, entities placed in
their village's grid, two years of signed inspections on the default 监督检查要点表 (mostly 符合, some 基本符合, a few
不符合 with notes on the failed items, two inspectors' signatures each), catering levels and last year's annual
grades, rectification orders at every stage (closed after an answer and a re-check, answered and waiting, open,
overdue, one escalated into a case referral), this month's tasks for the demo inspector, 明厨亮灶 links and a few
declared conflicts. Idempotent per county; seeded, so the same seed makes the same history.

**Outcomes come from a hidden process** (docs/riskmodel.md §7), so the inspection-priority model has something
real to learn and nothing to copy: whether an inspection finds a 重点项 failure is drawn from a logistic process
whose log-odds are `HIDDEN["base"]` plus, for facts the model's features also see, known before that inspection:
the format (catering or canteen +0.9, 三小 +0.7, production or special food +0.4), the scale (+0.25 × ln(1 +
diners)), the entity's earlier inspections in this history (+1.2 if the last one found a 重点项 failure, +0.5 per
earlier such inspection up to three, +0.6 if none in the year before), the season (June to September +0.5), and a
per-entity random effect (normal, sd 0.4) that no feature sees, as real management quality would not be. Only
the entity's fixed facts and its own earlier draws enter each draw: never the outcome being drawn, nor anything
dated on or after that day, so the model can learn the process only through features computed before the
inspection (no label leakage). An inspection without a 重点项 failure is 基本符合 with probability
`HIDDEN["basic"]`, else 符合.

`load_inspections(county=, seed=, today=)` returns what it made. On top of the history it runs the services behind
the commands, as a county would: `grade_risk` (the risk grades from that history), `plan_inspections` (this
year's plan) and one weighted 双随机 draw by the county administrator, published, so the overview, the risk
bands, the on-plan figures and the draw pages have real content."""

import datetime
import math
import random
import uuid
from collections import Counter, defaultdict
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.checklists.services import resolve_checklist
from shian.core import audit, rules
from shian.core.workdays import Deadline, add_working_days, compute_due
from shian.entities.models import BusinessType, Entity, SubType
from shian.inspections.models import (
    CaseReferral,
    CateringLevel,
    CateringYearGrade,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    InspectionTask,
    InspectorConflict,
    KitchenLink,
    Outcome,
    Recheck,
    RectificationAnswer,
    RectificationOrder,
    Signature,
    Station,
)
from shian.inspections.ruledefs import PUBLISH_RESULTS, RECTIFY_BASIC, RECTIFY_NONCONFORM
from shian.inspections.services import draws, grading, planning
from shian.regions.models import Grid, Region

from .accounts import DEMO_PASSWORD
from .names import person_name, short_name

DEMO_INSPECTORS = ("inspector", "inspector2")  # the demo logins (shian/demo/accounts.py), in the first station
YEARS = 2
# inspections per entity per year by kind of business: canteens more, as the plan's bands would ask
PER_YEAR = {BusinessType.CANTEEN: 2.0, BusinessType.PRODUCTION: 1.6, BusinessType.SPECIAL: 1.8,
            BusinessType.CATERING: 1.3, BusinessType.MARKET: 1.5}  # fmt: skip
PER_YEAR_DEFAULT = 1.0
DRAW_COUNT = 30  # entities in the demo's 双随机 draw (a county draws a few dozen a quarter)
DRAW_TITLE = "{year}年第{quarter}季度双随机抽查（演示）"
# the hidden process behind the outcomes (see the module docstring): log-odds weights of a 重点项 failure
HIDDEN = {"base": -4.0, "catering": 0.9, "small": 0.7, "production": 0.4, "diners": 0.25, "last_failed": 1.2,
          "per_failure": 0.5, "max_failures": 3, "lapsed": 0.6, "lapse_days": 365, "summer": 0.5, "months": (6, 7, 8, 9),
          "entity_sd": 0.4, "basic": 0.12}  # fmt: skip
KITCHEN_SHARE = {SubType.SCHOOL_CANTEEN: 0.97, SubType.KINDERGARTEN_CANTEEN: 0.97, SubType.ELDERLY_CANTEEN: 0.85,
                 SubType.HOSPITAL_CANTEEN: 0.6, SubType.CENTRAL_KITCHEN: 0.8, SubType.GROUP_MEAL: 0.8,
                 SubType.LARGE_RESTAURANT: 0.3, SubType.OFFICE_CANTEEN: 0.2}  # fmt: skip
PLATFORMS = [("潍坊市智慧监管平台", "WFZH", "https://zhjg.weifang.example.cn/mclz/"),
             ("山东省阳光餐饮监管平台", "SDYG", "https://ygcy.shandong.example.cn/live/"),
             ("昌乐县互联网+明厨亮灶平台", "CLMC", "https://mclz.changle.example.cn/channel/")]  # fmt: skip
NOTES = {
    "许可管理": ["许可证经营项目与实际不符", "许可证未悬挂在显著位置"],
    "信息公示": ["未张贴上次监督检查结果记录表", "投诉举报电话未公示"],
    "制度管理": ["日管控记录不完整", "未任命食品安全员"],
    "人员管理": ["1名从业人员健康证明过期", "培训记录缺失"],
    "环境卫生": ["后厨地面有积水", "垃圾桶未加盖", "灭蝇灯损坏"],
    "原料控制": ["部分冷冻肉品无检疫证明", "冰箱内有过期调料", "原料直接落地存放"],
    "加工制作": ["生熟砧板混用", "留样不足125克", "冷藏温度超过8℃"],
    "设施设备": ["专间紫外线灯未开启", "洗手设施缺少消毒液"],
    "餐饮具清洗消毒": ["消毒柜未运行", "消毒记录缺失"],
}
NOTE_DEFAULT = ["现场检查发现问题，已责令改正", "记录不全"]
SUMMARIES = {
    Outcome.CONFORM: ["现场检查未发现问题。", "各项制度落实较好，继续保持。", "经营规范，记录齐全。"],
    Outcome.BASIC: ["发现一般问题，责令限期整改。", "部分记录不全，已当场指出并责令整改。"],
    Outcome.NONCONFORM: ["发现重点项不符合，责令限期整改，逾期未改正的依法查处。"],
}
CONFLICTS = ["近亲属经营该单位", "曾在该单位任职", "与经营者存在经济往来"]


def _kind_of(entity: Entity) -> str:
    """Which 监督检查要点表 an entity is inspected on, by its format."""
    if entity.business_type == BusinessType.PRODUCTION or entity.sub_type in (
        SubType.SMALL_WORKSHOP, SubType.HEALTH_FOOD, SubType.INFANT_FORMULA, SubType.FSMP,
    ):  # fmt: skip
        return InspectionKind.PRODUCTION
    if entity.business_type in (BusinessType.CATERING, BusinessType.CANTEEN) or entity.sub_type in (
        SubType.SMALL_EATERY, SubType.STALL,
    ):  # fmt: skip
        return InspectionKind.CATERING
    return InspectionKind.SALES


def _hidden_log_odds(entity: Entity, on: datetime.date, earlier: list[tuple[datetime.date, bool]], effect: float):
    """The hidden process's log-odds of a 重点项 failure on `on`, from facts known before it (module docstring)."""
    w = HIDDEN
    z = w["base"] + effect + w["diners"] * math.log1p(entity.diners or 0)
    if entity.business_type in (BusinessType.CATERING, BusinessType.CANTEEN):
        z += w["catering"]
    elif entity.business_type == BusinessType.SMALL:
        z += w["small"]
    elif entity.business_type in (BusinessType.PRODUCTION, BusinessType.SPECIAL):
        z += w["production"]
    if earlier:
        z += w["last_failed"] * earlier[-1][1] + w["per_failure"] * min(sum(f for _d, f in earlier), w["max_failures"])
    if not earlier or (on - earlier[-1][0]).days > w["lapse_days"]:
        z += w["lapsed"]
    return z + (w["summer"] if on.month in w["months"] else 0.0)


def _hidden_outcome(rng: random.Random, z: float) -> str:
    if rng.random() < 1.0 / (1.0 + math.exp(-z)):
        return Outcome.NONCONFORM
    return Outcome.BASIC if rng.random() < HIDDEN["basic"] else Outcome.CONFORM


def _pick(rng: random.Random, weighted) -> object:
    roll, seen = rng.random(), 0.0
    for value, share in weighted:
        seen += share
        if roll < seen:
            return value
    return weighted[-1][0]


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone())


INSPECTION_FIELDS = (
    "client_key", "checklist", "started_at", "signed_at", "received_at", "signer_name", "signed_by", "entity",
    "region", "station", "kind", "inspected_on", "outcome", "key_failed", "general_failed", "catering_level",
    "repeat_items", "summary", "entity_signer", "publish_due", "published_at",
)  # fmt: skip


def _insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain INSERTs of rows already in database form (ids, strings, adapted dates), in batches."""
    meta, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def load_inspections(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    """The county's inspection history (see the module docstring); {} when the county already has stations."""
    if Station.objects.filter(region=county).exists() or not county.children.exists():
        return {}
    with transaction.atomic():
        return _Loader(county=county, seed=seed, today=today).run()


class _Loader:
    def __init__(self, *, county: Region, seed: int, today: datetime.date):
        self.county, self.today = county, today
        self.rng = random.Random(f"{seed}:inspections:{county.code}")
        self.counts: Counter = Counter()
        self.deadlines: dict[str, Deadline] = {}
        self.days: dict[tuple, datetime.date] = {}

    def run(self) -> dict[str, int]:
        stations = self.stations()
        self.counts["grids"] = self.grids()
        inspections = self.inspections(stations)
        self.orders(inspections)
        self.year_grades(inspections)
        self.tasks(stations)
        self.kitchen_links()
        self.conflicts(stations)
        self.grades_plan_draw()
        audit.record(actor=None, action="demo.inspections", object_type="inspections.inspection",
                     region_code=self.county.code, after=dict(self.counts))  # fmt: skip
        return dict(self.counts)

    # -- stations and inspectors ------------------------------------------------------------------------------

    def stations(self) -> dict[int, dict]:
        """One station per two or three townships, named after its first; four or five inspectors each, the demo
        logins in the first. Returns station id -> {"station", "inspectors": [User, ...]}."""
        rng, county = self.rng, self.county
        townships = list(county.children.order_by("code"))
        groups, i = [], 0
        while i < len(townships):
            size = rng.choice((2, 3)) if len(townships) - i > 3 else len(townships) - i
            groups.append(townships[i : i + size])
            i += size
        password = make_password(DEMO_PASSWORD)
        out: dict[int, dict] = {}
        for n, group in enumerate(groups, 1):
            station = Station.objects.create(
                code=f"{county.code}S{n:02d}", name=f"{short_name(group[0].name)}市场监管所", region=county
            )
            station.townships.set(group)
            inspectors = []
            if n == 1:
                inspectors = list(User.objects.filter(username__in=DEMO_INSPECTORS).order_by("username"))
            # four or five per station: a 双随机 draw pairs two who did not inspect the entity last time
            wanted = 4 + (rng.random() < 0.5) - len(inspectors)
            for k in range(wanted):
                username = f"insp{county.code}{n:02d}{k + 1}"
                user, _ = User.objects.get_or_create(username=username, defaults={
                    "name": person_name(rng), "role": Role.STATION_STAFF, "region": county, "password": password,
                })  # fmt: skip
                inspectors.append(user)
            station.inspectors.set(inspectors)
            out[station.pk] = {"station": station, "inspectors": inspectors, "townships": [t.code for t in group]}
        self.counts["stations"] = len(out)
        self.counts["inspectors"] = sum(len(s["inspectors"]) for s in out.values())
        return out

    def grids(self) -> int:
        """Each entity in its village's community grid, where the village has one (one UPDATE)."""
        grid = Grid.objects.filter(region=OuterRef("region"), kind=Grid.Kind.COMMUNITY).order_by("pk").values("pk")[:1]
        with_grid = Grid.objects.filter(kind=Grid.Kind.COMMUNITY, region__code__startswith=self.county.code)
        entities = Entity.objects.filter(grid__isnull=True, region_id__in=with_grid.values("region_id"))
        return entities.update(grid=Subquery(grid))

    # -- two years of inspections -----------------------------------------------------------------------------

    def inspections(self, stations: dict[int, dict]) -> list[Inspection]:
        rng, today, county = self.rng, self.today, self.county
        station_of = {t: pk for pk, s in stations.items() for t in s["townships"]}
        checklists = {kind: resolve_checklist(kind=kind, region_code=county.code) for kind in InspectionKind.values}
        items = {kind: list(c.items.order_by("position")) for kind, c in checklists.items()}
        publish_days = rules.value(PUBLISH_RESULTS.code, county.code, today)
        first_day = today.replace(year=today.year - YEARS) + datetime.timedelta(days=1)
        span = (today - first_day).days
        entities = Entity.objects.filter(region__code__startswith=county.code, status=Entity.Status.OPERATING)
        inspections, answers, signatures = [], [], []
        self.failed: dict[int, list[dict]] = {}  # id(inspection) -> failed items
        demo_entity = User.objects.filter(username="enterprise").values_list("entity_id", flat=True).first()
        for entity in entities.order_by("pk").only("pk", "region_id", "business_type", "sub_type", "diners",
                                                   "created_at"):  # fmt: skip
            station = stations.get(station_of.get(entity.region_id[:9]))
            if station is None:
                continue
            registered = timezone.localtime(entity.created_at).date()
            rate = PER_YEAR.get(entity.business_type, PER_YEAR_DEFAULT)
            n = int(rate * YEARS) + (rng.random() < (rate * YEARS) % 1)
            days = sorted(first_day + datetime.timedelta(days=rng.randrange(span)) for _ in range(n))
            if entity.pk == demo_entity:  # the demo enterprise has a recent finding to answer
                days = [d for d in days if d < today - datetime.timedelta(days=20)] + [
                    today - datetime.timedelta(days=3)
                ]
            kind = _kind_of(entity)
            effect, earlier = rng.gauss(0.0, HIDDEN["entity_sd"]), []
            for on in days:
                if on < registered:
                    continue
                outcome = _hidden_outcome(rng, _hidden_log_odds(entity, on, earlier, effect))
                if entity.pk == demo_entity and on == days[-1]:
                    outcome = Outcome.BASIC
                earlier.append((on, outcome == Outcome.NONCONFORM))
                inspection = self._inspection(entity, station, checklists[kind], items[kind], on, outcome, kind,
                                              answers, signatures, publish_days)  # fmt: skip
                inspections.append(inspection)
        # plain rows rather than model instances (some twenty answers per inspection): instances would cost most
        # of the demo's time
        adapt, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
        uuid_field, json_field = Inspection._meta.get_field("client_key"), Inspection._meta.get_field("repeat_items")
        no_repeats, received = json_field.get_db_prep_save([], connection), adapt(timezone.now())
        _insert(Inspection, INSPECTION_FIELDS, [(
            uuid_field.get_db_prep_value(i.client_key, connection), i.checklist, adapt(i.started_at),
            adapt(i.signed_at), received, i.pair[0].name, i.pair[0].pk, i.entity_id, i.region_id, i.station,
            i.kind, adapt_day(i.inspected_on), i.outcome, i.key_failed, i.general_failed, i.catering_level,
            no_repeats, i.summary, i.entity_signer, adapt_day(i.publish_due), adapt(i.published_at),
        ) for i in inspections])  # fmt: skip
        ids = dict(Inspection.objects.filter(station_id__in=list(stations)).values_list("client_key", "pk"))
        for i in inspections:
            i.pk = ids[i.client_key]
        _insert(InspectionAnswer, ("inspection", "item", "result", "note"),
                [(i.pk, item, result, note) for i, item, result, note in answers])  # fmt: skip
        _insert(Signature, ("inspection", "inspector", "name", "image", "signed_at"),
                [(i.pk, user, name, "", adapt(at)) for i, user, name, at in signatures])  # fmt: skip
        self.counts.update(inspections=len(inspections), answers=len(answers), signatures=len(signatures))
        return inspections

    def _workdays(self, day: datetime.date, n: int) -> datetime.date:
        key = (day, n)
        if key not in self.days:
            self.days[key] = add_working_days(day, n)
        return self.days[key]

    def _inspection(self, entity, station, checklist, items, on, outcome, kind, answers, signatures, publish_days):
        rng = self.rng
        pair = rng.sample(station["inspectors"], 2)
        keys = [i for i in items if i.severity == "key"]
        general = [i for i in items if i.severity != "key"]
        fail: list = []
        if outcome == Outcome.NONCONFORM:
            fail = [rng.choice(keys)] + rng.sample(general, rng.randint(0, 2))
        elif outcome == Outcome.BASIC:
            fail = rng.sample(general, rng.randint(1, 3))
        started = _aware(on, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        signed = started + datetime.timedelta(minutes=rng.randint(25, 70))
        catering = kind == InspectionKind.CATERING
        level = ""
        if catering:
            level = {Outcome.CONFORM: _pick(rng, ((CateringLevel.EXCELLENT, 0.4), (CateringLevel.GOOD, 0.6))),
                     Outcome.BASIC: _pick(rng, ((CateringLevel.GOOD, 0.5), (CateringLevel.AVERAGE, 0.5))),
                     Outcome.NONCONFORM: CateringLevel.AVERAGE}[outcome]  # fmt: skip
        term = entity.sub_type in (SubType.SCHOOL_CANTEEN, SubType.KINDERGARTEN_CANTEEN) and on.month in (2, 3, 9)
        task_kind = (InspectionTask.Kind.TERM_START if term else
                     _pick(rng, ((InspectionTask.Kind.ROUTINE, 0.8), (InspectionTask.Kind.RANDOM, 0.2))))  # fmt: skip
        publish_due = self._workdays(on, publish_days)
        published = (
            None
            if publish_due > self.today and rng.random() < 0.5
            else _aware(min(self._workdays(on, rng.randint(1, 5)), self.today), 17)
        )
        inspection = SimpleNamespace(
            client_key=uuid.UUID(int=rng.getrandbits(128)), checklist=checklist.pk, started_at=started,
            signed_at=signed, entity_id=entity.pk, region_id=entity.region_id,
            station=station["station"].pk, kind=task_kind, inspected_on=on, outcome=outcome,
            key_failed=sum(1 for i in fail if i.severity == "key"),
            general_failed=sum(1 for i in fail if i.severity != "key"), catering_level=level,
            summary=rng.choice(SUMMARIES[outcome]), entity_signer=person_name(rng),
            publish_due=publish_due, published_at=published,
        )  # fmt: skip
        failed_ids = {i.pk for i in fail}
        failed_rows = []
        for item in items:
            if item.pk in failed_ids:
                note = rng.choice(NOTES.get(item.category, NOTE_DEFAULT))
                answers.append((inspection, item.pk, "fail", note))
                failed_rows.append({"item": item.pk, "position": item.position, "text": item.text,
                                    "severity": item.severity, "note": note})  # fmt: skip
            else:
                answers.append((inspection, item.pk, "pass", ""))
        for k, inspector in enumerate(pair):
            signatures.append((inspection, inspector.pk, inspector.name, signed + datetime.timedelta(seconds=20 * k)))
        if failed_rows:
            self.failed[id(inspection)] = failed_rows
        inspection.pair, inspection.pk = pair, None
        return inspection

    # -- rectification --------------------------------------------------------------------------------------------

    def orders(self, inspections: list[Inspection]) -> None:
        """An order for every 基本符合 and 不符合 inspection; its state by how far its deadline lies behind."""
        rng, today = self.rng, self.today
        now = timezone.now()
        prefix = short_name(self.county.name)
        enterprise = {u.entity_id: u for u in User.objects.filter(role=Role.ENTERPRISE, entity__isnull=False,
                                                                  region__code__startswith=self.county.code)}  # fmt: skip
        orders, answers, rechecks = [], [], []
        seq: Counter = Counter()
        escalated = None
        for inspection in sorted((i for i in inspections if id(i) in self.failed), key=lambda i: i.signed_at):
            rule = RECTIFY_NONCONFORM if inspection.outcome == Outcome.NONCONFORM else RECTIFY_BASIC
            due = self._due(rule.code, inspection.signed_at)
            year = inspection.inspected_on.year
            seq[year] += 1
            behind = (today - timezone.localtime(due.due_at).date()).days
            roll = rng.random()
            if behind > 20:
                # one order of the last months escalated into a case; a few of the last weeks still open (overdue)
                if escalated is None and behind < 120 and roll < 0.2:
                    state = "escalate"
                else:
                    state = "open" if behind < 60 and roll > 0.92 else "closed"
            elif behind > 0:
                state = "closed" if roll < 0.8 else ("answered" if roll < 0.93 else "open")
            else:
                state = "answered" if roll < 0.4 else "open"
            if inspection.entity_id in enterprise and behind <= 0:
                state = "open"  # the demo enterprise answers it itself
            order = RectificationOrder(
                inspection_id=inspection.pk, entity_id=inspection.entity_id, region_id=inspection.region_id,
                number=f"{prefix}市监责改〔{year}〕{seq[year]:04d}号", items=self.failed[id(inspection)],
                issued_at=inspection.signed_at, due_at=due.due_at, due_rule=due.rule,
                status=RectificationOrder.Status.OPEN,
            )  # fmt: skip
            orders.append(order)
            answered_at = inspection.signed_at + (due.due_at - inspection.signed_at) * rng.uniform(0.3, 0.9)
            if state in ("answered", "closed"):
                order.status = RectificationOrder.Status.ANSWERED
                answers.append((order, min(answered_at, now), enterprise.get(inspection.entity_id), inspection.pair[0]))
            if state == "closed":
                order.status = RectificationOrder.Status.CLOSED
                order.closed_at = min(answered_at + datetime.timedelta(days=rng.randint(1, 4)), now)
                rechecks.append((order, order.closed_at, inspection.pair[0]))
            if state == "escalate":
                escalated = order
                order.status = RectificationOrder.Status.ESCALATED
                order.escalated_at = due.due_at + datetime.timedelta(days=8)
        RectificationOrder.objects.bulk_create(orders, batch_size=1000)
        self._answers(answers, rechecks)
        if escalated is not None:
            CaseReferral.objects.create(
                entity_id=escalated.entity_id, region_id=escalated.region_id, source="rectification", order=escalated,
                reason=f"{escalated.number}逾期未整改，经催告仍未改正，移送立案调查",
            )  # fmt: skip
        self.counts.update(orders=len(orders), orders_closed=len(rechecks), referrals=int(escalated is not None))

    def _due(self, code: str, start: datetime.datetime) -> Deadline:
        """The working-day deadline of `code` from `start`: the clock's own computation once per rule, then the
        same working-day arithmetic per order (a rule lookup per order would cost seconds)."""
        first = self.deadlines.get(code)
        if first is None or first.rule.get("unit") != "WD":
            first = self.deadlines[code] = compute_due(rule_code=code, start=start, region_code=self.county.code)
            return first
        day = add_working_days(timezone.localtime(start).date(), first.rule["amount"])
        return Deadline(rule=first.rule, due_at=first.due_at.replace(year=day.year, month=day.month, day=day.day))

    def _answers(self, answers, rechecks) -> None:
        adapt = connection.ops.adapt_datetimefield_value
        _insert(RectificationAnswer, ("order", "text", "answered_by", "answered_at"), [
            (order.pk, "已按要求完成整改，附整改照片。" if user else "企业提交书面整改报告及照片，由执法人员代为录入。",
             (user or inspector).pk, adapt(at))
            for order, at, user, inspector in answers
        ])  # fmt: skip
        _insert(Recheck, ("order", "passed", "note", "inspector", "checked_at"),
                [(o.pk, True, "复查合格，予以销号。", by.pk, adapt(at)) for o, at, by in rechecks])  # fmt: skip

    def year_grades(self, inspections: list[Inspection]) -> None:
        """Last year's annual 量化分级 from the year's dynamic levels: mostly 优秀 → A, any 一般 → C, else B."""
        last = self.today.year - 1
        levels: dict[int, list[str]] = defaultdict(list)
        for i in inspections:
            if i.catering_level and i.inspected_on.year == last:
                levels[i.entity_id].append(i.catering_level)
        rows = []
        for entity_id, seen in sorted(levels.items()):
            count = Counter(seen)
            grade = ("C" if count[CateringLevel.AVERAGE] else
                     "A" if count[CateringLevel.EXCELLENT] * 2 > len(seen) else "B")  # fmt: skip
            rows.append(CateringYearGrade(entity_id=entity_id, year=last, grade=grade,
                                          basis={"levels": dict(count), "inspections": len(seen)}))  # fmt: skip
        CateringYearGrade.objects.bulk_create(rows, batch_size=2000)
        self.counts["year_grades"] = len(rows)

    # -- risk grades, this year's plan, a published draw (the services the commands run) ------------------------

    def grades_plan_draw(self) -> None:
        """Grade the county on its history, plan this year, and draw and publish one weighted 双随机 draw by the
        county administrator (the demo account `county`; skipped when it does not exist)."""
        county, today = self.county.code, self.today
        run = grading.grade_region(region_code=county, trigger="demo")
        self.counts.update(graded=run.graded, **{f"band_{band}": n for band, n in run.bands.items()})
        plan = planning.plan_year(region_code=county, year=today.year)
        self.counts["planned"] = plan.summary.get("planned", 0)
        admin = User.objects.filter(username="county", role=Role.COUNTY_ADMIN, region_id=county).first()
        candidates = Entity.objects.filter(region__code__startswith=county, status=Entity.Status.OPERATING).count()
        if admin is None or not candidates:
            return
        title = DRAW_TITLE.format(year=today.year, quarter=(today.month - 1) // 3 + 1)
        for _attempt in range(3):  # a seed that leaves a station short of a pair for some entity: the next one
            try:
                draw = draws.run_draw(actor=admin, region_code=county, count=min(DRAW_COUNT, candidates),
                                      seed=f"demo-{county}-{self.rng.getrandbits(32):08x}", weighted=True,
                                      title=title)  # fmt: skip
                break
            except ValidationError:
                continue
        else:
            return
        draws.publish_draw(actor=admin, draw=draw)
        self.counts["draw_tasks"] = draw.tasks.count()

    # -- this month's work, 明厨亮灶, conflicts -----------------------------------------------------------------

    def tasks(self, stations: dict[int, dict]) -> None:
        """Open tasks this month for the demo inspector's pair (a few already past their date), at entities of
        their station not inspected this month."""
        rng, today = self.rng, self.today
        first = next(iter(stations.values()))
        pair = first["inspectors"][:2]
        month_start = today.replace(day=1)
        month_end = (month_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        seen = set(Inspection.objects.filter(inspected_on__gte=month_start).values_list("entity_id", flat=True))
        entities = Entity.objects.filter(status=Entity.Status.OPERATING, region__code__startswith=self.county.code)
        pool = [(pk, region_id) for pk, region_id in entities.order_by("pk").values_list("pk", "region_id")
                if region_id[:9] in first["townships"] and pk not in seen]  # fmt: skip
        chosen = rng.sample(pool, min(len(pool), 15))
        tasks = []
        for n, (pk, region_id) in enumerate(chosen):
            due = today - datetime.timedelta(days=rng.randint(2, 6)) if n < 2 else month_end
            kind = InspectionTask.Kind.RANDOM if n % 4 == 3 else InspectionTask.Kind.ROUTINE
            tasks.append(InspectionTask(entity_id=pk, region_id=region_id, station=first["station"], kind=kind,
                                        due_on=due, note="本月日常监督检查"))  # fmt: skip
        InspectionTask.objects.bulk_create(tasks)
        through = InspectionTask.inspectors.through
        through.objects.bulk_create([through(inspectiontask_id=t.pk, user_id=u.pk) for t in tasks for u in pair])
        self.counts["tasks"] = len(tasks)

    def kitchen_links(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        entities = Entity.objects.filter(region__code__startswith=self.county.code, sub_type__in=list(KITCHEN_SHARE))
        for pk, sub_type in entities.order_by("pk").values_list("pk", "sub_type"):
            if rng.random() >= KITCHEN_SHARE[sub_type]:
                continue
            platform, code, url = PLATFORMS[0] if rng.random() < 0.6 else rng.choice(PLATFORMS[1:])
            channel = f"{code}-{self.county.code}-{pk:06d}"
            status = KitchenLink.Status.ONLINE if rng.random() < 0.95 else KitchenLink.Status.OFFLINE
            rows.append(KitchenLink(entity_id=pk, platform=platform, channel_id=channel, url=f"{url}{channel}",
                                    since=today - datetime.timedelta(days=rng.randint(30, 3 * 365)), status=status))  # fmt: skip
        KitchenLink.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        self.counts["kitchen_links"] = len(rows)

    def conflicts(self, stations: dict[int, dict]) -> None:
        rng = self.rng
        rows = []
        for s in stations.values():
            township = Entity.objects.filter(region__code__startswith=s["townships"][0]).order_by("pk")
            entities = list(township.values_list("pk", flat=True)[:200])
            if not entities:
                continue
            for inspector in rng.sample(s["inspectors"], 1):
                rows.append(InspectorConflict(inspector=inspector, entity_id=rng.choice(entities),
                                              reason=rng.choice(CONFLICTS)))  # fmt: skip
        InspectorConflict.objects.bulk_create(rows, ignore_conflicts=True)
        self.counts["conflicts"] = len(rows)
