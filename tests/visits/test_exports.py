"""The problem ledger (问题清单台账) as xlsx, read back as a user's spreadsheet program would."""

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shian.accounts.models import Role
from shian.baobao.models import Cadre
from shian.entities.models import Entity
from shian.visits import selectors, services
from shian.visits.exports import write_problem_ledger
from shian.visits.models import Problem

from .conftest import answers_for, guarantee

CST = ZoneInfo("Asia/Shanghai")
SIGNED = datetime.datetime(2026, 3, 6, 10, 0, tzinfo=CST)
HEADER = [
    "主体名称", "统一社会信用代码", "所属区划", "包保干部", "检查项", "项目类型", "问题描述", "发现日期", "整改期限",
    "状态", "升级", "销号日期",
]  # fmt: skip


@pytest.fixture
def clock(monkeypatch):
    def set_now(value: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: value)

    set_now(SIGNED)
    return set_now


def sign_on(entity, user, name, fail):
    checklist = services.current_checklist(entity)
    visit, _ = services.sign_visit(
        actor=user, entity=entity, client_key=uuid.uuid4(), checklist_id=checklist.pk,
        answers=answers_for(checklist, fail), signer_name=name, started_at=timezone.now() - datetime.timedelta(minutes=30),
    )  # fmt: skip
    return visit


@pytest.fixture
def ledger(world, clock, make_user):
    """Two problems at world.entity (站前社区) and one at a shop in 乔官村, same county."""
    Entity.objects.filter(pk=world.entity.pk).update(uscc="91440101MA5CJQ4N59")
    world.entity.refresh_from_db()
    far_user = make_user(Role.CADRE, "370725107201", name="王乔官")
    far_cadre = Cadre.objects.create(name="王乔官", level="village", region_id="370725107201", user=far_user)
    far_shop = Entity.objects.create(
        name='=HYPERLINK("http://x")小卖部', region_id="370725107201", business_type="sales", sub_type="small_shop"
    )
    guarantee(far_shop, far_cadre)
    sign_on(world.entity, world.cadre_user, "张建国", {1: "未配备食品安全员", 3: "清单未公示"})
    sign_on(far_shop, far_user, "王乔官", {1: "无安全员"})
    return far_shop


def read_back(problems) -> list[list]:
    out = io.BytesIO()
    count = write_problem_ledger(out, problems)
    out.seek(0)
    rows = CalamineWorkbook.from_filelike(out).get_sheet_by_index(0).to_python()
    assert count == len(rows) - 1
    return rows


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def test_the_ledger_has_one_row_per_problem_in_chinese(world, ledger, clock):
    key = Problem.objects.get(entity=world.entity, severity="key")
    services.submit_evidence(actor=world.enterprise, problem=key, note="已任命")
    # closed at 07:00 Beijing time = the day before in UTC: the ledger shows the local day
    clock(datetime.datetime(2026, 3, 10, 7, 0, tzinfo=CST))
    services.close_problem(actor=world.cadre_user, problem=key)
    services.escalate_overdue(now=datetime.datetime(2026, 3, 14, 8, 0, tzinfo=CST))

    rows = read_back(selectors.problem_list(user=world.county_admin))
    assert rows[0] == HEADER
    assert len(rows) == 4
    by_entity = {}
    for row in rows[1:]:
        by_entity.setdefault(row[0], []).append(row)
    assert len(by_entity["乔官镇老张饭店"]) == 2
    closed = next(r for r in by_entity["乔官镇老张饭店"] if r[9] == "已销号")
    assert closed[1:7] == ["91440101MA5CJQ4N59", "站前社区", "张建国", key.item.text, "重点项", key.description]
    assert [as_date(v) for v in closed[7:9]] == [datetime.date(2026, 3, 6), datetime.date(2026, 3, 13)]
    assert closed[10] == "未升级" and as_date(closed[11]) == datetime.date(2026, 3, 10)
    general = next(r for r in by_entity["乔官镇老张饭店"] if r[5] == "一般项")
    assert general[9] == "待整改" and as_date(general[8]) == datetime.date(2026, 3, 27)
    assert general[11] == ""  # not closed: blank
    (far,) = by_entity['=HYPERLINK("http://x")小卖部']  # a formula-looking name stays text
    assert (far[2], far[3], far[10]) == ("乔官村", "王乔官", "已升级至乡镇（监管所）")


def test_the_ledger_is_scoped_like_the_list(world, ledger, make_user):
    assert [r[0] for r in read_back(selectors.problem_list(user=world.enterprise))[1:]] == ["乔官镇老张饭店"] * 2
    assert len(read_back(selectors.problem_list(user=world.station))) == 3  # its township only
    assert len(read_back(selectors.problem_list(user=world.county_admin, region_code="370725107"))) == 2
    assert read_back(selectors.problem_list(user=world.outsider)) == [HEADER]
    assert read_back(selectors.problem_list(user=make_user(Role.ENTERPRISE, "370725001001"))) == [HEADER]


def test_the_ledger_takes_any_iterable_of_problems(world, ledger):
    problems = list(Problem.objects.select_related("entity", "region", "cadre", "item").order_by("pk"))
    assert [r[0] for r in read_back(problems)[1:]] == [p.entity.name for p in problems]
