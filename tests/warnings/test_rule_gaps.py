"""The rule gaps of issue 24 part 1 closed here (docs/warnings.md §1): `high_risk_overdue` also fires on a high-risk
entity whose 包保 visit is overdue (missed last quarter, none yet this quarter), not on a visited one nor a low band;
a visit clears it; the same miss in a later quarter, after the warning was closed, raises again."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao.models import AssignmentRun, Cadre, Guarantee
from shian.checklists.models import Checklist
from shian.core.periods import previous_quarter, quarter_bounds, quarter_of
from shian.inspections.models import InspectionTask
from shian.visits.models import Visit
from shian.warnings.models import RiskWarning, WarningRule
from shian.warnings.services.run import run
from tests.inspections.grading_world import give_band, make_entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def bw(make_user):
    WarningRule.objects.exclude(code="high_risk_overdue").update(active=False)
    user = make_user(Role.CADRE, "370725001001", username="cadre", name="王包保")
    cadre = Cadre.objects.create(name="王包保", level="village", region_id="370725001001", user=user)
    assignment = AssignmentRun.objects.create(region_id="370725", status=AssignmentRun.Status.PUBLISHED)
    long_ago = quarter_bounds(previous_quarter(previous_quarter(quarter_of(timezone.localdate()))))[0]
    entities = {}
    for name, band in (("高风险饭店", "D"), ("低风险超市", "A"), ("已督导饭店", "C")):
        entities[name] = make_entity(name)
        give_band(entities[name], band)
        Guarantee.objects.create(entity=entities[name], cadre=cadre, run=assignment, since=long_ago)
    return {"cadre": cadre, **entities}


def visit(entity, cadre, on: datetime.date) -> Visit:
    signed = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    return Visit.objects.create(
        entity=entity, cadre=cadre, region_id=entity.region_id,
        checklist=Checklist.objects.filter(region__isnull=True).order_by("kind", "version").first(),
        started_at=signed - datetime.timedelta(minutes=30), signed_at=signed, visited_on=on, quarter=quarter_of(on),
        signer_name=cadre.name, signed_by=cadre.user,
    )  # fmt: skip


def test_a_high_risk_entity_with_an_overdue_baobao_visit_raises(bw):
    today = timezone.localdate()
    visit(bw["已督导饭店"], bw["cadre"], quarter_bounds(previous_quarter(quarter_of(today)))[0])  # visited last quarter
    assert run()["raised"] == 1
    w = RiskWarning.objects.get()
    assert w.entity == bw["高风险饭店"] and "包保督导逾期" in w.label and w.level == "red"
    assert [e["model"] for e in w.evidence] == ["baobao.guarantee"] and "王包保" in w.evidence[0]["label"]
    assert w.evidence[0]["period"] == previous_quarter(quarter_of(today))
    assert run()["raised"] == 0  # idempotent


def test_an_overdue_task_and_an_overdue_visit_make_one_warning_with_both(bw):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    entity = bw["高风险饭店"]
    InspectionTask.objects.create(entity=entity, region_id=entity.region_id, due_on=yesterday)
    run()
    w = RiskWarning.objects.get(entity=entity)
    assert {e["model"] for e in w.evidence} == {"inspections.inspectiontask", "baobao.guarantee"}
    assert "检查任务逾期 1 项" in w.label and "包保督导逾期" in w.label


def test_a_visit_this_quarter_clears_it_and_a_later_miss_raises_again(bw):
    today = timezone.localdate()
    entity = bw["高风险饭店"]
    visit(entity, bw["cadre"], today)
    visit(bw["已督导饭店"], bw["cadre"], today)
    assert run()["raised"] == 0
    Visit.objects.filter(entity=entity).delete()
    assert run()["raised"] == 1
    w = RiskWarning.objects.get(entity=entity)
    RiskWarning.objects.filter(pk=w.pk).update(state="closed", closed_at=timezone.now())
    assert run()["raised"] == 0  # the same missed quarter: nothing new
    next_quarter = quarter_bounds(quarter_of(today))[1] + datetime.timedelta(days=1)
    later = timezone.make_aware(datetime.datetime.combine(next_quarter, datetime.time(10)))  # still not visited
    assert run(at=later)["raised"] == 1
    assert RiskWarning.objects.filter(entity=entity).count() == 2
