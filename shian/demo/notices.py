"""Demo notices (三书一函, docs/notices.md §6): a dozen notices from the county's commission over the past year to its
townships, departments and entities; most replied on time and accepted, one returned and answered again, some
waiting for a reply or a review, one left unanswered past its due and escalated by the deadline checker to the next
grade (signed off and delivered). Written through the services (numbers, the clock, audit, notifications). Idempotent
per county; seeded.

`load_notices(county=, seed=, today=)` returns what it made. Run it after the accounts and entities of the county."""

import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shian.accounts.models import Department, Role, User
from shian.core.jurisdiction import narrow_to
from shian.core.regioncodes import TOWNSHIP
from shian.entities.models import Entity
from shian.notices.models import Notice
from shian.notices.services import notices as services
from shian.notices.services.deadlines import check_deadlines
from shian.regions.models import Region

COUNT = 12
SPACING_DAYS = 26  # between two notices, so the dozen spreads over the year
DEPARTMENTS = ("education", "health", "commerce", "agriculture")
TOPICS = [
    (
        "学校食堂食品安全管理",
        "抽查发现部分学校食堂未落实校长（园长）陪餐制度，食品留样记录不全。",
        "立即组织辖区学校食堂开展自查；建立陪餐、留样台账；将整改情况书面报告本办。",
    ),
    (
        "农村集体聚餐备案指导",
        "第三季度农村集体聚餐备案率低于全县平均水平，部分聚餐未安排现场指导。",
        "落实聚餐申报备案和现场指导制度；对乡村厨师开展培训；报告整改措施。",
    ),
    (
        "包保督导任务落实",
        "本季度包保干部督导完成率未达到要求，部分问题逾期未整改。",
        "督促包保干部按期完成督导；逐项销号逾期问题；报告完成情况。",
    ),
    (
        "农贸市场快检室运行",
        "辖区农贸市场快检室检测数据未按要求上传，部分时段未开展快检。",
        "规范快检室运行；每日上传检测数据；报告整改结果。",
    ),
    (
        "进货查验记录制度",
        "监督检查发现未建立进货查验记录，部分原料无法提供合格证明。",
        "立即建立进货查验记录；索取并留存供货者资质和合格证明；提交整改报告。",
    ),
    (
        "餐饮具清洗消毒",
        "现场检查发现餐饮具清洗消毒设施不能正常使用，消毒记录缺失。",
        "修复清洗消毒设施；落实消毒并记录；提交整改照片和记录。",
    ),
]
REPLIES = ["已按要求完成整改，相关台账和照片见附件。", "已组织专项自查并逐项整改到位，建立长效机制。",
           "已召开专题会议部署整改，问题已全部整改完毕。"]  # fmt: skip


def _user(username: str, role: str, region: str) -> User | None:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is not None and found.role == role:
        return found
    return User.objects.filter(is_active=True, role=role, region_id=region).order_by("pk").first()


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _recipients(county: str, rng: random.Random) -> list[dict]:
    """Townships, department offices and entities of the county, taken in turn; those with an account to reply
    (a township administrator, department staff, an enterprise account) when the county has any."""
    people = narrow_to(User.objects.filter(is_active=True), county)
    townships = list(Region.objects.filter(level=TOWNSHIP, parent_id=county).order_by("code")[:12])
    answering = set(people.filter(role=Role.TOWNSHIP_ADMIN).values_list("region_id", flat=True))
    townships = [t for t in townships if t.code in answering] or townships[:6]
    departments = list(Department.objects.filter(code__in=DEPARTMENTS).order_by("code"))
    staffed = set(people.filter(role=Role.DEPARTMENT_STAFF, region_id=county).values_list("department_id", flat=True))
    departments = [d for d in departments if d.code in staffed] or departments
    with_accounts = people.filter(role=Role.ENTERPRISE).values("entity_id")
    entities = list(narrow_to(Entity.objects.filter(pk__in=with_accounts), county).order_by("pk")[:200])
    entities = entities or list(narrow_to(Entity.objects.all(), county).order_by("pk")[:200])
    rng.shuffle(entities)
    kinds = []
    for n in range(COUNT):
        turn = n % 3
        if turn == 0 and townships:
            kinds.append({"kind": "township", "township_code": townships[n // 3 % len(townships)].code})
        elif turn == 1 and departments:
            kinds.append({"kind": "department", "department_code": departments[n // 3 % len(departments)].code,
                          "office_code": county})  # fmt: skip
        elif entities:
            kinds.append({"kind": "entity", "entity": entities[n % len(entities)]})
    return kinds


def _recipient_user(notice: Notice) -> User | None:
    from shian.notices.selectors.notices import recipient_users

    users = recipient_users(notice)
    return users[0] if users else None


def load_notices(*, county: Region, seed: int, today: datetime.date) -> dict:
    """Notices of the demo county; nothing when the county already has some."""
    code = county.code
    existing = narrow_to(Notice.objects.all(), code)
    if existing.exists():
        return {"notices": existing.count(), "created": 0}
    issuer = _user("county", Role.COUNTY_ADMIN, code)
    if issuer is None:
        return {"notices": 0, "created": 0, "skipped": "no county administrator"}
    rng = random.Random(f"notices-{seed}-{code}")
    now = min(timezone.now(), _moment(today, 18))
    made: list[Notice] = []
    replied = escalated = 0
    with transaction.atomic():
        for n, where in enumerate(_recipients(code, rng)):
            days_ago = (COUNT - 1 - n) * SPACING_DAYS + rng.randint(1, 4)
            issued_at = now - datetime.timedelta(days=days_ago, hours=3)
            kind = where.pop("kind")
            topic = TOPICS[(n * 2 + (kind == "entity")) % len(TOPICS)]
            if kind == "entity":
                topic = TOPICS[4 + n % 2]
            type_code = "reminder" if n % 4 else "rectification"
            recipient = services.resolve_recipient(actor=issuer, kind=kind, **where)
            notice = services.create_notice(actor=issuer, type_code=type_code, recipient=recipient, subject=topic[0],
                                            facts=topic[1], requirement=topic[2], now=issued_at)  # fmt: skip
            made.append(notice)
            answerer = _recipient_user(notice)
            due = notice.reply_due
            if n == 3:  # left unanswered: the checker escalates it the day after its due
                check_deadlines(due + datetime.timedelta(days=1))
                draft = Notice.objects.filter(previous=notice).first()
                if draft is not None:
                    escalated += 1
                    upper = services.issue_notice(actor=issuer, notice=draft, delivery_method=Notice.Delivery.HAND,
                                                  now=due + datetime.timedelta(days=2))  # fmt: skip
                    made.append(upper)
                    if answerer is not None:
                        services.reply(actor=answerer, notice=upper, text=REPLIES[0],
                                       now=upper.reply_due - datetime.timedelta(days=1))  # fmt: skip
                        services.review(actor=issuer, notice=upper, accept=True,
                                        now=upper.reply_due + datetime.timedelta(hours=2))  # fmt: skip
                        replied += 1
                continue
            if answerer is None or due > now or n == COUNT - 1:
                continue  # the latest: waiting for the reply
            reply_at = notice.delivered_at + (due - notice.delivered_at) * rng.uniform(0.3, 0.9)
            notice = services.reply(actor=answerer, notice=notice, text=rng.choice(REPLIES), now=reply_at)
            replied += 1
            if n == COUNT - 2:
                continue  # replied, waiting for the review
            if n == 5:  # returned once, answered again
                notice = services.review(actor=issuer, notice=notice, accept=False, note="整改材料不完整，请补充照片",
                                         now=min(now, reply_at + datetime.timedelta(days=1)))  # fmt: skip
                notice = services.reply(actor=answerer, notice=notice, text="已补充整改照片和台账。",
                                        now=min(now, reply_at + datetime.timedelta(days=3)))  # fmt: skip
            services.review(
                actor=issuer, notice=notice, accept=True, now=min(now, reply_at + datetime.timedelta(days=4))
            )
    ids = [m.pk for m in made]
    statuses = dict(Notice.objects.filter(pk__in=ids).order_by().values_list("status").annotate(n=Count("pk")))
    return {"notices": len(made), "created": len(made), "replied": replied, "escalated": escalated,
            "statuses": statuses}  # fmt: skip
