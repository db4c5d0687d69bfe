"""The 包保 overview and the run review pages: every figure matches a count made here from the records."""

from collections import Counter

import pytest
from django.test import Client

from shian.accounts.models import Role
from shian.baobao import services
from shian.baobao.models import AssignmentRun, Guarantee
from shian.core.models import AuditEntry
from shian.entities.models import Entity


@pytest.fixture
def published(county):
    services.grade_entities(actor=county, region_code="370725")
    run = services.assign_cadres(actor=county, region_code="370725")
    services.publish_run(actor=county, run=run)
    return run


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_figures_come_from_the_records(county, published):
    closed = Entity.objects.filter(grading__grade="D").order_by("pk")[:3]
    Entity.objects.filter(pk__in=[e.pk for e in closed]).update(status=Entity.Status.DEREGISTERED)
    Guarantee.objects.filter(entity__in=Entity.objects.filter(grading__grade="C").order_by("pk")[:2]).delete()
    page = client_for(county).get("/baobao/")
    assert page.status_code == 200
    context = page.context
    active = Entity.objects.exclude(status=Entity.Status.DEREGISTERED)
    grades = Counter(active.values_list("grading__grade", flat=True))
    assert [(g, n) for g, n, _share in context["grades"]] == [(g, grades[g]) for g in "ABCD"]
    assert context["gap_count"] == 2 == active.filter(guarantee__isnull=True).count()
    assert context["guaranteed"] == active.filter(guarantee__isnull=False).count()
    by_level = {row["level"]: row for row in context["levels"]}
    loads = Counter(Guarantee.objects.filter(cadre__region__code__startswith="370725").values_list("cadre", flat=True))
    in_county = sum(by_level[level]["entities"] or 0 for level in ("county", "township", "village"))
    assert in_county == sum(loads.values())
    assert context["busiest"][0].load == max(loads.values())
    body = page.content.decode()
    assert "济南市" in body and 'data-testid="gap-table"' in body


def test_draft_run_shows_its_diff_and_a_reviewer_publishes_it(county, published):
    moved = list(Entity.objects.filter(grading__grade="D").order_by("pk")[:4])
    for entity in moved:  # the page regrades first, so pin the new grade as an override with a reason
        services.override_grade(actor=county, entity=entity, grade="C", reason="测试：等级上调")
    client = client_for(county)
    response = client.post("/baobao/runs/new/", {"incremental": "1"})
    run = AssignmentRun.objects.filter(status="draft").get()
    assert response.status_code == 302 and response["Location"] == f"/baobao/runs/{run.pk}/"
    detail = client.get(f"/baobao/runs/{run.pk}/")
    differing = [a.entity_id for a in detail.context["page"]]
    assert sorted(differing) == sorted(e.pk for e in moved)  # only the regraded entities move
    assert run.counts["changed"] == 4
    assert 'data-testid="run-publish"' in detail.content.decode()
    assert client.post(f"/baobao/runs/{run.pk}/publish/").status_code == 302
    run.refresh_from_db()
    assert run.status == "published" and AssignmentRun.objects.get(pk=published.pk).status == "superseded"
    assert all(Guarantee.objects.get(pk=pk).cadre.level == "township" for pk in differing)
    assert AuditEntry.objects.filter(action="baobao.publish").count() == 2
    # publishing twice is refused with a message, not an error page
    again = client.post(f"/baobao/runs/{run.pk}/publish/", follow=True)
    assert "只能发布待审核的方案" in again.content.decode()


def test_province_scope_is_sent_to_the_command_line(regions, make_user):
    admin = make_user(Role.PROVINCE_ADMIN, "37")
    response = client_for(admin).post("/baobao/runs/new/", follow=True)
    assert "assign_cadres" in response.content.decode() and not AssignmentRun.objects.exists()


def test_runs_outside_the_jurisdiction_are_hidden(county, published, make_user):
    client = client_for(make_user(Role.COUNTY_ADMIN, "370304"))
    assert client.get(f"/baobao/runs/{published.pk}/").status_code == 404
    assert client.post(f"/baobao/runs/{published.pk}/publish/").status_code == 404
    assert published.pk not in [r.pk for r in client.get("/baobao/runs/").context["page"]]
    station = client_for(make_user(Role.STATION_STAFF, "370725001"))
    assert station.post("/baobao/runs/new/").status_code in (302, 403)
    assert AssignmentRun.objects.count() == 1


def test_guarantee_list_and_map_points(county, published, make_user):
    client = client_for(county)
    gap = Guarantee.objects.order_by("pk").first().entity
    Guarantee.objects.filter(pk=gap.pk).delete()
    listed = client.get("/baobao/guarantees/", {"grade": "B"})
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == Guarantee.objects.filter(entity__grading__grade="B").count()
    cadre = Guarantee.objects.select_related("cadre").first().cadre
    by_cadre = client.get("/baobao/guarantees/", {"q": cadre.name}).context["page"].paginator.count
    assert by_cadre >= Guarantee.objects.filter(cadre=cadre).count() > 0
    body = client.get("/api/v1/baobao/map", {"region": "370725"}).json()
    located = Entity.objects.exclude(longitude=None).exclude(status=Entity.Status.DEREGISTERED)
    assert body["total"] == len(body["points"]) == located.count()
    flagged = [p for p in body["points"] if not p[3]]
    assert [p[4] for p in flagged] == [gap.name] and flagged[0][5] == ""
    grades = [p[2] for p in body["points"]]
    assert grades == sorted(grades)  # the most important grades come first, so a cut drops D first
    outsider = client_for(make_user(Role.COUNTY_ADMIN, "370304"))
    assert outsider.get("/api/v1/baobao/map").json() == {"points": [], "total": 0}
    assert outsider.get("/baobao/guarantees/").context["page"].paginator.count == 0
