"""Demo sampling (docs/sampling.md): residents on the county's townships (≈494,000 in all, as the S4 seed's 2,470
batches at 5 per 1,000 imply), two labs with staff accounts, the county's plans for last year and this year with
their tasks, and two years of samples taken by the stations' inspectors against those tasks: sent, received and
reported on the working-day clock, item results, a pass rate around 97-98 % with failures where real reports find
them (pesticide residues in vegetables, veterinary drugs in aquatic products and meat, microbes in cooked food),
a disposal case for every failure (most closed with the 五到位 steps, some open, a few overdue), cross-region
notices for failed products made elsewhere, and most reported results published.

`load_sampling(county=, seed=, today=)` returns what it made; {} when the county already has a plan. Bulk inserts,
a few seconds for the demo county."""

import datetime
import random
from collections import Counter, defaultdict

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.core.regioncodes import TOWNSHIP, ancestor
from shian.core.workdays import add_working_days
from shian.entities.models import BusinessType, Entity
from shian.inspections.models import Station
from shian.regions.models import Region
from shian.sampling.models import (
    CrossRegionNotice,
    Disposal,
    Lab,
    Sample,
    SampleResult,
    SamplingPlan,
    SamplingTask,
)
from shian.sampling.selectors.samples import category_table
from shian.sampling.services.plans import plan_sampling

from .accounts import DEMO_PASSWORD
from .names import person_name

RESIDENTS = 494_000
# 昌乐县's townships (the demo county) in the order of their codes; any other county shares by entity counts
TOWNSHIP_SHARES = {"370725": [98_000, 86_000, 62_000, 54_000, 58_000, 44_000, 46_000, 46_000]}
LABS = [("潍坊市食品药品检验研究院", "LAB-WFSY", "CMA 161512050123", "lab"),
        ("昌乐县检验检测中心", "LAB-CLJC", "CMA 201512050456", "lab2")]  # fmt: skip
DONE_SHARE = 0.97  # of a past month's batches actually sampled
FAIL = {"farm_veg": 0.045, "farm_aquatic": 0.05, "catering": 0.035, "farm_meat": 0.02, "farm_egg": 0.015,
        "monitoring": 0.025}  # fmt: skip
FAIL_DEFAULT = 0.007
ELSEWHERE = 0.3  # packaged food made outside the county
DISPOSAL_OFFICER = "市场监管所核查处置组"  # who records the steps in the demo
PRODUCERS = [("370702", "潍坊市潍城区"), ("370781", "青州市"), ("371302", "临沂市兰山区"), ("440606", "佛山市顺德区"),
             ("410102", "郑州市中原区"), ("320582", "张家港市")]  # fmt: skip
PRODUCTS = {
    "farm_veg": ["韭菜", "芹菜", "豇豆", "菠菜", "辣椒", "普通白菜", "番茄", "苹果", "葡萄"],
    "farm_meat": ["猪肉", "牛肉", "鸡肉", "羊肉", "猪肝"],
    "farm_aquatic": ["鲫鱼", "草鱼", "鲈鱼", "对虾", "大黄鱼"],
    "farm_egg": ["鸡蛋", "鸭蛋"],
    "catering": ["复用餐饮具", "凉拌菜", "卤肉", "油条", "米饭", "自制饮品"],
    "grain": ["小麦粉", "大米", "挂面", "玉米粉"],
    "oil": ["花生油", "大豆油", "玉米油"],
    "condiment": ["酱油", "食醋", "鸡精", "辣椒酱"],
    "meat_products": ["火腿肠", "酱卤肉", "熏煮香肠"],
    "dairy": ["纯牛奶", "酸奶", "调制乳粉"],
    "beverage": ["饮用纯净水", "果汁饮料", "茶饮料"],
    "pastry": ["蛋糕", "月饼", "饼干", "面包"],
    "bean": ["豆腐", "腐竹", "豆浆"],
    "alcohol": ["白酒", "啤酒", "黄酒"],
    "snack": ["薯片", "糖果", "炒瓜子"],
    "special": ["保健食品（片剂）", "婴幼儿配方乳粉"],
    "monitoring": ["熟肉制品", "生食水产品", "散装白酒"],
    "evaluation": ["韭菜", "大米", "鸡蛋"],
}
# (item, limit, unit, a passing value, a failing value) for the hazards a category's focus names
ITEMS = {
    "农药残留": [
        ("毒死蜱", "≤0.02", "mg/kg", "未检出", "0.16"),
        ("腐霉利", "≤0.2", "mg/kg", "0.03", "1.8"),
        ("氧乐果", "≤0.02", "mg/kg", "未检出", "0.11"),
    ],
    "兽药残留": [
        ("恩诺沙星", "≤100", "μg/kg", "未检出", "286"),
        ("孔雀石绿", "不得检出", "μg/kg", "未检出", "2.3"),
        ("氟苯尼考", "不得检出", "μg/kg", "未检出", "18.6"),
    ],
    "重金属": [("镉（以Cd计）", "≤0.1", "mg/kg", "0.012", "0.31"), ("铅（以Pb计）", "≤0.2", "mg/kg", "0.03", "0.58")],
    "微生物": [
        ("大肠菌群", "n=5,c=2,m=10,M=100", "CFU/g", "<10", "2.3×10³"),
        ("菌落总数", "n=5,c=2,m=10⁴,M=10⁵", "CFU/g", "1.2×10³", "6.8×10⁵"),
    ],
    "食品添加剂超范围超限量": [
        ("苯甲酸及其钠盐（以苯甲酸计）", "≤1.0", "g/kg", "0.21", "1.86"),
        ("脱氢乙酸及其钠盐", "≤0.5", "g/kg", "未检出", "0.92"),
    ],
    "非食用物质": [
        ("克伦特罗", "不得检出", "μg/kg", "未检出", "1.2"),
        ("罂粟碱", "不得检出", "μg/kg", "未检出", "8.3"),
    ],
    "真菌毒素": [("黄曲霉毒素B₁", "≤5.0", "μg/kg", "0.8", "12.4")],
    "酸价过氧化值": [("酸价（以KOH计）", "≤3", "mg/g", "0.6", "5.2"), ("过氧化值", "≤0.25", "g/100g", "0.05", "0.41")],
    "甲醇": [("甲醇", "≤0.6", "g/L", "0.08", "1.1")],
}
GENERIC = [("感官", "符合要求", "", "符合", "不符合")]
WHERE = {"farm": (BusinessType.MARKET, BusinessType.SALES), "catering": (BusinessType.CATERING, BusinessType.CANTEEN,
         BusinessType.SMALL), "default": (BusinessType.SALES, BusinessType.PRODUCTION)}  # fmt: skip
CAUSES = ["供货商采购把关不严", "种植户未遵守农药安全间隔期", "养殖环节违规用药", "加工环节卫生控制不到位",
          "贮存温度不符合要求"]  # fmt: skip


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _step(day: datetime.date, note: str) -> dict:
    """One 五到位 step in the shape shian/sampling/services/disposal.py record_step stores."""
    return {"at": _aware(day, 15).isoformat(), "by": None, "by_name": DISPOSAL_OFFICER, "note": note, "files": []}


def load_sampling(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    if SamplingPlan.objects.filter(region=county).exists() or not county.children.exists():
        return {}
    with transaction.atomic():
        return _Loader(county=county, seed=seed, today=today).run()


class _Loader:
    def __init__(self, *, county: Region, seed: int, today: datetime.date):
        self.county, self.today = county, today
        self.rng = random.Random(f"{seed}:sampling:{county.code}")
        self.counts: Counter = Counter()
        self.wd: dict[tuple, datetime.date] = {}

    def add_wd(self, day: datetime.date, n: int) -> datetime.date:
        key = (day, n)
        if key not in self.wd:
            self.wd[key] = add_working_days(day, n)
        return self.wd[key]

    def run(self) -> dict[str, int]:
        self.residents()
        labs = self.labs()
        for year in (self.today.year - 1, self.today.year):
            plan = plan_sampling(actor=None, region_code=self.county.code, year=year)
            self.counts["plans"] += 1
            self.counts[f"batches_{year}"] = plan.batches
        self.samples(labs)
        return dict(self.counts)

    def residents(self) -> None:
        townships = list(self.county.children.order_by("code"))
        if any(t.population for t in townships):
            return
        shares = TOWNSHIP_SHARES.get(self.county.code)
        if not shares or len(shares) != len(townships):
            counts = Counter(ancestor(r, TOWNSHIP) for r in Entity.objects.filter(
                region__code__startswith=self.county.code).values_list("region_id", flat=True))  # fmt: skip
            weights = [counts.get(t.code, 0) + 1 for t in townships]
            shares = [round(RESIDENTS * w / sum(weights), -2) for w in weights]
        for t, n in zip(townships, shares, strict=True):
            t.population = int(n)
        Region.objects.bulk_update(townships, ["population"])

    def labs(self) -> list[Lab]:
        password = make_password(DEMO_PASSWORD)
        out = []
        for name, code, cma, username in LABS:
            lab, _ = Lab.objects.get_or_create(code=code, defaults={"name": name, "accreditation": cma,
                                                                    "region": self.county})  # fmt: skip
            user, _ = User.objects.get_or_create(username=username, defaults={
                "name": person_name(self.rng), "role": Role.STATION_STAFF, "region": self.county, "password": password,
            })  # fmt: skip
            lab.staff.add(user)
            out.append(lab)
        self.counts["labs"] = len(out)
        return out

    def _entities(self) -> dict[tuple[str, str], list[tuple[int, str]]]:
        """(township, where-group) -> [(entity id, region code)]."""
        groups = {g: set(types) for g, types in WHERE.items()}
        out: dict[tuple[str, str], list] = defaultdict(list)
        rows = Entity.objects.filter(region__code__startswith=self.county.code, status=Entity.Status.OPERATING)
        for pk, region_id, btype in rows.values_list("pk", "region_id", "business_type").order_by("pk"):
            town = ancestor(region_id, TOWNSHIP)
            for g, types in groups.items():
                if btype in types:
                    out[(town, g)].append((pk, region_id))
            out[(town, "any")].append((pk, region_id))
        return out

    def samples(self, labs: list[Lab]) -> None:
        rng, today = self.rng, self.today
        focus = {row["code"]: row.get("focus", []) for row in category_table(self.county.code).rows}
        entities = self._entities()
        inspectors = defaultdict(list)
        for row in Station.inspectors.through.objects.filter(station__region=self.county).order_by("user_id"):
            inspectors[row.station_id].append(row.user_id)
        lab_staff = set(Lab.staff.through.objects.values_list("user_id", flat=True))
        tasks = list(SamplingTask.objects.filter(line__plan__region=self.county).order_by("month", "pk"))
        this_month = today.year * 100 + today.month
        seq: Counter = Counter()
        known = set(Region.objects.filter(code__in=[c for c, _n in PRODUCERS]).values_list("code", flat=True))
        producers = [p for p in PRODUCERS if p[0] in known]
        samples, pairs, meta = [], [], []
        for task in tasks:
            if task.month > this_month:
                continue
            year, month = divmod(task.month, 100)
            first = datetime.date(year, month, 1)
            last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            if task.month == this_month:
                last = today
                n = sum(rng.random() < (today.day / 31) for _ in range(task.batches))
            else:
                n = sum(rng.random() < DONE_SHARE for _ in range(task.batches))
            group = "farm" if task.category.startswith("farm") or task.category == "evaluation" else (
                "catering" if task.category in ("catering", "monitoring") else "default")  # fmt: skip
            town = task.region_id
            pool = entities.get((town, group)) or entities.get((town, "any"))
            people = [u for u in inspectors.get(task.station_id, []) if u not in lab_staff]
            if not pool or len(people) < 2:
                continue
            for _k in range(n):
                day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
                while day.weekday() >= 5 and day > first:
                    day -= datetime.timedelta(days=1)
                sampled = _aware(day, rng.randint(8, 16), rng.randrange(60))
                if sampled > timezone.now():
                    sampled = timezone.now() - datetime.timedelta(hours=1)
                entity_id, region_id = rng.choice(pool)
                seq[year] += 1
                product = rng.choice(PRODUCTS.get(task.category, ["食品"]))
                elsewhere = bool(producers) and group != "catering" and rng.random() < ELSEWHERE
                prod_region, prod_place = rng.choice(producers) if elsewhere else (None, "")
                pair = rng.sample(people, 2)
                samples.append(Sample(
                    number=f"CJ{year}{self.county.code}-{seq[year]:05d}", task_id=task.pk, kind=task.kind,
                    entity_id=entity_id, region_id=region_id, category=task.category, product=product,
                    batch_number=(day - datetime.timedelta(days=rng.randint(1, 60))).isoformat(),
                    quantity=rng.choice(["2kg", "6瓶", "12袋", "1.5kg", "10个"]), backup_quantity="同上",
                    producer_name=f"{prod_place}某食品有限公司" if elsewhere else "",
                    producer_region_id=prod_region, lab=rng.choice(labs), sampled_at=sampled,
                    to_lab_due=_aware(self.add_wd(day, 5), 23, 59), due_rules={}, created_by_id=pair[0],
                    entity_signer=person_name(rng),
                ))  # fmt: skip
                pairs.append(pair)
                meta.append((day, focus.get(task.category, [])))
        Sample.objects.bulk_create(samples, batch_size=2000)
        through = Sample.samplers.through
        through.objects.bulk_create([through(sample_id=s.pk, user_id=u) for s, pair in zip(samples, pairs, strict=True)
                                     for u in pair], batch_size=5000)  # fmt: skip
        self.counts["samples"] = len(samples)
        self.lifecycle(samples, meta)
        done = Counter(s.task_id for s in samples)
        full = [t.pk for t in tasks if done.get(t.pk, 0) >= t.batches]
        SamplingTask.objects.filter(pk__in=full).update(status=SamplingTask.Status.DONE)
        self.counts["tasks_done"] = len(full)

    def lifecycle(self, samples: list[Sample], meta: list) -> None:
        """Sent, received, reported on the clock; results; disposals and notices for the failures; publication."""
        rng, today, now = self.rng, self.today, timezone.now()
        results, disposals, notices, changed = [], [], [], []
        for sample, (day, focus) in zip(samples, meta, strict=True):
            sent_day = self.add_wd(day, rng.choice((0, 1, 1, 2, 3)))
            if sent_day >= today and rng.random() < 0.5:
                continue  # still at the station
            sample.sent_at = min(now, _aware(sent_day, rng.randint(8, 11)))
            received_day = self.add_wd(sent_day, rng.choice((0, 1, 1)))
            if received_day > today:
                sample.status = Sample.Status.SENT
                changed.append(sample)
                continue
            sample.received_at = max(sample.sent_at, min(now, _aware(received_day, rng.randint(13, 16))))
            report_day = self.add_wd(received_day, 20)
            sample.report_due = _aware(report_day, 23, 59)
            sample.status = Sample.Status.RECEIVED
            done_day = self.add_wd(received_day, rng.randint(8, 19) if rng.random() > 0.03 else 24)
            changed.append(sample)
            if done_day > today:
                continue
            failed = rng.random() < FAIL.get(sample.category, FAIL_DEFAULT)
            sample.status, sample.report_date = Sample.Status.REPORTED, done_day
            sample.conclusion = Sample.Conclusion.FAIL if failed else Sample.Conclusion.PASS
            sample.report_number = f"BG{sample.number[2:]}"
            if (today - done_day).days > 20 and rng.random() < 0.9:
                sample.published_at = _aware(self.add_wd(done_day, 10), 10)
            items = [i for f in focus for i in ITEMS.get(f, [])][:3] or GENERIC
            bad = rng.randrange(len(items)) if failed else -1
            for k, (item, limit, unit, ok, ng) in enumerate(items):
                results.append(SampleResult(sample=sample, item=item, value=ng if k == bad else ok, limit=limit,
                                            unit=unit, verdict="fail" if k == bad else "pass"))  # fmt: skip
            if failed:
                disposals.append(self.disposal(sample, done_day))
                if sample.producer_region_id:
                    sent = _aware(self.add_wd(done_day, 2), 10)
                    notice = CrossRegionNotice(sample=sample, to_region_id=sample.producer_region_id, sent_at=sent)
                    if (today - done_day).days > 15:
                        notice.acknowledged_at = sent + datetime.timedelta(days=1)
                        if rng.random() < 0.8:
                            notice.reply = "已对标称生产者开展核查，问题批次产品已召回，责令整改并立案调查。"
                            notice.replied_at = sent + datetime.timedelta(days=rng.randint(10, 40))
                    notices.append(notice)
        Sample.objects.bulk_update(changed, ["sent_at", "received_at", "report_due", "status", "report_date",
                                             "conclusion", "report_number", "published_at"], batch_size=1000)  # fmt: skip
        SampleResult.objects.bulk_create(results, batch_size=5000)
        Disposal.objects.bulk_create(disposals, batch_size=1000)
        CrossRegionNotice.objects.bulk_create(notices, batch_size=1000)
        self.counts["reported"] = sum(1 for s in changed if s.conclusion)
        self.counts["failed"] = sum(1 for s in changed if s.conclusion == Sample.Conclusion.FAIL)
        self.counts["disposals"] = len(disposals)
        self.counts["disposals_closed"] = sum(1 for d in disposals if d.closed_at)
        self.counts["notices"] = len(notices)
        self.counts["published"] = sum(1 for s in changed if s.published_at)

    def disposal(self, sample: Sample, reported: datetime.date) -> Disposal:
        """Opened on the report day; the re-test window, the 90-day deadline; most closed with the five steps."""
        rng, today = self.rng, self.today
        opened = _aware(reported, 9)
        due = _aware(reported + datetime.timedelta(days=90), 23, 59)
        disposal = Disposal(sample=sample, entity_id=sample.entity_id, region_id=sample.region_id, opened_at=opened,
                            due_at=due, retest_due=_aware(self.add_wd(reported, 7), 23, 59))  # fmt: skip
        age = (today - reported).days
        closes = rng.random() < (0.96 if age > 90 else min(0.9, age / 80))
        took = rng.randint(20, 85) if rng.random() < 0.95 else rng.randint(91, 110)
        if closes and took <= age:
            closed = _aware(reported + datetime.timedelta(days=took), 16)
            steps = {}
            for n, (code, _label) in enumerate(Disposal.STEPS):
                steps[code] = _step(reported + datetime.timedelta(days=min(took, 3 + n * took // 5)),
                                    rng.choice(CAUSES) if code == "causes" else "已落实")  # fmt: skip
            disposal.status, disposal.closed_at, disposal.steps = Disposal.Status.CLOSED, closed, steps
            disposal.on_time = closed <= due
            disposal.published_at = closed + datetime.timedelta(days=3)
        else:
            n_done = rng.randint(0, 3)
            disposal.steps = {code: _step(reported + datetime.timedelta(days=2 + k), "已落实")
                              for k, (code, _label) in enumerate(Disposal.STEPS[:n_done])}  # fmt: skip
        return disposal
