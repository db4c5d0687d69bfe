"""The pages: scheduling through the form, the timed paper and its result, scoping, the xlsx export."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shian.core.models import AuditEntry
from shian.knowledge import services
from shian.knowledge.models import Attempt, KnowledgeTest

from .conftest import BAODU, client_for, general_bank, schedule


@pytest.fixture
def test(world):
    general_bank(12)
    return schedule(world.county, entities=[world.restaurant, world.eatery], question_count=5)


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_station_schedules_through_the_form(world):
    general_bank(12)
    station = client_for(world.station)
    assert station.get("/knowledge/tests/new/").status_code == 200
    now = timezone.now()
    form = {
        "title": "宝都街道餐饮抽考",
        "opens_at": local(now),
        "closes_at": local(now + datetime.timedelta(days=2)),
        "duration_minutes": "30",
        "question_count": "5",
        "pass_mark": "80",
        "selection": "chosen",
    }
    found = station.post("/knowledge/tests/new/", {**form, "q": "老王", "action": "search"})
    assert found.status_code == 200
    assert f'value="{world.restaurant.pk}"' in found.content.decode()
    assert (
        "乔官小吃店"
        not in station.post("/knowledge/tests/new/", {**form, "q": "小吃", "action": "search"}).content.decode()
    )
    r = station.post("/knowledge/tests/new/", {**form, "entity": [str(world.restaurant.pk)], "action": "schedule"})
    assert r.status_code == 302
    test = KnowledgeTest.objects.get(title="宝都街道餐饮抽考")
    assert r["Location"] == f"/knowledge/tests/{test.pk}/" and test.region_id == BAODU
    assert list(test.targets.values_list("entity_id", flat=True)) == [world.restaurant.pk]
    # another township's entity posted by hand: 404, nothing scheduled
    sneaky = station.post("/knowledge/tests/new/", {**form, "title": "越权", "entity": [str(world.eatery.pk)],
                                                     "action": "schedule"})  # fmt: skip
    assert sneaky.status_code == 404 and not KnowledgeTest.objects.filter(title="越权").exists()
    bad = station.post("/knowledge/tests/new/", {**form, "selection": "random", "action": "schedule"})
    assert bad.status_code == 422 and "随机抽取须填写抽取主体数" in bad.content.decode()


def test_enterprise_and_other_roles_cannot_schedule(world):
    for user in (world.officer, world.cadre, world.auditor):
        assert client_for(user).get("/knowledge/tests/new/").status_code == 403


def test_enterprise_takes_the_test_on_one_page(world, test):
    officer = client_for(world.officer)
    home = officer.get("/knowledge/").content.decode()
    assert "2026 年第一次监督抽考" in home and 'data-testid="pending-' in home
    intro = officer.get(f"/knowledge/tests/{test.pk}/")
    assert intro.status_code == 200 and 'data-testid="start-attempt"' in intro.content.decode()
    r = officer.post(f"/knowledge/tests/{test.pk}/start/")
    attempt = Attempt.objects.get(test=test, user=world.officer)
    assert r["Location"] == f"/knowledge/attempts/{attempt.pk}/"
    page = officer.get(r["Location"]).content.decode()
    assert page.count('class="card k-question"') == 5
    assert 'id="countdown"' in page and "knowledge/take.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # CSP: no inline scripts
    assert "正确答案" not in page
    # autosave one answer, then hand in the rest through the form
    first = attempt.paper[0]
    saved = officer.post(f"/knowledge/attempts/{attempt.pk}/save/", {f"q_{first['id']}": first["answer"][0]})
    assert saved.status_code == 200 and saved.json()["ok"]
    attempt.refresh_from_db()
    assert attempt.answers == {str(first["id"]): first["answer"][0]}
    answers = {f"q_{q['id']}": list(q["answer"]) for q in attempt.paper}
    r = officer.post(f"/knowledge/attempts/{attempt.pk}/", answers)
    assert r.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == attempt.max_score == 5
    result = officer.get(f"/knowledge/attempts/{attempt.pk}/").content.decode()
    assert 'data-testid="result-verdict">合格' in result and "得分 5 / 5（100.0%）" in result
    assert "抽考截止后可查看每题对错和正确答案" in result  # the test is still open: no answers shown
    mine = officer.get("/knowledge/").content.decode()
    assert 'data-testid="no-pending"' in mine and "得分 5 / 5" in mine


def test_an_expired_paper_is_shown_handed_in(world, test, monkeypatch):
    attempt = services.start_attempt(actor=world.officer, test=test)
    later = timezone.now() + datetime.timedelta(minutes=45)
    monkeypatch.setattr(timezone, "now", lambda: later)
    officer = client_for(world.officer)
    r = officer.post(f"/knowledge/attempts/{attempt.pk}/", {f"q_{attempt.paper[0]['id']}": "A"})
    assert r.status_code == 302
    page = officer.get(f"/knowledge/attempts/{attempt.pk}/").content.decode()
    assert "答题时间已到，本次提交未被接受" in page and "超时自动交卷" in page
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.answers == {}


def test_scoping_outsider_404_and_enterprise_sees_only_its_own(world, test):
    attempt = services.start_attempt(actor=world.officer, test=test)
    assert client_for(world.outsider).get(f"/knowledge/tests/{test.pk}/").status_code == 404
    assert client_for(world.outsider).get(f"/knowledge/attempts/{attempt.pk}/").status_code == 404
    assert client_for(world.outside_officer).get(f"/knowledge/tests/{test.pk}/").status_code == 404
    # a colleague of the same entity does not see the officer's paper; a cadre sees no test at all
    assert client_for(world.boss).get(f"/knowledge/attempts/{attempt.pk}/").status_code == 404
    assert client_for(world.cadre).get(f"/knowledge/tests/{test.pk}/").status_code == 404
    assert client_for(world.boss).post(f"/knowledge/attempts/{attempt.pk}/save/", {}).status_code == 404
    # the station of 宝都街道 sees the county's test (it covers its entity) but only its township's people
    station = client_for(world.station).get(f"/knowledge/tests/{test.pk}/").content.decode()
    assert "宝都老王饭店" in station and "乔官小吃店" not in station
    assert 'data-testid="cancel-test"' not in station  # organised by the county: the station cannot cancel it
    county = client_for(world.county).get(f"/knowledge/tests/{test.pk}/").content.decode()
    assert "乔官小吃店" in county and 'data-testid="cancel-test"' in county
    # the regulator reading a paper in scope
    assert client_for(world.station).get(f"/knowledge/attempts/{attempt.pk}/").status_code == 200


def test_results_page_and_export(world, test):
    attempt = services.start_attempt(actor=world.officer, test=test)
    services.submit_attempt(
        actor=world.officer, attempt=attempt, answers={str(q["id"]): q["answer"] for q in attempt.paper}
    )
    page = client_for(world.county).get(f"/knowledge/tests/{test.pk}/").content.decode()
    assert re.search(r'data-testid="kpi-taken">1<', page) and re.search(r'data-testid="kpi-eligible">4<', page)
    r = client_for(world.county).get(f"/knowledge/tests/{test.pk}/export.xlsx")
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(r.streaming_content)))
    assert book.sheet_names == ["按乡镇汇总", "人员明细"]
    summary = book.get_sheet_by_name("按乡镇汇总").to_python()
    assert summary[1][:3] == ["乡镇（街道）", "区划代码", "抽考主体"]
    assert summary[2][:7] == ["宝都街道", BAODU, 1, 3, 1, 1, 0] and summary[2][8] == 100
    assert summary[4][0] == "合计" and summary[4][2:6] == [2, 4, 1, 1]
    people = book.get_sheet_by_name("人员明细").to_python()
    assert len(people) == 1 + 4 and any(row[4] == "officer" and row[6] == "已交卷" for row in people)
    assert AuditEntry.objects.filter(action="knowledge.export", object_id=str(test.pk)).exists()
    assert client_for(world.officer).get(f"/knowledge/tests/{test.pk}/export.xlsx").status_code == 403


def test_cancel_by_the_organiser(world, test):
    county = client_for(world.county)
    assert county.post(f"/knowledge/tests/{test.pk}/cancel/").status_code == 302
    test.refresh_from_db()
    assert test.cancelled_at is not None
    assert "已取消" in client_for(world.officer).get(f"/knowledge/tests/{test.pk}/").content.decode()


def test_other_roles_see_an_explanation(world):
    page = client_for(world.cadre).get("/knowledge/")
    assert page.status_code == 200 and "您的角色不参与抽考" in page.content.decode()
    assert client_for(world.county).get("/").status_code == 200
    assert "/knowledge/" in client_for(world.county).get("/").content.decode()  # in the navigation
