"""The visit loop through the pages: form, signed record, evidence, closure, coverage, checklist editing."""

import json

import pytest
from django.urls import reverse

from shian.checklists.models import Checklist
from shian.core.models import AuditEntry
from shian.visits import services
from shian.visits.models import Addendum, Answer, Problem, Visit

from .conftest import photo


def _form(world, checklist, *, fail_position=None, key="5a0d5c1e-0000-4000-8000-000000000001", name=None):
    data = {
        "client_key": key,
        "checklist_id": checklist.pk,
        "started_at": "2026-11-25T08:00:00+08:00",
        "mode": "on_site",
        "signer_name": name or world.cadre.name,
        "latitude": "36.700100",
        "longitude": "118.800100",
    }
    for item in checklist.items.all():
        data[f"result_{item.pk}"] = "fail" if item.position == fail_position else "pass"
        if item.position == fail_position:
            data[f"note_{item.pk}"] = "健康证过期"
    return data


@pytest.fixture
def cadre_client(client, world):
    client.force_login(world.cadre_user)
    return client


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    """The form's start time is fixed; sign as if shortly after it."""
    import datetime

    from django.utils import timezone

    fixed = datetime.datetime(2026, 11, 25, 0, 40, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)


def test_my_entities_shows_the_quarter_state(cadre_client, world):
    """Guaranteed since January and never visited: last quarter was missed too, so it is overdue."""
    page = cadre_client.get(reverse("visits:mine"))
    assert page.status_code == 200
    assert world.entity.name in page.content.decode()
    assert page.context["counts"] == {"due": 0, "done": 0, "overdue": 1}
    page = cadre_client.get(reverse("visits:mine") + "?quarter=2026Q1")
    assert page.context["counts"] == {"due": 1, "done": 0, "overdue": 0}


def test_visit_form_signs_with_photo_and_opens_a_problem(cadre_client, world):
    form = cadre_client.get(reverse("visits:visit_new", args=[world.entity.pk]))
    assert form.status_code == 200
    checklist = form.context["checklist"]
    item = checklist.items.get(position=6)
    data = _form(world, checklist, fail_position=6) | {f"photo_{item.pk}": photo()}
    response = cadre_client.post(reverse("visits:visit_new", args=[world.entity.pk]), data)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("visits:visit_detail", args=[visit.pk])
    answer = visit.answers.get(item=item)
    assert answer.result == Answer.Result.FAIL and answer.attachments.count() == 1
    assert Problem.objects.get().entity == world.entity
    assert visit.distance_m is not None and visit.distance_m < 100 and visit.needs_review is False
    detail = cadre_client.get(response.url)
    assert "健康证过期" in detail.content.decode()


def test_resent_visit_returns_the_stored_one_as_json(cadre_client, world):
    checklist = services.current_checklist(world.entity)
    url = reverse("visits:visit_new", args=[world.entity.pk])
    first = cadre_client.post(url, _form(world, checklist), HTTP_ACCEPT="application/json")
    second = cadre_client.post(url, _form(world, checklist), HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert json.loads(first.content)["id"] == json.loads(second.content)["id"]
    assert Visit.objects.count() == 1


def test_bad_visit_is_refused_with_messages_and_nothing_stored(cadre_client, world):
    checklist = services.current_checklist(world.entity)
    data = _form(world, checklist, name="李四")
    del data[f"result_{checklist.items.first().pk}"]
    response = cadre_client.post(
        reverse("visits:visit_new", args=[world.entity.pk]), data, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 422
    errors = json.loads(response.content)["errors"]
    assert any("张建国" in e for e in errors) and any("未作答" in e for e in errors)
    assert Visit.objects.count() == 0 and Answer.objects.count() == 0


def test_other_entities_have_no_visit_form(client, world, make_user):
    other = make_user("cadre", "370725001001")
    client.force_login(other)
    assert client.get(reverse("visits:visit_new", args=[world.entity.pk])).status_code == 404


def test_signed_visit_takes_addenda_only(cadre_client, world):
    checklist = services.current_checklist(world.entity)
    cadre_client.post(reverse("visits:visit_new", args=[world.entity.pk]), _form(world, checklist))
    visit = Visit.objects.get()
    response = cadre_client.post(reverse("visits:visit_detail", args=[visit.pk]), {"text": "补记：陪同人员王五"})
    assert response.status_code == 302
    assert Addendum.objects.get(visit=visit).text == "补记：陪同人员王五"
    visit.refresh_from_db()
    assert visit.inspectors == ""


def test_evidence_then_close_through_the_pages(client, world):
    checklist = services.current_checklist(world.entity)
    client.force_login(world.cadre_user)
    client.post(reverse("visits:visit_new", args=[world.entity.pk]), _form(world, checklist, fail_position=6))
    problem = Problem.objects.get()
    client.force_login(world.enterprise)
    page = client.get(reverse("visits:problem_detail", args=[problem.pk]))
    assert page.context["can_submit"] and not page.context["can_verify"]
    client.post(
        reverse("visits:problem_evidence", args=[problem.pk]), {"note": "已办理健康证", "files": [photo("cert.jpg")]}
    )
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SUBMITTED
    client.force_login(world.cadre_user)
    assert world.cadre_user.notifications.filter(text__contains=world.entity.name).exists()
    client.post(reverse("visits:problem_close", args=[problem.pk]), {"note": "现场核验"})
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED


def test_enterprise_sees_only_a_shown_copy_of_photos(client, world):
    checklist = services.current_checklist(world.entity)
    item = checklist.items.get(position=6)
    client.force_login(world.cadre_user)
    data = _form(world, checklist, fail_position=6) | {f"photo_{item.pk}": photo()}
    client.post(reverse("visits:visit_new", args=[world.entity.pk]), data)
    attachment = Visit.objects.get().answers.get(item=item).attachments.get()
    url = reverse("visits:attachment", args=[attachment.pk])
    assert client.get(url + "?original=1").status_code == 200
    client.force_login(world.enterprise)
    assert client.get(url).status_code == 200
    assert client.get(url + "?original=1").status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_coverage_counts_the_visit(client, world):
    checklist = services.current_checklist(world.entity)
    client.force_login(world.cadre_user)
    client.post(reverse("visits:visit_new", args=[world.entity.pk]), _form(world, checklist))
    client.force_login(world.county_admin)
    page = client.get(reverse("visits:coverage") + "?quarter=2026Q4")
    assert page.context["total"]["due"] == 1 and page.context["total"]["visited"] == 1
    assert list(page.context["idle"]) == []
    client.force_login(world.enterprise)
    assert client.get(reverse("visits:coverage")).status_code == 403


def test_problem_ledger_downloads(client, world):
    checklist = services.current_checklist(world.entity)
    client.force_login(world.cadre_user)
    client.post(reverse("visits:visit_new", args=[world.entity.pk]), _form(world, checklist, fail_position=6))
    client.force_login(world.county_admin)
    response = client.get(reverse("visits:problem_export") + "?status=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(action="problem.export", actor=world.county_admin).exists()


def test_admin_saves_an_edited_checklist_as_a_new_version(client, world):
    default = Checklist.objects.get(kind="catering", region__isnull=True, version=1)
    client.force_login(world.county_admin)
    lines = "主体责任 | 重点项 | 配备食品安全员 | 查看任命文件\n环境卫生 | 一般项 | 后厨整洁 |"
    response = client.post(
        reverse("visits:checklist_detail", args=[default.pk]), {"title": "昌乐县餐饮检查表", "items": lines}
    )
    new = Checklist.objects.get(region_id="370725")
    assert response.status_code == 302 and new.version == 2  # numbered on from the default it edits
    assert [i.severity for i in new.items.all()] == ["key", "general"]
    assert services.current_checklist(world.entity) == new
    bad = client.post(reverse("visits:checklist_detail", args=[default.pk]), {"title": "x", "items": "只有类别"})
    assert bad.status_code == 200 and Checklist.objects.filter(region_id="370725").count() == 1


def test_enterprise_lands_on_its_problems(client, world):
    client.force_login(world.enterprise)
    response = client.get(reverse("visits:mine"))
    assert response.status_code == 302 and response.url == reverse("visits:problems")
