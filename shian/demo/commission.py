"""Demo of the commission's coordination (docs/commission.md): a year of meetings (a plenary and quarterly topical
meetings) with decisions in every state (done on time, done late, in progress, overdue, not yet due), key-work
ledger lines, one half-year's sharing package, one assessment round of the member units, and volunteers with tasks
in every township. Written through the services (audit, rules, the deadline check); seeded and idempotent per
county (nothing when the county has meetings already).

`load_commission(county=, seed=, today=)` returns what it made; run it after the accounts of the county."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.commission.models import Meeting
from shian.commission.services import assessment, ledger, meetings, sharing, volunteers
from shian.core.regioncodes import TOWNSHIP
from shian.regions.models import Region

DEPARTMENTS = ["market_regulation", "education", "health", "agriculture", "commerce", "public_security"]
MEETINGS = [
    ("plenary", "县食品药品安全委员会全体会议", "总结上年工作，部署本年度食品安全重点工作，审议重点工作任务分工。"),
    ("topic", "校园食品安全专题会议", "研究春季学期学校食堂及校外供餐单位食品安全管理。"),
    ("topic", "农村集体聚餐和农贸市场专题会议", "研究夏季农村集体聚餐指导和农贸市场快检工作。"),
    ("topic", "食品安全风险会商专题会议", "第三季度食品安全风险会商，研判抽检不合格问题和舆情。"),
]
DECISIONS = [
    "开展学校食堂及周边食品安全专项检查，{d}牵头，月底前报送检查情况。",
    "完成农贸市场快检室规范化建设，{d}牵头。",
    "组织食品安全风险隐患排查，建立问题清单并逐项销号，{d}牵头。",
    "落实食品安全宣传周活动方案，{d}牵头。",
]
PROJECTS = [
    ("market_regulation", "食品生产经营主体分级分类监管全覆盖", ["agriculture"]),
    ("education", "学校食堂“互联网+明厨亮灶”全覆盖", ["market_regulation"]),
    ("health", "食源性疾病监测哨点医院扩面", []),
    ("agriculture", "食用农产品承诺达标合格证制度推行", ["market_regulation"]),
    ("commerce", "农贸市场标准化改造", ["market_regulation", "housing"]),
    ("public_security", "打击食品安全违法犯罪专项行动", ["market_regulation"]),
]
NAMES = ["王建国", "李秀英", "张伟", "刘芳", "陈强", "杨丽", "赵磊", "黄静"]


def load_commission(*, county: Region, seed: int, today: datetime.date) -> dict:
    code = county.code
    if Meeting.objects.filter(region_id=code).exists():
        return {"created": 0}
    office = User.objects.filter(username="county", role=Role.COUNTY_ADMIN, region_id=code).first()
    if office is None:
        return {"created": 0, "skipped": "no county administrator"}
    rng = random.Random(f"commission-{seed}-{code}")
    made = {"meetings": 0, "decisions": 0, "keywork": 0, "volunteers": 0, "created": 1}
    with transaction.atomic():
        for n, (kind, title, agenda) in enumerate(MEETINGS):
            held_on = today - datetime.timedelta(days=330 - n * 90)
            meeting = meetings.create_meeting(actor=office, region_code=code, kind=kind, title=title, held_on=held_on,
                                              agenda=agenda, attendees=DEPARTMENTS,
                                              minutes=f"会议由分管副县长主持。{agenda}")  # fmt: skip
            made["meetings"] += 1
            for k, text in enumerate(DECISIONS[: 2 + n % 3]):
                department = DEPARTMENTS[(n + k) % len(DEPARTMENTS)]
                deadline = held_on + datetime.timedelta(days=rng.randint(20, 120))
                decision = meetings.add_decision(actor=office, meeting=meeting, department_code=department,
                                                 text=text.format(d=department), deadline=deadline)  # fmt: skip
                made["decisions"] += 1
                fate = (n + k) % 5  # 0 on time, 1 late, 2 in progress, 3 not started, 4 on time
                if fate in (0, 4) and deadline <= today:
                    meetings.update_decision(actor=office, decision=decision, status="done", note="已按期完成。",
                                             on=deadline - datetime.timedelta(days=rng.randint(1, 10)))  # fmt: skip
                elif fate == 1 and deadline + datetime.timedelta(days=10) <= today:
                    meetings.update_decision(actor=office, decision=decision, status="done", note="逾期后完成。",
                                             on=deadline + datetime.timedelta(days=rng.randint(3, 10)))  # fmt: skip
                elif fate == 2:
                    meetings.update_decision(actor=office, decision=decision, status="progress", note="正在推进。")
        meetings.check_deadlines(timezone.now())
        for n, (lead, project, helpers) in enumerate(PROJECTS):
            deadline = datetime.date(today.year, 3 + n * 2 if 3 + n * 2 <= 12 else 12, 28)
            line = ledger.add_line(actor=office, region_code=code, year=today.year, project=project, lead=lead,
                                   deadline=deadline, supporting=helpers)  # fmt: skip
            made["keywork"] += 1
            if deadline <= today and n % 3 != 2:
                ledger.update_line(actor=office, line=line, status="done", progress="已完成，材料已归档。",
                                   on=deadline - datetime.timedelta(days=5))  # fmt: skip
            elif n % 2:
                ledger.update_line(actor=office, line=line, status="progress", progress="按计划推进中。")
        half_end = datetime.date(today.year, 6, 30) if today.month > 6 else datetime.date(today.year - 1, 12, 31)
        sharing.build(actor=office, region_code=code, year=half_end.year, half=1 if half_end.month == 6 else 2)
        sheet = assessment.create_sheet(actor=office, region_code=code, name=f"{today.year}年度成员单位食品安全工作评议",
                                        target="department", criteria=[
                                            {"name": "会议议定事项按期完成", "weight": 40, "source": "decisions_on_time"},
                                            {"name": "重点工作完成", "weight": 40, "source": "keywork_done"},
                                            {"name": "日常工作与信息报送", "weight": 20, "source": "manual"}])  # fmt: skip
        round_ = assessment.create_round(actor=office, sheet=sheet, start=datetime.date(today.year - 1, 12, 1),
                                         end=today)  # fmt: skip
        manual = sheet.criteria.get(source="manual")
        for department in DEPARTMENTS:
            assessment.give_points(actor=office, round=round_, criterion=manual, points=rng.randint(12, 20),
                                   note="信息报送及时，日常工作配合较好。", department=department)  # fmt: skip
        assessment.compute(actor=office, round=round_)
        townships = Region.objects.filter(code__startswith=code, level=TOWNSHIP).order_by("code")[:12]
        for t, township in enumerate(townships):
            for v in range(2):
                volunteer = volunteers.register(actor=office, township_code=township.code, name=rng.choice(NAMES),
                                                phone=f"139{rng.randint(10000000, 99999999)}",
                                                joined_on=today - datetime.timedelta(days=200 + t + v))  # fmt: skip
                made["volunteers"] += 1
                volunteers.add_task(actor=office, volunteer=volunteer, kind="report", title="通过投诉举报渠道反映无证摊贩",
                                    on=today - datetime.timedelta(days=30 + v), completed=bool((t + v) % 2))  # fmt: skip
                volunteers.add_task(actor=office, volunteer=volunteer, kind="activity", title="参加食品安全宣传周进社区活动",
                                    on=today - datetime.timedelta(days=60 + v), completed=True)  # fmt: skip
    return made
