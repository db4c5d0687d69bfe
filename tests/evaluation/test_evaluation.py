"""The evaluation (docs/evaluation.md): the catalog loader's checks with nothing written on error, the score (pick,
optional_count, 合理缺项 rescale, veto, projection), tasks per department and their visibility, evidence and review
refusals, and the two commands' JSON."""

import copy
import datetime
import io
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from shian.accounts.models import Department, Role
from shian.core.models import AuditEntry
from shian.evaluation.models import Catalog, Evaluation, Result, SubItem, Task
from shian.evaluation.selectors import tasks as selectors
from shian.evaluation.services import catalog as catalogs
from shian.evaluation.services import score as scoring
from shian.evaluation.services import tasks as services

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "catalog_small.toml"
TODAY = datetime.date(2026, 3, 10)


def _data() -> dict:
    return tomllib.loads(FIXTURE.read_text("utf-8"))


@pytest.fixture
def world(make_user):
    catalog = catalogs.load(_data())
    office = make_user(Role.COUNTY_ADMIN, "370725", name="食安办")
    evaluation = services.start_evaluation(actor=office, region_code="370725", catalog_version="test-1",
                                           started_on=TODAY)  # fmt: skip
    return {
        "catalog": catalog, "evaluation": evaluation, "office": office,
        "school": make_user(Role.DEPARTMENT_STAFF, "370725", name="教育局", department_id="education"),
        "bureau": make_user(Role.DEPARTMENT_STAFF, "370725", name="市场监管局", department_id="market_regulation"),
        "far_school": make_user(Role.DEPARTMENT_STAFF, "370304", name="博山教育局", department_id="education"),
    }  # fmt: skip


def _sub(world, no: int) -> SubItem:
    return SubItem.objects.get(catalog=world["catalog"], no=no)


def _points(world, **by_no):
    for no, points in by_no.items():
        services.assign_points(actor=world["office"], evaluation=world["evaluation"],
                               sub_item=_sub(world, int(no[1:])), points=points)  # fmt: skip


def test_the_catalog_loads_with_its_counts_and_new_departments_and_twice_is_a_no_op(regions):
    out = io.StringIO()
    call_command("load_catalog", "--file", str(FIXTURE), "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result == {"catalog": "test-1", "aspects": 2, "items": 5, "sub_items": 11, "veto_items": 2,
                      "max_points": 20.0}  # fmt: skip
    assert Department.objects.get(code="party_office").name == "区委办"
    assert list(_sub({"catalog": Catalog.objects.get()}, 1).lead.values_list("code", flat=True)) == ["party_office"]
    out = io.StringIO()
    call_command("load_catalog", "--file", str(FIXTURE), "--json", stdout=out)
    assert "已载入，未重复载入" in out.getvalue()
    assert Catalog.objects.count() == 1 and SubItem.objects.count() == 11


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["aspects"][0]["items"][0]["sub_items"][1].update(no=1), "第 1 小项：小项编号重复"),
        (lambda d: d["vetoes"][0].update(no=9), "第 9 否决项：小项编号重复"),
        (
            lambda d: d["aspects"][0]["items"][0]["sub_items"][0].update(points=2),
            "第 1 项：小项分值合计 3.5 与项分值 4 不符",
        ),
        (lambda d: d["aspects"][0]["items"][1].update(pick=4), "第 2 项：计分小项个数 4 超过小项数 3"),
        (
            lambda d: d["aspects"][1].update(optional_count=3),
            "第 2 方面：必选项分值加选做项计分合计 15 与方面分值 10 不符",
        ),
        (lambda d: d["catalog"].update(total_points=25), "各方面分值合计 20 与总分 25 不符"),
        (lambda d: d["vetoes"][1].update(lead=["nobody"]), "第 109 否决项：部门“nobody”未在"),
        (
            lambda d: d["aspects"][0]["items"][0]["sub_items"][1].update(recurrence="daily"),
            "第 2 小项：频次“daily”无效",
        ),
        (lambda d: d["aspects"][0]["items"][0]["sub_items"][0].update(start="2026-02-30"), "第 1 小项：启动日期"),
    ],
)
def test_a_bad_catalog_is_refused_naming_the_entry_and_nothing_is_written(regions, change, message):
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(ValidationError) as exc:
        catalogs.load(data)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Catalog.objects.exists() and not Department.objects.filter(code="party_office").exists()


def test_a_bad_file_is_a_command_error(regions, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[catalog\nversion=1", "utf-8")
    with pytest.raises(CommandError, match="格式错误"):
        call_command("load_catalog", "--file", str(bad), "--json", stdout=io.StringIO())
    with pytest.raises(CommandError, match="无法读取"):
        call_command("load_catalog", "--file", str(tmp_path / "missing.toml"), stdout=io.StringIO())


def test_tasks_go_to_lead_and_support_departments_and_recurring_ones_per_period(world):
    tasks = Task.objects.filter(evaluation=world["evaluation"])
    assert set(tasks.filter(sub_item__no=1).values_list("department_id", "lead")) == {
        ("party_office", True), ("market_regulation", False)}  # fmt: skip
    monthly = tasks.get(sub_item__no=2)
    assert (monthly.period_start, monthly.due) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert tasks.get(sub_item__no=3, department="education").due == datetime.date(2027, 12, 31)
    assert services.generate_tasks(world["evaluation"], TODAY) == 0  # idempotent
    assert services.generate_tasks(world["evaluation"], datetime.date(2026, 4, 2)) == 1
    assert tasks.filter(sub_item__no=2).count() == 2


def test_a_department_sees_only_its_own_tasks_in_its_own_county(world):
    mine = selectors.task_list(user=world["school"])
    assert set(mine.values_list("department_id", flat=True)) == {"education"}
    assert set(mine.values_list("sub_item__no", flat=True)) == {3, 7}
    assert not selectors.task_list(user=world["far_school"]).exists()
    assert selectors.task_list(user=world["office"]).count() == Task.objects.count()


def test_evidence_for_another_departments_task_is_refused_and_review_moves_the_score(world):
    bureau_task = Task.objects.get(sub_item__no=5)
    with pytest.raises(PermissionDenied, match="其他部门"):
        services.add_evidence(actor=world["school"], task=bureau_task, note="代交")
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(actor=world["bureau"], task=bureau_task, link="https://evil.example/")
    assert "link" in exc.value.message_dict
    assert not bureau_task.evidence.exists()
    services.add_evidence(actor=world["bureau"], task=bureau_task, link="/inspections/1/", note="检查记录")
    assert Task.objects.get(pk=bureau_task.pk).status == Task.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.review(actor=world["bureau"], task=bureau_task, accept=True)
    with pytest.raises(ValidationError, match="理由"):
        services.review(actor=world["office"], task=bureau_task, accept=False)
    services.review(actor=world["office"], task=bureau_task, accept=False, reason="缺少照片")
    assert Task.objects.get(pk=bureau_task.pk).return_reason == "缺少照片"
    services.add_evidence(actor=world["bureau"], task=bureau_task, note="补充照片说明")
    services.review(actor=world["office"], task=bureau_task, accept=True)
    before = scoring.score(world["evaluation"], TODAY)["total"]
    _points(world, s5=3)
    assert scoring.score(world["evaluation"], TODAY)["total"] == before + 3
    assert AuditEntry.objects.filter(action__startswith="evaluation.").count() >= 6


def test_points_above_the_maximum_or_na_where_not_allowed_are_refused(world):
    with pytest.raises(ValidationError, match="0 至 2.5 分之间"):
        _points(world, s1="2.6")
    with pytest.raises(ValidationError, match="不是数字"):
        _points(world, s1="abc")
    with pytest.raises(ValidationError, match="不可认定为合理缺项"):
        services.mark_not_applicable(actor=world["office"], evaluation=world["evaluation"], sub_item=_sub(world, 1),
                                     reason="无")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.assign_points(actor=world["school"], evaluation=world["evaluation"], sub_item=_sub(world, 3),
                               points=1)  # fmt: skip
    assert not Result.objects.exists()


def test_score_pick_optional_count_na_rescale_and_veto(world):
    ev = world["evaluation"]
    # item 2 picks the best 2 of 3; aspect 2 counts the best 2 of its 3 optional items
    _points(world, s1="2.5", s2="1", s3=3, s4=2, s5=3, s7=4, s8=2, s9=3)
    result = scoring.score(ev, TODAY)
    assert result["by_aspect"] == {"基础工作": 9.5, "示范引领": 9.0}
    assert (result["total"], result["max"], result["not_applicable"]) == (18.5, 20.0, 0.0)
    services.mark_not_applicable(actor=world["office"], evaluation=ev, sub_item=_sub(world, 6), reason="本县无乳粉企业")
    # two optional items remain for two places: nothing lost, nothing rescaled
    assert scoring.score(ev, TODAY)["not_applicable"] == 0.0
    _points(world, s9=0)
    services.mark_not_applicable(actor=world["office"], evaluation=ev, sub_item=_sub(world, 6), reason="本县无乳粉企业")
    Result.objects.filter(sub_item__no=8).delete()
    result = scoring.score(ev, TODAY)
    assert result["total"] == 13.5
    # an item with only 合理缺项 left loses its points from the maximum: rescaled earned ÷ (max − NA) × max
    SubItem.objects.filter(catalog=world["catalog"], no__in=[8, 9]).update(may_be_na=True)
    for sub in (_sub(world, 8), _sub(world, 9)):
        services.mark_not_applicable(actor=world["office"], evaluation=ev, sub_item=sub, reason="无市场")
    result = scoring.score(ev, TODAY)
    assert result["not_applicable"] == 5.0
    assert result["total"] == round(13.5 / 15 * 20, 2)
    services.decide_veto(actor=world["office"], evaluation=ev, sub_item=_sub(world, 108), failed=True,
                         reason="发生较大事故")  # fmt: skip
    assert scoring.score(ev, TODAY)["veto_failed"] == [
        {"no": 108, "text": "发生重大食品安全事故", "reason": "发生较大事故"}
    ]


def test_projection_counts_open_tasks_in_time_and_not_overdue_ones(world):
    ev = world["evaluation"]
    result = scoring.score(ev, TODAY)
    assert result["total"] == 0.0 and result["projected"] == 20.0
    # the monthly task of sub-item 2 is overdue in April: its 1.5 points are lost from the projection
    assert scoring.score(ev, datetime.date(2026, 4, 2))["projected"] == 18.5
    _points(world, s2="0.5")
    assert scoring.score(ev, datetime.date(2026, 4, 2))["projected"] == 19.0


def test_evaluation_score_command_prints_the_json_last(world):
    _points(world, s1=2)
    out = io.StringIO()
    call_command("evaluation_score", "--region", "370725", "--catalog", "test-1", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"total", "max", "by_aspect", "not_applicable", "veto_failed", "projected", "indicators"}
    assert result["total"] == 2.0 and result["max"] == 20.0
    with pytest.raises(CommandError, match="没有"):
        call_command("evaluation_score", "--region", "370304", "--json", stdout=io.StringIO())


def test_start_is_refused_twice_and_outside_a_county(world, make_user):
    with pytest.raises(ValidationError):
        services.start_evaluation(actor=world["office"], region_code="370725", catalog_version="test-1")
    with pytest.raises(ValidationError, match="不是县"):
        services.start_evaluation(actor=world["office"], region_code="370725001", catalog_version="test-1")
    assert Evaluation.objects.count() == 1 and Decimal(world["catalog"].total_points) == 20


def test_weekly_snapshot_and_the_monday_dispatch_section(world):
    from shian.dashboard import documents
    from shian.evaluation.services import snapshots
    from shian.regions.models import Region

    ev = world["evaluation"]
    _points(world, s1=2)
    snapshots.take(ev, TODAY)
    assert snapshots.take_all(TODAY) == 1 and ev.snapshots.count() == 1  # the same week is replaced
    _points(world, s3=3)
    next_week = snapshots.monday(TODAY) + datetime.timedelta(days=7)
    as_of = datetime.date(2026, 4, 2)  # the March task of sub-item 2 is overdue
    [section] = snapshots.weekly_section(region_code="370725", week=next_week, as_of=as_of)
    assert (section["total"], section["before"]) == (5.0, 2.0)
    assert section["behind"] == [{"department": "市场监督管理局", "overdue": 1}]
    assert section["losing"][0] == {"item": "5. 放心肉菜", "lost": 5.0}
    data = documents.dispatch_data(region=Region.objects.get(code="370725"), week=next_week)
    text = str(documents.dispatch_sections(data)[0])
    assert "六、示范创建评价" in text, text
    assert "七、下周工作要求" in text and "当前得分 5.0 分" in text and "较上周 +3" in text


def test_pages_and_api_a_department_submits_the_office_accepts_and_the_score_moves(world, client):
    from django.urls import reverse

    task = Task.objects.get(sub_item__no=3, department="education")
    client.force_login(world["school"])
    page = client.get(reverse("evaluation:task_list"))
    assert page.status_code == 200 and f'data-testid="task-{task.pk}"' in page.content.decode()
    assert "养老机构食堂" not in page.content.decode()  # the bureau's task is not listed
    other = Task.objects.get(sub_item__no=5)
    assert client.post(reverse("evaluation:task_evidence", args=[other.pk]), {"note": "x"}).status_code == 404
    client.post(reverse("evaluation:task_evidence", args=[task.pk]), {"note": "学校食堂自查报告"})
    assert Task.objects.get(pk=task.pk).status == Task.Status.SUBMITTED
    client.force_login(world["office"])
    detail = reverse("evaluation:evaluation_detail", args=[world["evaluation"].pk])
    assert "学校食堂自查报告" in client.get(detail).content.decode()
    client.post(reverse("evaluation:task_review", args=[task.pk]), {"decision": "accept"})
    sub = _sub(world, 3)
    response = client.post(reverse("evaluation:sub_item_decide", args=[world["evaluation"].pk]),
                           {"sub_item": sub.pk, "points": "9"}, follow=True)  # fmt: skip
    assert "0 至 3 分之间" in response.content.decode()
    client.post(
        reverse("evaluation:sub_item_decide", args=[world["evaluation"].pk]), {"sub_item": sub.pk, "points": "3"}
    )
    api = client.get(f"/api/v1/evaluation/evaluations/{world['evaluation'].pk}/score").json()
    assert api["total"] == 3.0 and Task.objects.get(pk=task.pk).status == Task.Status.ACCEPTED
    client.force_login(world["school"])
    tasks = client.get("/api/v1/evaluation/tasks").json()
    assert {t["department"] for t in tasks["items"]} == {"education"}


def test_the_evaluation_page_counts_tasks_and_lists_only_those_awaiting_review(world, monkeypatch):
    """The page stays the size of the catalog: per sub-item the task counts by state and the newest tasks waiting
    for review; the full list (with the review form) is the task list filtered by sub-item."""
    from django.test import Client
    from django.urls import reverse

    from shian.evaluation.views import pages

    monkeypatch.setattr(pages, "PENDING_SHOWN", 1)
    client = Client()
    client.force_login(world["office"])
    sub = _sub(world, 1)  # a lead and a supporting department: two tasks
    mine = list(Task.objects.filter(sub_item=sub).order_by("id"))
    assert len(mine) >= 2
    Task.objects.filter(sub_item=sub).update(status=Task.Status.SUBMITTED)
    page = client.get(reverse("evaluation:evaluation_detail", args=[world["evaluation"].pk])).content.decode()
    shown = [t for t in mine if f'data-testid="accept-{t.pk}"' in page]
    assert shown == [mine[-1]] and 'data-testid="counts-1"' in page and "待审核的仅显示最近几项" in page
    listed = client.get(reverse("evaluation:task_list"), {"sub_item": sub.pk}).content.decode()
    assert all(f'data-testid="accept-{t.pk}"' in listed for t in mine)
    assert not any(f'data-testid="task-{t.pk}"' in listed for t in Task.objects.exclude(sub_item=sub))
