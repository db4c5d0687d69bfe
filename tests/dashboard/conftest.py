"""A small but varied 一张图 world in 昌乐县, on a pinned clock (Wednesday 2026-11-25 10:00, 2026 Q4).

宝都街道 站前社区 (370725001001): e1 A catering (visited in Q3 and twice in Q4, a problem closed in 4 days, licence
expiring in 10 days, daily checks every day this week), e2 B sales (visited only in Q3, an overdue problem),
e3 C canteen (guaranteed by the township cadre only since 10-15, a problem closed in 10 days), e4 ungraded
small (suspended, no guarantee, licence expiring on day 30), e5 D catering (deregistered: never counted),
e6 D catering registered today (suspended, so that it is in no one's daily checks due).
乔官镇 (370725107, registered directly on the township): e7 A market (not visited in Q3, visited today with an open
problem not yet due). 乔官村 (370725107201): e8 B catering (licence expired, a problem closed in 2 days and one
found last week and overdue), e9 C sales (no guarantee, licence expiring in 20 days), e10 B production (a problem
closed late: open and overdue on 11-10, closed 11-20 after 46 days), e11 ungraded small (no guarantee).
博山区 城东街道 (370304001): e12, with a guarantee, visits, an overdue problem, a licence and a daily check, all of
which must never count in 昌乐县.
"""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao.models import AssignmentRun, Cadre, Commitment, Guarantee
from shian.checklists.models import Checklist
from shian.core.periods import quarter_of
from shian.duties.models import DailyCheck, WeeklyReport
from shian.entities.models import Entity, License
from shian.visits.models import Problem, Visit

CST = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=CST)  # a Wednesday in 2026 Q4
TODAY = NOW.date()
MONDAY = datetime.date(2026, 11, 23)
LAST_WEEK = datetime.date(2026, 11, 16)
COUNTY = "370725"
T1, T2 = "370725001", "370725107"  # 宝都街道, 乔官镇
V1, V2 = "370725001001", "370725107201"  # 站前社区, 乔官村
BOSHAN = "370304001"
REGISTERED = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=CST)
NEW_YEAR = datetime.date(2026, 1, 1)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day(text), datetime.time(hour), tzinfo=CST)


@pytest.fixture
def clock(monkeypatch):
    """Pins timezone.now (and so localdate, auto_now_add, ...); call with a datetime to move it."""

    def set_now(value: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(NOW)
    return set_now


class Builder:
    """Writes rows the way the apps store them, without going through the services' own clocks and rules."""

    def __init__(self, make_user):
        self.make_user = make_user
        self.checklist = Checklist.objects.filter(region__isnull=True).order_by("kind", "version").first()
        self.item = self.checklist.items.order_by("position").first()
        self.runs = {}

    def entity(self, name, region, business_type, grade="", status=Entity.Status.OPERATING, registered=REGISTERED):
        entity = Entity.objects.create(
            name=name, region_id=region, business_type=business_type, declared_grade=grade, status=status,
            address=f"{name}地址",
        )  # fmt: skip
        if registered is not None:  # created_at is auto_now_add: backdate the registration
            Entity.objects.filter(pk=entity.pk).update(created_at=registered)
            entity.refresh_from_db()
        return entity

    def licence(self, entity, number, expires_on):
        return License.objects.create(entity=entity, kind=License.Kind.BUSINESS, number=number, expires_on=expires_on)

    def cadre(self, name, level, region):
        user = self.make_user(Role.CADRE, region, name=name)
        return Cadre.objects.create(name=name, level=level, region_id=region, user=user)

    def guarantee(self, entity, cadre, since=NEW_YEAR):
        county = entity.region_id[:6]
        if county not in self.runs:
            self.runs[county] = AssignmentRun.objects.create(region_id=county, status=AssignmentRun.Status.PUBLISHED)
        return Guarantee.objects.create(entity=entity, cadre=cadre, run=self.runs[county], since=since)

    def commitment(self, cadre, year, confirmed_at):
        return Commitment.objects.create(
            cadre=cadre, year=year, confirmed_at=confirmed_at, confirmed_by=cadre.user, entity_count=1
        )

    def visit(self, entity, cadre, on: str):
        signed = at(on)
        return Visit.objects.create(
            entity=entity, cadre=cadre, region_id=entity.region_id, checklist=self.checklist,
            started_at=signed - datetime.timedelta(minutes=30), signed_at=signed, visited_on=signed.date(),
            quarter=quarter_of(signed.date()), signer_name=cadre.name, signed_by=cadre.user,
        )  # fmt: skip

    def problem(self, entity, cadre, found: str, due: str, closed: str | None = None):
        """A problem found on a visit that day (the visit is made too), due at `due` 18:00."""
        visit = self.visit(entity, cadre, found)
        return Problem.objects.create(
            visit=visit, item=self.item, entity=entity, cadre=cadre, region_id=entity.region_id,
            description=f"{entity.name}：{found}发现的问题", severity=self.item.severity,
            status=Problem.Status.CLOSED if closed else Problem.Status.OPEN,
            found_on=day(found), due_at=at(due, 18), due_rule={"code": "test", "amount": 7, "unit": "CD"},
            closed_at=at(closed, 15) if closed else None,
        )  # fmt: skip

    def daily(self, entity, *days: str):
        user = self.make_user(Role.ENTERPRISE, entity.region_id, entity=entity) if days else None
        for d in days:
            DailyCheck.objects.create(
                entity=entity, region_id=entity.region_id, day=day(d), checked_by=user, checker_name="食品安全员"
            )

    def weekly(self, entity, *weeks: str):
        user = self.make_user(Role.ENTERPRISE, entity.region_id, entity=entity)
        for w in weeks:
            WeeklyReport.objects.create(
                entity=entity, region_id=entity.region_id, week=day(w), days_checked=5, issues_found=0,
                conclusion="良好", reported_by=user, reporter_name="食品安全总监",
            )  # fmt: skip


@pytest.fixture
def world(clock, make_user):
    b = Builder(make_user)
    S = Entity.Status
    e = {
        "e1": b.entity("宝都饭店", V1, "catering", "A"),
        "e2": b.entity("站前超市", V1, "sales", "B"),
        "e3": b.entity("宝都中学食堂", V1, "canteen", "C"),
        "e4": b.entity("站前小吃", V1, "small", "", status=S.SUSPENDED, registered=at("2026-02-01")),
        "e5": b.entity("宝都老店", V1, "catering", "D", status=S.DEREGISTERED),
        "e6": b.entity("新开面馆", V1, "catering", "D", status=S.SUSPENDED, registered=None),  # registered now
        "e7": b.entity("乔官农贸市场", T2, "market", "A"),
        "e8": b.entity("乔官饭店", V2, "catering", "B"),
        "e9": b.entity("乔官超市", V2, "sales", "C"),
        "e10": b.entity("乔官食品厂", V2, "production", "B"),
        "e11": b.entity("乔官小卖部", V2, "small", ""),
        "e12": b.entity("博山饭店", BOSHAN, "catering", "A"),
    }
    for name, number, expires in (
        ("e1", "JY1", "2026-12-05"), ("e2", "JY2", "2027-06-30"), ("e4", "JY4", "2026-12-25"),
        ("e5", "JY5", "2026-12-01"), ("e6", "JY6", "2026-12-20"), ("e8", "JY8", "2026-11-20"),
        ("e9", "JY9", "2026-12-15"), ("e12", "JY12", "2026-12-01"),
    ):  # fmt: skip
        b.licence(e[name], number, day(expires))

    c1 = b.cadre("王村官", "village", V1)
    c2 = b.cadre("李镇干", "township", T1)
    c3 = b.cadre("赵乔官", "township", T2)
    c4 = b.cadre("孙博山", "township", BOSHAN)
    for name, cadre in (("e1", c1), ("e2", c1), ("e5", c1), ("e7", c3), ("e8", c3), ("e10", c3), ("e12", c4)):
        b.guarantee(e[name], cadre)
    b.guarantee(e["e3"], c2, since=day("2026-10-15"))
    b.commitment(c1, 2026, at("2026-03-01"))
    b.commitment(c2, 2026, at("2026-11-20"))  # confirmed after 11-10
    b.commitment(c3, 2025, at("2025-03-01"))  # last year's does not count
    b.commitment(c4, 2026, at("2026-03-01"))

    b.visit(e["e1"], c1, "2026-08-10")
    b.problem(e["e1"], c1, "2026-11-02", "2026-11-09", closed="2026-11-06")  # 4 days
    b.visit(e["e1"], c1, "2026-11-24")
    b.problem(e["e2"], c1, "2026-09-15", "2026-09-25")  # open, overdue
    b.problem(e["e3"], c2, "2026-10-20", "2026-10-27", closed="2026-10-30")  # 10 days
    b.visit(e["e5"], c1, "2026-08-20")
    b.problem(e["e7"], c3, "2026-11-25", "2026-12-05")  # open, not yet due
    b.problem(e["e8"], c3, "2026-09-01", "2026-09-08", closed="2026-09-03")  # 2 days
    b.problem(e["e8"], c3, "2026-11-18", "2026-11-20")  # found last week, overdue
    b.visit(e["e10"], c3, "2026-07-10")
    b.problem(e["e10"], c3, "2026-10-05", "2026-10-15", closed="2026-11-20")  # 46 days, overdue on 11-10
    b.visit(e["e12"], c4, "2026-08-12")
    b.problem(e["e12"], c4, "2026-11-10", "2026-11-15")  # overdue, in 博山区
    b.visit(e["e12"], c4, "2026-11-24")

    b.daily(e["e1"], "2026-11-23", "2026-11-24", "2026-11-25")
    b.daily(e["e2"], "2026-11-23", "2026-11-24")
    b.daily(e["e7"], "2026-11-25")
    b.daily(e["e8"], "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25")  # 11-20: last week
    b.daily(e["e12"], "2026-11-24", "2026-11-25")
    b.weekly(e["e1"], "2026-11-16", "2026-11-23")
    b.weekly(e["e8"], "2026-10-05", "2026-11-16")
    b.weekly(e["e12"], "2026-11-23")

    return SimpleNamespace(
        e=e,
        cadres={"c1": c1, "c2": c2, "c3": c3, "c4": c4},
        builder=b,
        county_admin=make_user(Role.COUNTY_ADMIN, COUNTY, username="county"),
        township_admin=make_user(Role.TOWNSHIP_ADMIN, T1, username="township"),
        city_admin=make_user(Role.CITY_ADMIN, "3707", username="city"),
        province_admin=make_user(Role.PROVINCE_ADMIN, "37", username="province"),
        boshan_admin=make_user(Role.COUNTY_ADMIN, "370304", username="boshan"),
        station=make_user(Role.STATION_STAFF, T1, username="station"),
        department=make_user(Role.DEPARTMENT_STAFF, COUNTY, username="department"),
        enterprise=make_user(Role.ENTERPRISE, V1, entity=e["e1"], username="boss"),
    )
