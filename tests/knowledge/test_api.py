"""/api/v1/knowledge as the app uses it: schedule, list, start, save, submit, results."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from shian.accounts.models import Role
from shian.knowledge.models import Question

from .conftest import BAODU, QIAOGUAN, client_for, general_bank, row, schedule, xlsx

API = "/api/v1/knowledge"


def post_json(client, url, body=None, method="post"):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_happy_path(world):
    general_bank(12)
    station, county = client_for(world.station), client_for(world.county)
    now = timezone.now()
    body = {
        "title": "API 抽考",
        "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=1)).isoformat(),
        "duration_minutes": 20,
        "question_count": 4,
        "pass_mark": 75,
        "target_roles": ["safety_officer"],
        "entity_ids": [world.restaurant.pk],
    }
    r = post_json(station, f"{API}/tests", body)
    assert r.status_code == 201, r.content
    test = r.json()
    assert test["region_code"] == BAODU and test["state"] == "open" and test["target_roles"] == ["safety_officer"]

    officer = client_for(world.officer)
    listed = officer.get(f"{API}/tests").json()
    assert [t["id"] for t in listed["items"]] == [test["id"]]
    assert client_for(world.boss).get(f"{API}/tests").json()["count"] == 0  # not in a targeted post

    r = officer.post(f"{API}/tests/{test['id']}/attempts")
    assert r.status_code == 201, r.content
    paper = r.json()
    assert len(paper["questions"]) == 4 and 0 < paper["seconds_left"] <= 20 * 60
    assert all(q["answer"] is None and q["explanation"] is None for q in paper["questions"])  # no answers sent
    assert officer.post(f"{API}/tests/{test['id']}/attempts").status_code == 200  # the same paper again

    questions = {q["id"]: q for q in paper["questions"]}
    truth = dict(Question.objects.filter(pk__in=questions).values_list("pk", "answer"))
    first = paper["questions"][0]["id"]
    saved = post_json(officer, f"{API}/attempts/{paper['id']}/answers", {"answers": [
        {"question_id": first, "answer": truth[first]}]}, method="put")  # fmt: skip
    assert saved.status_code == 200 and saved.json()["answers"] == {str(first): truth[first]}
    bad = post_json(officer, f"{API}/attempts/{paper['id']}/answers", {"answers": [
        {"question_id": 999999, "answer": "A"}]}, method="put")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["message"] == "题目 999999 不在本试卷中。"

    answers = [{"question_id": pk, "answer": truth[pk]} for pk in questions][:3]  # one left unanswered
    r = post_json(officer, f"{API}/attempts/{paper['id']}/submit", {"answers": answers})
    assert r.status_code == 200, r.content
    done = r.json()
    assert (done["score"], done["max_score"], done["percent"], done["passed"]) == (3, 4, 75.0, True)
    assert all(q["answer"] is None for q in done["questions"])  # still hidden while the test is open
    again = post_json(officer, f"{API}/attempts/{paper['id']}/submit", {"answers": answers})
    assert again.status_code == 422

    results = county.get(f"{API}/tests/{test['id']}/results").json()
    assert results["total"]["targeted"] == 1 and results["total"]["eligible"] == 1
    assert results["total"]["taken"] == 1 and results["total"]["pass_rate"] == 100.0
    assert results["townships"][0]["code"] == BAODU and results["townships"][0]["name"] == "宝都街道"
    graded = county.get(f"{API}/attempts/{paper['id']}").json()
    assert all(q["answer"] is not None for q in graded["questions"])  # the regulator sees the marking
    assert county.get(f"{API}/attempts?test_id={test['id']}").json()["count"] == 1


def test_scoping_over_the_api(world):
    general_bank(12)
    test = schedule(world.county, entities=[world.restaurant, world.eatery], question_count=3)
    attempt = client_for(world.officer).post(f"{API}/tests/{test.pk}/attempts").json()
    outsider = client_for(world.outsider)
    assert outsider.get(f"{API}/tests/{test.pk}").status_code == 404
    assert outsider.get(f"{API}/tests/{test.pk}/results").status_code == 404
    assert outsider.get(f"{API}/attempts/{attempt['id']}").status_code == 404
    assert outsider.get(f"{API}/tests").json()["count"] == 0
    assert client_for(world.boss).get(f"{API}/attempts/{attempt['id']}").status_code == 404
    assert client_for(world.outside_officer).post(f"{API}/tests/{test.pk}/attempts").status_code == 404
    station = client_for(world.station).get(f"{API}/tests/{test.pk}/results").json()
    assert [t["code"] for t in station["townships"]] == [BAODU]
    county = client_for(world.county).get(f"{API}/tests/{test.pk}/results").json()
    assert [t["code"] for t in county["townships"]] == [BAODU, QIAOGUAN]
    assert client_for(world.officer).get(f"{API}/tests/{test.pk}/results").status_code == 403
    assert client_for(world.officer).get(f"{API}/questions").status_code == 403
    assert Client().get(f"{API}/tests").status_code == 401


def test_random_schedule_and_bad_requests(world):
    general_bank(12)
    county = client_for(world.county)
    now = timezone.now()
    body = {
        "title": "随机抽考",
        "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(days=1)).isoformat(),
        "sample_size": 2,
        "business_types": ["catering"],
    }
    r = post_json(county, f"{API}/tests", body)
    assert r.status_code == 201 and r.json()["selection"] == "random" and r.json()["sample_size"] == 2
    r = post_json(county, f"{API}/tests", {**body, "sample_size": 5})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sample_size"
    r = post_json(county, f"{API}/tests", {**body, "closes_at": "9999-12-31T23:59:00-23:59"})
    assert r.status_code == 422
    r = post_json(county, f"{API}/tests", {**body, "opens_at": "2026-03-01T08:00:00"})  # no time zone
    assert r.status_code == 422
    assert post_json(client_for(world.officer), f"{API}/tests", body).status_code == 403


def test_bank_over_the_api(world):
    county = client_for(world.county)
    listed = county.get(f"{API}/questions?kind=judge").json()
    assert listed["count"] > 0 and all(q["kind"] == "judge" for q in listed["items"])
    good = xlsx([row("单选", "API 导入的题。", ["甲", "乙"], "B", "食品安全员")])
    r = county.post(f"{API}/questions/import", {"file": SimpleUploadedFile("q.xlsx", good)})
    assert r.status_code == 200 and r.json() == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}
    bad = xlsx([row("单选", "API 坏题。", ["甲", "乙"], "E")])
    r = county.post(f"{API}/questions/import", {"file": SimpleUploadedFile("q.xlsx", bad)})
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "row": 2, "column": "答案", "value": "E", "code": "format",
        "message": "第 2 行 I 列“答案”：答案中的 E 没有对应的选项（本题只有 A–B）",
    }  # fmt: skip
    r = county.post(f"{API}/questions/import", {"file": SimpleUploadedFile("q.xlsx", b"garbage")})
    assert r.status_code == 422
    assert (
        client_for(world.station)
        .post(f"{API}/questions/import", {"file": SimpleUploadedFile("q.xlsx", good)})
        .status_code
        == 403
    )


def test_openapi_lists_the_endpoints(db, make_user):
    reader = Client()
    reader.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    paths = reader.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/tests", "/tests/{pk}/attempts", "/attempts/{pk}/submit", "/tests/{pk}/results", "/questions/import"):
        assert f"{API}{path}" in paths


def test_reading_an_expired_paper_writes_nothing_yet_shows_it_handed_in(world):
    from shian.knowledge.models import Attempt

    general_bank(12)
    test = schedule(world.county, entities=[world.restaurant], question_count=3)
    started = client_for(world.officer).post(f"{API}/tests/{test.pk}/attempts")
    assert started.status_code == 201
    Attempt.objects.filter(pk=started.json()["id"]).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    shown = client_for(world.county).get(f"{API}/attempts/{started.json()['id']}").json()
    assert shown["submitted_at"] and shown["auto_submitted"] and shown["score"] == 0 and shown["seconds_left"] == 0
    assert Attempt.objects.get(pk=shown["id"]).submitted_at is None  # the GET stored nothing


def test_starting_twice_is_created_once(world, monkeypatch):
    """The 201/200 comes from the insert itself: a start that loses the race to another tab answers 200."""
    from shian.knowledge import services
    from shian.knowledge.models import Attempt

    general_bank(12)
    test = schedule(world.county, entities=[world.restaurant], question_count=3)
    officer = client_for(world.officer)
    real_filter = Attempt.objects.filter

    def blind_filter(*args, **kwargs):  # the other tab's row is not visible to the first check
        qs = real_filter(*args, **kwargs)
        return qs.none() if kwargs.keys() == {"test", "user"} else qs

    assert officer.post(f"{API}/tests/{test.pk}/attempts").status_code == 201
    monkeypatch.setattr(services.Attempt.objects, "filter", blind_filter)
    assert officer.post(f"{API}/tests/{test.pk}/attempts").status_code == 200
