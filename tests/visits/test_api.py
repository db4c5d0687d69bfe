"""The visit loop over /api/v1/visits, as the native app and the mini-program use it."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from shian.accounts import services as account_services
from shian.accounts.models import Role
from shian.baobao.models import Cadre
from shian.entities.models import Entity
from shian.visits import services
from shian.visits.models import Attachment, Problem, Visit

from .conftest import VILLAGE, answers_for, guarantee, photo, sign

API = "/api/v1/visits"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def app(world):
    """The cadre's phone: a bearer token issued by the county, as the mini-program holds it."""
    _token, key = account_services.create_api_token(actor=world.county_admin, account=world.cadre_user, name="小程序")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def upload(client, **kwargs):
    r = client.post(f"{API}/attachments", {"file": photo(**kwargs)})
    assert r.status_code == 201, r.content
    return r.json()


def visit_body(world, *, fail=None, attachments=None, key=None, **extra):
    checklist = services.current_checklist(world.entity)
    started = timezone.now() - datetime.timedelta(minutes=20)
    return {
        "entity_id": world.entity.pk,
        "client_key": str(key or uuid.uuid4()),
        "checklist_id": checklist.pk,
        "answers": answers_for(checklist, fail, attachments),
        "signer_name": world.cadre.name,
        "started_at": started.isoformat(),
        "mode": "on_site",
        "summary": "后厨整洁，留样记录缺失。",
        "latitude": 36.7001,
        "longitude": 118.8001,
        **extra,
    }


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_cadre_signs_a_visit_with_a_photo_and_a_retry_returns_the_same_visit(world, app):
    mine = app.get(f"{API}/mine")
    assert mine.status_code == 200
    [row] = mine.json()["items"]
    assert row["entity_id"] == world.entity.pk and row["state"] in ("due", "overdue")
    assert row["open_problems"] is False

    context = app.get(f"{API}/entities/{world.entity.pk}/context").json()
    assert context["checklist"]["items"] and context["visits"] == [] and context["problems"] == []

    picture = upload(app)
    assert picture["content_type"] == "image/jpeg" and picture["size"] > 0
    body = visit_body(world, fail={3: "未见留样记录"}, attachments={3: [picture["id"]]})
    assert context["checklist"]["id"] == body["checklist_id"]

    first = post_json(app, f"{API}/visits", body)
    assert first.status_code == 201, first.content
    visit = first.json()
    assert visit["problem_count"] == 1 and visit["signer_name"] == "张建国"
    assert visit["distance_m"] is not None and visit["distance_m"] < 100 and visit["needs_review"] is False
    failed = next(a for a in visit["answers"] if a["position"] == 3)
    assert failed["result"] == "fail" and failed["attachment_ids"] == [picture["id"]]
    [problem] = visit["problems"]
    assert problem["status"] == "open"
    assert Problem.objects.get().description.endswith("未见留样记录")
    assert Attachment.objects.get(pk=picture["id"]).answer.visit_id == visit["id"]

    retry = post_json(app, f"{API}/visits", body)
    assert retry.status_code == 200
    assert retry.json() == visit
    assert Visit.objects.count() == 1 and Problem.objects.count() == 1

    [row] = app.get(f"{API}/mine").json()["items"]
    assert row["state"] == "done" and row["open_problems"] is True
    context = app.get(f"{API}/entities/{world.entity.pk}/context").json()
    assert [v["id"] for v in context["visits"]] == [visit["id"]]
    assert [p["id"] for p in context["problems"]] == [problem["id"]]


def test_a_signed_visit_is_locked_and_corrected_only_by_addenda(world, app):
    visit = post_json(app, f"{API}/visits", visit_body(world)).json()
    url = f"{API}/visits/{visit['id']}"
    for method in ("put", "patch", "delete"):
        r = getattr(app, method)(url, {"summary": "改过了", "signer_name": "别人"}, content_type="application/json")
        assert r.status_code == 405, method
    assert app.get(url).json() == visit
    stored = Visit.objects.get()
    assert stored.summary == "后厨整洁，留样记录缺失。" and stored.signer_name == "张建国"

    operations = app.get("/api/v1/openapi.json").json()["paths"]["/api/v1/visits/visits/{pk}"]
    assert set(operations) == {"get"}

    r = post_json(app, f"{url}/addenda", {"text": "陪同人员漏填：李四"})
    assert r.status_code == 201
    assert [a["text"] for a in app.get(url).json()["addenda"]] == ["陪同人员漏填：李四"]
    assert post_json(client_for(world.enterprise), f"{url}/addenda", {"text": "不对"}).status_code == 403


def test_problem_goes_from_evidence_through_return_to_closure(world, app):
    other = Entity.objects.create(name="隔壁超市", region_id=VILLAGE, business_type="sales")
    guarantee(other, world.cadre)
    sign(world, fail={1: "未配备食品安全员"})
    other_visit, _ = services.sign_visit(
        actor=world.cadre_user, entity=other, client_key=uuid.uuid4(),
        checklist_id=services.current_checklist(other).pk,
        answers=answers_for(services.current_checklist(other), {2: "无制度"}), signer_name="张建国",
        started_at=timezone.now() - datetime.timedelta(minutes=15),
    )  # fmt: skip
    boss = client_for(world.enterprise)

    listed = boss.get(f"{API}/problems").json()["items"]
    assert [p["entity_id"] for p in listed] == [world.entity.pk]
    problem_id = listed[0]["id"]
    foreign = Problem.objects.get(visit=other_visit).pk
    assert boss.get(f"{API}/problems/{foreign}").status_code == 404
    assert post_json(boss, f"{API}/problems/{foreign}/evidence", {"note": "已整改"}).status_code == 404
    assert boss.get(f"{API}/visits/{other_visit.pk}").status_code == 404
    assert {p["entity_id"] for p in app.get(f"{API}/problems?mine=true").json()["items"]} == {
        world.entity.pk,
        other.pk,
    }

    evidence = upload(boss)
    r = post_json(boss, f"{API}/problems/{problem_id}/evidence", {"note": "已任命", "attachment_ids": [evidence["id"]]})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    assert r.json()["events"][-1]["attachment_ids"] == [evidence["id"]]
    assert post_json(boss, f"{API}/problems/{problem_id}/close", {}).status_code == 403

    r = post_json(app, f"{API}/problems/{problem_id}/return", {"reason": "  "})
    assert r.status_code == 422
    assert r.json()["message"] == "退回须说明理由。"
    assert r.json()["errors"] == [{"field": "reason", "message": "退回须说明理由。"}]
    r = post_json(app, f"{API}/problems/{problem_id}/return", {"reason": "照片看不清任命文件"})
    assert r.status_code == 200 and r.json()["status"] == "open"

    assert boss.get(f"{API}/problems?status=open").json()["count"] == 1
    post_json(boss, f"{API}/problems/{problem_id}/evidence", {"note": "重新拍摄任命文件"})
    r = post_json(app, f"{API}/problems/{problem_id}/close", {"note": "核验属实"})
    assert r.status_code == 200
    closed = r.json()
    assert closed["status"] == "closed" and closed["closed_at"]
    assert [e["kind"] for e in closed["events"]] == ["evidence", "returned", "evidence", "closed"]
    assert boss.get(f"{API}/problems?status=unclosed").json()["count"] == 0
    r = post_json(boss, f"{API}/problems/{problem_id}/evidence", {"note": "再交一次"})
    assert r.status_code == 422 and r.json()["message"] == "该问题已销号。"


def test_outsider_sees_no_visit_problem_or_entity(world, app):
    visit, _ = sign(world, fail={2: "制度未落实"})
    problem = Problem.objects.get()
    outsider = client_for(world.outsider)
    assert outsider.get(f"{API}/visits/{visit.pk}").status_code == 404
    assert outsider.get(f"{API}/problems/{problem.pk}").status_code == 404
    assert post_json(outsider, f"{API}/visits/{visit.pk}/addenda", {"text": "x"}).status_code == 404
    assert post_json(outsider, f"{API}/problems/{problem.pk}/close", {}).status_code == 404
    assert outsider.get(f"{API}/visits").json()["count"] == 0
    assert outsider.get(f"{API}/problems").json()["count"] == 0
    assert outsider.get(f"{API}/entities/{world.entity.pk}/context").status_code == 404
    r = outsider.get(f"{API}/visits/{visit.pk}")
    assert r.json() == {"message": "未找到该记录，或不在您的管辖范围内。", "errors": []}
    county = client_for(world.county_admin)
    assert county.get(f"{API}/visits/{visit.pk}").status_code == 200
    assert county.get(f"{API}/problems/{problem.pk}").status_code == 200


def test_cadre_cannot_sign_for_an_entity_outside_scope_or_not_guaranteed(world, app):
    elsewhere = Entity.objects.create(name="博山小吃", region_id="370304001", business_type="catering")
    r = post_json(app, f"{API}/visits", {**visit_body(world), "entity_id": elsewhere.pk})
    assert r.status_code == 404
    unguaranteed = Entity.objects.create(name="站前面馆", region_id=VILLAGE, business_type="catering")
    r = post_json(app, f"{API}/visits", {**visit_body(world), "entity_id": unguaranteed.pk})
    assert r.status_code == 403
    assert app.get(f"{API}/entities/{unguaranteed.pk}/context").status_code == 404
    assert Visit.objects.count() == 0


def test_signer_name_must_be_the_cadres_own(world, app):
    r = post_json(app, f"{API}/visits", visit_body(world, signer_name="李四"))
    assert r.status_code == 422
    body = r.json()
    assert [e["field"] for e in body["errors"]] == ["signer_name"]
    assert "张建国" in body["message"]
    assert Visit.objects.count() == 0


def test_started_at_must_carry_a_time_zone(world, app):
    naive = (timezone.now() - datetime.timedelta(minutes=20)).replace(tzinfo=None).isoformat()
    r = post_json(app, f"{API}/visits", visit_body(world, started_at=naive))
    assert r.status_code == 422
    assert any(e["field"].endswith("started_at") for e in r.json()["errors"])
    assert Visit.objects.count() == 0


def test_an_attachment_uploaded_by_someone_else_cannot_be_claimed(world, app):
    borrowed = upload(client_for(world.enterprise))
    r = post_json(app, f"{API}/visits", visit_body(world, fail={4: "证照过期"}, attachments={4: [borrowed["id"]]}))
    assert r.status_code == 422
    assert "不是您上传的" in r.json()["message"]
    assert Visit.objects.count() == 0 and Problem.objects.count() == 0
    attachment = Attachment.objects.get(pk=borrowed["id"])
    assert attachment.answer_id is None and attachment.event_id is None


def test_uploads_are_checked_by_content(world, app):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("menu.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    r = app.post(f"{API}/attachments", {"file": fake})
    assert r.status_code == 422 and "menu.jpg" in r.json()["message"]
    pdf = SimpleUploadedFile("licence.pdf", b"%PDF-1.4 a licence", content_type="application/pdf")
    r = app.post(f"{API}/attachments?allow_pdf=true", {"file": pdf})
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
    mine = upload(app)
    download = app.get(f"{API}/attachments/{mine['id']}")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert client_for(world.enterprise).get(f"{API}/attachments/{mine['id']}").status_code == 404


def test_invalid_quarter_is_422_naming_the_field(world, app):
    for url in (f"{API}/mine?quarter=2026Q5", f"{API}/visits?quarter=abc", f"{API}/mine?quarter=0000Q1"):
        r = app.get(url)
        assert r.status_code == 422, url
        assert r.json()["errors"][0]["field"] == "quarter"
    county = client_for(world.county_admin)
    assert county.get(f"{API}/coverage?quarter=9999Q4").status_code == 422
    sign(world)
    quarter = timezone.localdate()
    assert county.get(f"{API}/visits?quarter={quarter.year}-{(quarter.month - 1) // 3 + 1}").json()["count"] == 1


def test_coverage_is_for_regulators_not_enterprises(world, app):
    sign(world)
    idle = Cadre.objects.create(name="王五", level="village", region_id=VILLAGE)
    guarantee(Entity.objects.create(name="乔官粮油店", region_id=VILLAGE, business_type="sales"), idle)

    r = client_for(world.enterprise).get(f"{API}/coverage")
    assert r.status_code == 403 and r.json()["message"]

    r = client_for(world.county_admin).get(f"{API}/coverage?region=370725")
    assert r.status_code == 200
    data = r.json()
    assert data["total"]["due"] == 2 and data["total"]["visited"] == 1 and data["total"]["rate"] == 50
    assert data["areas"] == [
        {"code": "370725001", "name": "宝都街道", "due": 2, "visited": 1, "missed": 1, "overdue": 0, "rate": 50}
    ]
    assert data["visits"] == 1 and data["cadres_without_visits"] == 1
    assert client_for(world.outsider).get(f"{API}/coverage?region=370725").status_code == 404


def test_checklists_are_versioned_by_administrators(world, app, make_user):
    county = client_for(world.county_admin)
    listed = county.get(f"{API}/checklists").json()
    assert listed["count"] >= 6
    catering = next(c for c in listed["items"] if c["kind"] == "catering" and c["region_code"] is None)
    detail = county.get(f"{API}/checklists/{catering['id']}").json()
    assert detail["items"][0]["position"] == 1

    body = {
        "kind": "catering",
        "region_code": "370725",
        "title": "昌乐县餐饮包保督导检查表",
        "note": "增加燃气安全检查",
        "items": [
            {"category": "主体责任", "text": "配备食品安全员", "severity": "key"},
            {"category": "燃气安全", "text": "燃气报警器正常", "guidance": "现场测试"},
        ],
    }
    r = post_json(county, f"{API}/checklists", body)
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["version"] > catering["version"] and created["region_code"] == "370725"
    assert [i["severity"] for i in created["items"]] == ["key", "general"]
    context = app.get(f"{API}/entities/{world.entity.pk}/context").json()
    assert context["checklist"]["id"] == created["id"]

    assert post_json(app, f"{API}/checklists", body).status_code == 403
    r = post_json(county, f"{API}/checklists", {**body, "items": [{"category": "  ", "text": "x"}]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items"
    assert post_json(county, f"{API}/checklists", {**body, "region_code": None}).status_code == 403
    other = make_user(Role.CITY_ADMIN, "3703")
    assert client_for(other).get(f"{API}/checklists/{created['id']}").status_code == 404
