# ruff: noqa: F811  (the `pw` fixture is imported from planning_world)
"""Draw pages: run a draw from the page, read its parameters and hashes, verify and publish it; the public page
needs no login, shows only published draws, and no phone number or ID."""

import pytest
from django.urls import reverse

from shian.accounts.models import Role
from shian.inspections.models import Inspection, InspectionTask, Outcome, RandomDraw
from shian.inspections.services.draws import publish_draw, run_draw

from .planning_world import inspected, pw  # noqa: F401

pytestmark = pytest.mark.django_db


def test_run_verify_and_publish_from_the_pages(client, pw):
    for _ in range(6):
        pw.entity()
    client.force_login(pw.county_admin)
    response = client.post(reverse("inspections:draws"), {"count": "3", "seed": "page", "title": "春季抽查"},
                           follow=True)  # fmt: skip
    draw = RandomDraw.objects.get()
    page = response.content.decode()
    assert "春季抽查" in page and draw.candidates_sha256 in page and "sha256-sample-v1" in page
    verified = client.post(reverse("inspections:draw_verify", args=[draw.pk]), follow=True).content.decode()
    assert "复算一致" in verified
    client.post(reverse("inspections:draw_publish", args=[draw.pk]))
    assert RandomDraw.objects.get().published_at is not None


def test_too_many_requested_shows_both_numbers(client, pw):
    pw.entity()
    client.force_login(pw.county_admin)
    page = client.post(reverse("inspections:draws"), {"count": "9"}, follow=True).content.decode()
    assert "抽取数量 9 超过候选主体数 1" in page
    assert not RandomDraw.objects.exists()


def test_public_page_shows_published_draws_names_and_outcomes_without_phones(client, pw):
    shown = pw.entity(name="公示饭店")
    pw.entity(name="未公示饭店", region="370725107201")
    published = run_draw(actor=pw.county_admin, region_code="370725001", count=1, seed="pub")
    run_draw(actor=pw.county_admin, region_code="370725107", count=1, seed="hid")
    task = InspectionTask.objects.get(draw=published)
    inspection = inspected(shown, published.created_at.date(), list(task.inspectors.all()),
                           outcome=Outcome.BASIC)  # fmt: skip
    Inspection.objects.filter(pk=inspection.pk).update(task=task)
    publish_draw(actor=pw.county_admin, draw=published)
    response = client.get(reverse("inspections:public_draws"))  # anonymous
    page = response.content.decode()
    assert response.status_code == 200
    assert "公示饭店" in page and shown.uscc in page and "基本符合" in page
    assert "未公示饭店" not in page
    names = [u.name for u in task.inspectors.all()]
    assert all(n in page for n in names)
    assert all(u.phone not in page for u in pw.inspectors["baodu"])


def test_enterprise_gets_403_on_draw_pages_but_may_read_the_public_page(client, pw, make_user):
    pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code="370725", count=1, seed="e")
    client.force_login(make_user(Role.ENTERPRISE, "370725001001"))
    assert client.get(reverse("inspections:draw_detail", args=[draw.pk])).status_code == 403
    assert client.get(reverse("inspections:public_draws")).status_code == 200


def test_a_draw_outside_the_jurisdiction_is_404(client, pw, make_user):
    pw.entity(region="370725107201")
    draw = run_draw(actor=pw.county_admin, region_code="370725107", count=1, seed="o")
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725001"))
    assert client.get(reverse("inspections:draw_detail", args=[draw.pk])).status_code == 404


def test_overdue_publication_is_shown_to_regulators(client, pw):
    pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code="370725", count=1, seed="late")
    RandomDraw.objects.filter(pk=draw.pk).update(publish_due="2020-01-01")
    client.force_login(pw.county_admin)
    assert "已逾期" in client.get(reverse("inspections:draws")).content.decode()
    assert "已逾期未公示" in client.get(reverse("inspections:draw_detail", args=[draw.pk])).content.decode()


def test_work_list_names_draws_to_publish_and_the_plan_shortfall(pw):
    import datetime

    from shian.core.worklist import items_for
    from shian.inspections.services.planning import plan_year

    pw.entity()
    pw.entity(region="370725107201")
    late = run_draw(actor=pw.county_admin, region_code="370725001", count=1, seed="l")
    RandomDraw.objects.filter(pk=late.pk).update(publish_due=datetime.date(2020, 1, 1))
    run_draw(actor=pw.county_admin, region_code="370725107", count=1, seed="s")
    pw.qiaoguan.inspectors.clear()
    plan_year(region_code="370725", year=datetime.date.today().year)
    items = {i.key: i.count for i in items_for(pw.county_admin, "370725")}
    assert items["draws.publish_overdue"] == 1
    assert items["plans.shortfall"] >= 1
