"""A small inspections world in 昌乐县 for the overview and KPI tests, on a pinned clock (Wednesday 2026-11-25
10:00; the dashboard tests' clock). Rows are written the way the inspecting part stores them, without its services.

宝都街道 站前社区 (V1): a1 饭店 (risk A; inspected 2025-05-01 and 2026-03-10, 符合, 良好), a2 超市 (risk B; 不符合 on
2026-06-15, its order closed on 06-24), a3 中学食堂 (risk C; 基本符合 on 2026-09-01, level 一般, its order open and
overdue since 09-20; 明厨亮灶 online), a4 养老院食堂 (never inspected; 明厨亮灶 offline).
乔官镇 乔官村 (V2): a5 医院食堂 (risk D; inspected 2025-02-01 only, 优秀; 明厨亮灶 online), a6 饭店 (不符合 on 2026-04-01,
escalated on 05-20; 不符合 again on 11-20, its order due 12-01), a7 小卖部 (suspended; 符合 on 2026-02-01), a8 超市
(inspected 2024-10-01 only, outside the two-year floor).
博山区 (BOSHAN): b1 饭店, 不符合 on 2026-05-01 with an overdue order: never counted in 昌乐县.

The county's 2026 plan (the newer of two): a1 in March (done), a6 in April (done), a2 in May (done only in June),
a8 in October (not done), a3 in November and a1 in December (months not over)."""

import datetime
import itertools
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from shian.accounts.models import Role
from shian.checklists.models import Checklist
from shian.entities.models import Entity
from shian.inspections.models import (
    CateringLevel,
    Inspection,
    InspectionKind,
    InspectionPlan,
    InspectionTask,
    KitchenLink,
    Outcome,
    PlannedInspection,
    RectificationOrder,
)

from .grading_world import give_band

CST = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=CST)
TODAY = NOW.date()
COUNTY, T1, T2 = "370725", "370725001", "370725107"
V1, V2 = "370725001001", "370725107201"
BOSHAN = "370304001"
REGISTERED = datetime.datetime(2024, 1, 5, 9, 0, tzinfo=CST)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def at(text: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day(text), datetime.time(hour), tzinfo=CST)


def pin_clock(monkeypatch, value=NOW) -> None:
    monkeypatch.setattr(timezone, "now", lambda: value)


class Builder:
    def __init__(self, make_user):
        self.inspector = make_user(Role.STATION_STAFF, COUNTY, username="inspector-a")
        self.checklist = Checklist.objects.filter(kind=InspectionKind.CATERING, region__isnull=True).first()
        self.numbers = itertools.count(1)

    def entity(self, name, region, business_type, sub_type="", risk="", status=Entity.Status.OPERATING):
        entity = Entity.objects.create(
            name=name, region_id=region, business_type=business_type, sub_type=sub_type, status=status,
            address=f"{name}地址",
        )  # fmt: skip
        give_band(entity, risk)
        Entity.objects.filter(pk=entity.pk).update(created_at=REGISTERED)
        return entity

    def inspection(self, entity, on: str, outcome=Outcome.CONFORM, level=""):
        signed = at(on)
        return Inspection.objects.create(
            checklist=self.checklist, started_at=signed - datetime.timedelta(minutes=40), signed_at=signed,
            signer_name="执法人员甲", signed_by=self.inspector, entity=entity, region_id=entity.region_id,
            kind=InspectionTask.Kind.ROUTINE, inspected_on=signed.date(), outcome=outcome,
            key_failed=1 if outcome == Outcome.NONCONFORM else 0, general_failed=1 if outcome != Outcome.CONFORM else 0,
            catering_level=level,
        )  # fmt: skip

    def order(self, inspection, due: str, closed: str | None = None, escalated: str | None = None):
        status = RectificationOrder.Status
        return RectificationOrder.objects.create(
            inspection=inspection, entity=inspection.entity, region_id=inspection.region_id,
            number=f"乐市监责改〔2026〕{next(self.numbers)}号", items=[{"position": 1, "text": "整改事项"}],
            status=status.CLOSED if closed else (status.ESCALATED if escalated else status.OPEN),
            issued_at=inspection.signed_at, due_at=at(due, 18),
            due_rule={"code": "inspections.rectify_nonconform", "amount": 7, "unit": "WD"},
            closed_at=at(closed, 15) if closed else None, escalated_at=at(escalated, 2) if escalated else None,
        )  # fmt: skip

    def kitchen(self, entity, since: str, status=KitchenLink.Status.ONLINE):
        return KitchenLink.objects.create(
            entity=entity, platform="潍坊市智慧监管平台", channel_id=f"CH{entity.pk:05d}", since=day(since),
            status=status,
        )  # fmt: skip

    def plan(self, region: str, year: int, items, created: datetime.datetime):
        plan = InspectionPlan.objects.create(region_id=region, year=year)
        InspectionPlan.objects.filter(pk=plan.pk).update(created_at=created)
        PlannedInspection.objects.bulk_create(
            PlannedInspection(plan=plan, entity=entity, month=month, reason="band") for entity, month in items
        )
        return plan


def build(make_user) -> SimpleNamespace:
    b = Builder(make_user)
    S = Entity.Status
    e = {
        "a1": b.entity("宝都饭店", V1, "catering", "large_restaurant", risk="A"),
        "a2": b.entity("站前超市", V1, "sales", "supermarket", risk="B"),
        "a3": b.entity("宝都中学食堂", V1, "canteen", "school_canteen", risk="C"),
        "a4": b.entity("宝都养老院食堂", V1, "canteen", "elderly_canteen"),
        "a5": b.entity("乔官医院食堂", V2, "canteen", "hospital_canteen", risk="D"),
        "a6": b.entity("乔官饭店", V2, "catering", "medium_restaurant"),
        "a7": b.entity("乔官小卖部", V2, "small", "stall", status=S.SUSPENDED),
        "a8": b.entity("乔官超市", V2, "sales", "supermarket"),
        "b1": b.entity("博山饭店", BOSHAN, "catering", "large_restaurant", risk="A"),
    }
    N, B = Outcome.NONCONFORM, Outcome.BASIC
    L = CateringLevel
    b.inspection(e["a1"], "2025-05-01", level=L.GOOD)
    b.inspection(e["a1"], "2026-03-10", level=L.GOOD)
    b.order(b.inspection(e["a2"], "2026-06-15", N), due="2026-06-25", closed="2026-06-24")
    orders = {"overdue": b.order(b.inspection(e["a3"], "2026-09-01", B, level=L.AVERAGE), due="2026-09-20")}
    b.inspection(e["a5"], "2025-02-01", level=L.EXCELLENT)
    b.order(b.inspection(e["a6"], "2026-04-01", N), due="2026-04-10", escalated="2026-05-20")
    orders["open"] = b.order(b.inspection(e["a6"], "2026-11-20", N), due="2026-12-01")
    b.inspection(e["a7"], "2026-02-01")
    b.inspection(e["a8"], "2024-10-01")
    b.order(b.inspection(e["b1"], "2026-05-01", N), due="2026-05-10")
    b.kitchen(e["a3"], "2026-01-01")
    b.kitchen(e["a4"], "2026-01-01", status=KitchenLink.Status.OFFLINE)
    b.kitchen(e["a5"], "2025-01-01")
    b.plan(COUNTY, 2026, [(e["a7"], 2), (e["a8"], 3)], created=at("2026-01-02"))  # replaced by the next one
    b.plan(COUNTY, 2026, [(e["a1"], 3), (e["a6"], 4), (e["a2"], 5), (e["a8"], 10), (e["a3"], 11), (e["a1"], 12)],
           created=at("2026-01-05"))  # fmt: skip
    b.plan("370304", 2026, [(e["b1"], 2)], created=at("2026-01-05"))
    return SimpleNamespace(
        e=e, builder=b, orders=orders,
        county_admin=make_user(Role.COUNTY_ADMIN, COUNTY, username="county"),
        township_admin=make_user(Role.TOWNSHIP_ADMIN, T1, username="township"),
        boshan_admin=make_user(Role.COUNTY_ADMIN, "370304", username="boshan"),
        province_admin=make_user(Role.PROVINCE_ADMIN, "37", username="province"),
        enterprise=make_user(Role.ENTERPRISE, V1, entity=e["a1"], username="boss"),
    )  # fmt: skip
