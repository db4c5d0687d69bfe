"""A small 监督抽考 world in 昌乐县: entities in two townships (宝都街道 370725001, 乔官镇 370725107) and one in
博山区 outside it, enterprise accounts in each post (and one with no post), the station of 宝都街道, the county
administrator, an auditor and an administrator of another county."""

import datetime
import io
from dataclasses import dataclass

import pytest
import xlsxwriter
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.entities.models import Entity
from shian.knowledge import services
from shian.knowledge.models import Question, tags

BAODU, QIAOGUAN = "370725001", "370725107"
HEADERS = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "适用岗位",
    "适用业态",
    "分值",
    "解析",
]


@dataclass
class World:
    restaurant: Entity  # catering, 宝都街道
    factory: Entity  # production, 宝都街道 (no accounts)
    eatery: Entity  # catering, 乔官镇
    canteen: Entity  # canteen, 乔官镇
    elsewhere: Entity  # catering, 博山区
    boss: User  # restaurant, principal
    officer: User  # restaurant, safety officer
    nobody: User  # restaurant, no post
    eatery_officer: User
    canteen_director: User
    outside_officer: User
    station: User  # 宝都街道
    county: User
    auditor: User
    outsider: User  # county administrator of 博山区
    cadre: User


@pytest.fixture
def world(make_user):
    def entity(name, region, business_type):
        return Entity.objects.create(name=name, region_id=region, business_type=business_type, address="测试地址")

    restaurant = entity("宝都老王饭店", "370725001001", "catering")
    factory = entity("宝都食品厂", "370725001001", "production")
    eatery = entity("乔官小吃店", "370725107201", "catering")
    canteen = entity("乔官中学食堂", "370725107201", "canteen")
    elsewhere = entity("博山饭庄", "370304001", "catering")

    def staff(username, entity_, role, name=""):
        return make_user(
            Role.ENTERPRISE,
            entity_.region_id,
            entity=entity_,
            entity_role=role,
            username=username,
            name=name or username,
        )

    return World(
        restaurant=restaurant,
        factory=factory,
        eatery=eatery,
        canteen=canteen,
        elsewhere=elsewhere,
        boss=staff("boss", restaurant, "principal", "王老板"),
        officer=staff("officer", restaurant, "safety_officer", "李安全"),
        nobody=staff("nobody", restaurant, ""),
        eatery_officer=staff("eatery-officer", eatery, "safety_officer"),
        canteen_director=staff("canteen-director", canteen, "safety_director"),
        outside_officer=staff("outside-officer", elsewhere, "safety_officer"),
        station=make_user(Role.STATION_STAFF, BAODU, username="station"),
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        auditor=make_user(Role.AUDITOR, "370725", username="auditor"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        cadre=make_user(Role.CADRE, "370725001001", username="cadre"),
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def xlsx(rows, headers=HEADERS, title=None) -> bytes:
    """An xlsx with an optional title row above the header, then the rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("题库")
    top = 0
    if title:
        sheet.write(0, 0, title)
        top = 1
    for col, header in enumerate(headers):
        sheet.write(top, col, header)
    for r, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row):
            if value is not None and value != "":
                sheet.write(r, col, value)
    book.close()
    return out.getvalue()


def row(kind, text, options=(), answer="", roles="", types="", points=None, explanation=""):
    options = list(options) + [""] * (6 - len(options))
    return [kind, text, *options, answer, roles, types, points, explanation]


def own_bank(specs) -> list[Question]:
    """Replace the bank by `specs`: (kind, text, options, answer, roles, types[, points])."""
    Question.objects.update(active=False)
    questions = []
    for spec in specs:
        kind, text, options, answer, roles, types, *rest = spec
        questions.append(
            Question.objects.create(
                kind=kind,
                text=text,
                options=list(options),
                answer=answer,
                roles=tags(roles),
                business_types=tags(types),
                points=rest[0] if rest else 1,
            )  # fmt: skip
        )
    return questions


def general_bank(n=12, roles=(), types=()) -> list[Question]:
    return own_bank([("single", f"通用题{i}（ ）。", ["甲", "乙", "丙"], "A", roles, types) for i in range(1, n + 1)])


def schedule(actor, *, entities=None, sample_size=None, now=None, **fields):
    now = now or timezone.now()
    values = {
        "title": "2026 年第一次监督抽考",
        "opens_at": now - datetime.timedelta(minutes=5),
        "closes_at": now + datetime.timedelta(days=3),
        "duration_minutes": 30,
        "question_count": 5,
        "pass_mark": 80,
        "target_roles": [],
        **fields,
    }
    return services.schedule_test(
        actor=actor,
        entity_ids=[e.pk for e in entities] if entities else None,
        sample_size=sample_size,
        now=now,
        **values,
    )
