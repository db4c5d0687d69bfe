"""The demo evaluation (shian/demo/evaluation.py): seed 001's catalog loaded, the county mid-way with tasks in every
state, evidence, points and 合理缺项 written through the services (audited), once only; its page shows them and
every point of the score comes from the 食安办's finding or an automatic indicator."""

import datetime

import pytest
from django.urls import reverse

from shian.accounts.models import Role
from shian.core.models import AuditEntry
from shian.demo.evaluation import ACCEPTED, NOT_APPLICABLE, load_evaluation
from shian.evaluation.models import Evaluation, Evidence, Result, Task
from shian.evaluation.services import score as scoring
from shian.regions.models import Region

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def test_the_demo_county_is_mid_way_through_its_evaluation(make_user, client):
    office = make_user(Role.COUNTY_ADMIN, "370725", username="county")
    make_user(Role.DEPARTMENT_STAFF, "370725", username="education", department_id="education")
    made = load_evaluation(county=Region.objects.get(code="370725"), seed=1, today=TODAY)
    ev = Evaluation.objects.get(region_id="370725")
    states = set(Task.objects.filter(evaluation=ev).values_list("status", flat=True))
    assert states == {"open", "submitted", "returned", "accepted"}
    assert made["accepted"] and made["submitted"] and made["returned"] and made["open"] > 100
    assert Evidence.objects.filter(task__evaluation=ev).exclude(file="").count() == Evidence.objects.count()
    assert Task.objects.filter(department_id="education", status="open").exists()  # left for the phone flow
    assert Result.objects.filter(evaluation=ev, not_applicable=True).count() == len(NOT_APPLICABLE)
    assert AuditEntry.objects.filter(action="evaluation.points").count() == len(ACCEPTED)
    # one-off work is due this year: the evaluation is under way, not overdue
    assert not Task.objects.filter(evaluation=ev, due__lt=TODAY, sub_item__recurrence="none").exists()
    result = scoring.score(ev, TODAY)
    rows = scoring.load_rows(ev, TODAY)
    found = {r["sub_item_id"] for r in Result.objects.filter(evaluation=ev, points__isnull=False).values("sub_item_id")}
    earning = {s.id for a in rows.aspects for i in a.items for s in i.subs if scoring.sub_earned(rows, s) > 0}
    assert earning <= found | set(rows.figures)  # every point is traced to a finding or an indicator
    assert 0 < result["total"] < result["max"] and result["not_applicable"] > 0
    assert load_evaluation(county=Region.objects.get(code="370725"), seed=1, today=TODAY) == {}
    client.force_login(office)
    page = client.get(reverse("evaluation:evaluation_detail", args=[ev.pk])).content.decode()
    assert "食安办评定" in page and "合理缺项" in page and 'data-testid="figure-70"' in page
