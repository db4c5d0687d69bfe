"""The warnings figures on the dashboard (shian/warnings/kpis.py, docs/kpis.md): open by level, overdue steps,
closed on time, raised this month, per township of a county, each figure's link opening the list it counts."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import kpis as registry
from shian.core.kpis import Grouping
from shian.dashboard import selectors as dashboard
from shian.warnings.models import RiskWarning, WarningRule

pytestmark = pytest.mark.django_db

T1, T2 = "370725001", "370725107"


def warning(region, level, *, days_ago=1, state="raised", step_due_in=5, closed_days_ago=None, close_due_days_ago=None):
    """A warning as the services leave it: each finished step stamped (an hour apart after raising), the current
    step's deadline `step_due_in` days from now, kept also as that step's own deadline."""
    rule = WarningRule.objects.filter(is_current=True).order_by("code").first()
    now = timezone.now()
    raised = now - datetime.timedelta(days=days_ago)
    step_due = None if state == "closed" else now + datetime.timedelta(days=step_due_in)
    past = state in ("investigating", "closed")
    return RiskWarning.objects.create(
        rule=rule, rule_code=rule.code, level=level, scope_key=f"k{RiskWarning.objects.count()}", label="测试预警",
        region_id=region, office_id=region[:9], state=state, raised_at=raised, last_seen_at=now, step_due=step_due,
        ack_due=step_due if state == "raised" else raised + datetime.timedelta(days=1),
        acknowledged_at=raised + datetime.timedelta(hours=1) if past else None,
        investigating_at=raised + datetime.timedelta(hours=2) if past else None,
        closed_at=None if closed_days_ago is None else now - datetime.timedelta(days=closed_days_ago),
        close_due=None if close_due_days_ago is None else now - datetime.timedelta(days=close_due_days_ago),
    )  # fmt: skip


@pytest.fixture
def world(regions):
    today = timezone.localdate()
    warning(T1 + "001", "red")
    warning(T1 + "001", "orange", step_due_in=-1)  # overdue
    warning(T1, "blue", state="investigating", step_due_in=-2, close_due_days_ago=2)  # overdue, close late
    warning(T1, "red", state="closed", closed_days_ago=0, close_due_days_ago=-3)  # on time
    warning(T2, "yellow", state="closed", closed_days_ago=0, close_due_days_ago=1)  # late
    warning(T2, "yellow")
    old = warning(T2, "red", days_ago=40, state="closed", closed_days_ago=35, close_due_days_ago=38)  # late
    return {"today": today, "old": old}


def test_the_figures_per_township_match_the_warnings(world):
    groups = registry._providers["warnings"].count(prefix="370725", grouping=Grouping(9), as_of=world["today"])
    t1, t2 = groups[T1], groups[T2]
    assert t1["warn_open"] == 3 and t1["warn_level:red"] == 1 and t1["warn_level:orange"] == 1
    assert t1["warn_overdue"] == 2 and t2.get("warn_overdue", 0) == 0
    total = registry.total(groups.values())
    kpi = {k.key: k for k in registry.kpis()}
    assert kpi["warnings.open"].value(total) == 4
    assert kpi["warnings.open_red"].value(total) == 1
    assert kpi["warnings.overdue"].value(total) == 2
    this_year = world["old"].closed_at.year == world["today"].year
    # on time: 1 of (closed this year: 2 or 3, plus one investigating past its closing deadline)
    assert kpi["warnings.closed_on_time"].value(total) == (25.0 if this_year else 33.3)
    month_start = world["today"].replace(day=1)
    raised = RiskWarning.objects.filter(raised_at__date__gte=month_start).count()
    assert kpi["warnings.raised_month"].value(total) == raised >= 1
    # a day before the closures: the two closed today were still open then
    yesterday = registry._providers["warnings"].count(
        prefix="370725", grouping=Grouping(9), as_of=world["today"] - datetime.timedelta(days=1)
    )
    assert registry.total(yesterday.values())["warn_open"] == 6


def test_a_past_day_counts_the_steps_late_that_day_not_today(regions):
    """Acknowledged late (two days after its signing deadline) and now within its investigation deadline: overdue
    on the days between, not before its deadline, not today."""
    w = warning(T1, "red", days_ago=10, state="acknowledged", step_due_in=5)
    now = timezone.now()
    RiskWarning.objects.filter(pk=w.pk).update(
        ack_due=now - datetime.timedelta(days=7), acknowledged_at=now - datetime.timedelta(days=5),
        investigate_due=now + datetime.timedelta(days=5),
    )  # fmt: skip
    today = timezone.localdate()

    def overdue(days_before):
        groups = registry._providers["warnings"].count(prefix="370725", grouping=Grouping(9),
                                                       as_of=today - datetime.timedelta(days=days_before))  # fmt: skip
        return registry.total(groups.values()).get("warn_overdue", 0)

    assert [overdue(d) for d in (11, 8, 6, 0)] == [0, 0, 1, 0]


def test_the_links_open_the_list_they_count(world, make_user, client):
    county = make_user(Role.COUNTY_ADMIN, "370725", username="county")
    client.force_login(county)
    kpi = registry.kpi("warnings.overdue")
    page = client.get(kpi.link(T1))
    assert page.status_code == 200 and len(page.context["page"].object_list) == 2
    red = next(b for b in registry.breakdowns() if b.key == "warn_level")
    page = client.get(red.link("370725", "yellow"))
    assert [w.level for w in page.context["page"].object_list] == ["yellow"]
    fig = dashboard.figures(user=county, region_code="370725")
    assert dashboard.values(fig.total)["warnings.open"] == 4
    assert client.get("/dashboard/?region=370725").status_code == 200
