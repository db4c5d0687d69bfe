# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Plan pages: a county administrator runs the year's plan from the page and reads the station × month table,
the per-inspector load and the shortfall in red."""

import pytest
from django.urls import reverse

from shian.core.models import DeadlineRule
from shian.inspections.models import InspectionPlan

from .planning_world import QIAOGUAN, pw  # noqa: F401

pytestmark = pytest.mark.django_db


def test_run_a_plan_from_the_page_and_read_it(client, pw):
    import datetime

    DeadlineRule.objects.create(code="inspections.inspector_monthly_capacity", name="cap", unit="n", amount=1,
                                region_prefix="370725", version=2, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    for _ in range(30):
        pw.entity(region=QIAOGUAN, grade="D")
    pw.entity(grade="B")
    client.force_login(pw.county_admin)
    response = client.post(reverse("inspections:plans"), {"year": "2027"}, follow=True)
    plan = InspectionPlan.objects.get()
    assert response.redirect_chain[-1][0] == reverse("inspections:plan_detail", args=[plan.pk])
    page = response.content.decode()
    assert "乔官市场监管所" in page and "缺" in page and 'class="urgent"' in page
    assert "baodu执法" in page  # the load table names the inspectors who lead
    assert "D级（高风险）" in page
    listing = client.get(reverse("inspections:plans")).content.decode()
    assert reverse("inspections:plan_detail", args=[plan.pk]) in listing


def test_a_bad_year_is_refused_with_a_message_and_nothing_written(client, pw):
    client.force_login(pw.county_admin)
    response = client.post(reverse("inspections:plans"), {"year": "abc"}, follow=True)
    assert "年度无效" in response.content.decode()
    assert not InspectionPlan.objects.exists()


def test_inspectors_read_plans_but_cannot_run_one(client, pw):
    client.force_login(pw.inspectors["baodu"][0])
    assert client.get(reverse("inspections:plans")).status_code == 200
    assert client.post(reverse("inspections:plans"), {"year": "2027"}).status_code == 403
    assert not InspectionPlan.objects.exists()
