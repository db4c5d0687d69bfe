"""Demo emergency records (docs/emergency.md §6): a grade IV incident at one of the county's canteens with its
first report made on time, a follow-up and a final report, closed; public-opinion items over the year, one fed back
late; the county's emergency plans, this year's and last year's trainings, a tabletop exercise and a live drill
within two years. Everything goes through the services (numbers, deadlines by rule, audit), as the county desk.
Idempotent per county; seeded.

`load_emergency(county=, seed=, today=)` returns what it made ({} when the county already has incidents or has no
administrator to act as)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.emergency.models import Exercise, Incident, IncidentReport
from shian.emergency.services import incidents, opinions, plans
from shian.entities.models import Entity, SubType
from shian.regions.models import Region
from shian.sampling.models import Sample

OPINIONS = [
    # (days before today, title, platform, summary, hours to feedback, product named)
    (150, "网传某超市销售过期牛奶", "微博", "网友发帖称在超市购买的牛奶已过保质期。", 6, "纯牛奶"),
    (96, "短视频称夜市烧烤摊卫生差", "抖音", "视频显示烧烤摊操作人员未戴口罩、生熟混放。", 20, ""),
    (41, "家长群反映学校食堂饭菜量少", "微信群", "家长反映学校食堂配餐分量不足、菜品单一。", 30, ""),  # fed back late
    (9, "论坛帖称饭店使用地沟油", "本地论坛", "帖子称某饭店后厨回收使用废弃油脂，配有模糊照片。", 3, "食用油"),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _actor(county: Region) -> User | None:
    return (
        User.objects.filter(role=Role.COUNTY_ADMIN, region=county, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def load_emergency(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    """The county's emergency records (see the module docstring)."""
    actor = _actor(county)
    if actor is None or Incident.objects.filter(region__code__startswith=county.code).exists():
        return {}
    rng = random.Random(f"{seed}:emergency:{county.code}")
    with transaction.atomic():
        made = {"incidents": 0, "reports": 0, "opinions": 0, "opinions_late": 0, "plans": 0, "exercises": 0}
        _incident(county, actor, rng, today, made)
        _opinions(county, actor, rng, today, made)
        _plans_and_drills(county, actor, today, made)
    return made


def _incident(county, actor, rng, today, made) -> None:
    in_county = Entity.objects.filter(region__code__startswith=county.code, status=Entity.Status.OPERATING)
    canteen = (in_county.filter(sub_type=SubType.SCHOOL_CANTEEN).order_by("pk").first()
               or in_county.order_by("pk").first())  # fmt: skip
    day = today - datetime.timedelta(days=45)
    aware = _at(day, 11, 40)
    affected = rng.randint(12, 24)
    incident = incidents.create_incident(
        actor=actor, region_code="" if canteen else county.code, entity_id=canteen.pk if canteen else None,
        title="学生午餐后集体腹痛腹泻", place=canteen.name if canteen else county.name,
        summary=f"午餐后约 1 小时起，{affected} 名学生出现腹痛、腹泻，无重症，已送县人民医院观察。",
        suspected=False, occurred_at=_at(day, 10, 50), aware_at=aware, affected=affected,
        hospitalized=rng.randint(2, 5), deaths=0,
    )  # fmt: skip
    made["incidents"] += 1
    for kind, after, recipient, content in (
        (IncidentReport.Kind.FIRST, datetime.timedelta(minutes=80), "县人民政府、市市场监管局",
         "初步情况：学校午餐后学生集体腹泻，已封存留样食品，已送检。"),
        (IncidentReport.Kind.FOLLOW_UP, datetime.timedelta(days=1, hours=2), "县人民政府、市市场监管局",
         "续报：患者全部好转，留样检出蜡样芽胞杆菌，食堂停业整顿。"),
        (IncidentReport.Kind.FINAL, datetime.timedelta(days=6), "县人民政府、市市场监管局",
         "终报：确认为蜡样芽胞杆菌引起的一般食品安全事故，已立案调查。"),
    ):  # fmt: skip
        incidents.add_report(actor=actor, incident=incident, kind=kind, reported_at=aware + after,
                             recipient=recipient, content=content)  # fmt: skip
        made["reports"] += 1
    if canteen is not None:
        samples = list(Sample.objects.filter(entity=canteen).order_by("pk").values_list("pk", flat=True)[:2])
        if samples:
            incidents.link_records(actor=actor, incident=incident, sample_ids=samples)
    incidents.close_incident(actor=actor, incident=incident, closed_at=aware + datetime.timedelta(days=7),
                             closure="病例全部治愈；食堂整改后经复查恢复供餐；涉事单位已立案处罚。")  # fmt: skip


def _opinions(county, actor, rng, today, made) -> None:
    townships = list(county.children.order_by("code").values_list("code", flat=True)) or [county.code]
    for n, (days, title, platform, summary, hours, product) in enumerate(OPINIONS):
        found = _at(today - datetime.timedelta(days=days), 9 + n, 15)
        opinion = opinions.create_opinion(
            actor=actor, region_code=rng.choice(townships), source_url=f"https://news.example.cn/post/{seed_id(rng)}",
            source_name=platform, title=title, product=product, summary=summary, heat=rng.randint(800, 50_000), found_at=found,
        )  # fmt: skip
        opinion = opinions.give_feedback(actor=actor, opinion=opinion, fed_back_at=found + datetime.timedelta(hours=hours),
                                         feedback="已转属地市场监管所核查，并在平台回应。")  # fmt: skip
        made["opinions"] += 1
        made["opinions_late"] += opinion.feedback_late
        verdict = "false" if n % 2 else "partly"
        opinions.verify(actor=actor, opinion=opinion, verification=verdict,
                        note="现场核查：" + ("反映问题不属实。" if verdict == "false" else "部分属实，已责令整改。"))  # fmt: skip
        opinions.close(actor=actor, opinion=opinion)


def seed_id(rng) -> int:
    return rng.randint(100_000, 999_999)


def _plans_and_drills(county, actor, today, made) -> None:
    plan = plans.create_plan(actor=actor, region_code=county.code, title=f"{county.name}食品安全事故应急预案",
                             version="2024年修订版", department="县食品安全委员会办公室",
                             approved_on=today - datetime.timedelta(days=420))  # fmt: skip
    plans.create_plan(actor=actor, region_code=county.code, title="学校食堂食物中毒事件应急处置预案",
                      version="2023版", department="县教育和体育局",
                      approved_on=today - datetime.timedelta(days=700))  # fmt: skip
    made["plans"] += 2
    for kind, days, title, people, findings in (
        (Exercise.Kind.TRAINING, 60, "食品安全事故应急预案培训", 85, "部分乡镇对首报时限和报告对象不熟悉，已印发流程图。"),
        (Exercise.Kind.TRAINING, 400, "应急预案解读及信息报送培训", 60, ""),
        (Exercise.Kind.TABLETOP, 520, "学校食堂食物中毒桌面推演", 32, "信息报送环节衔接不畅，已明确专人负责。"),
        (Exercise.Kind.LIVE, 210, "食品安全事故应急处置实战演练", 120, "现场封存、采样、流调配合顺畅；转运车辆调度偏慢。"),
    ):  # fmt: skip
        plans.create_exercise(actor=actor, region_code=county.code, kind=kind, title=title,
                              held_on=today - datetime.timedelta(days=days), organizer="县市场监管局",
                              participants=people, findings=findings, plan_id=plan.pk)  # fmt: skip
        made["exercises"] += 1
