"""Surveys (docs/surveys.md): the sample-size and weighting arithmetic against hand-computed cases, the plan from the
registry's population, one verified response per phone, the interviewer's path, jurisdiction, the public page without
personal data, the API (rate-limited public submit), the KPIs and the command."""

import datetime
import json
import math
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import Client

from shian.accounts.models import Role
from shian.core import sms
from shian.core.kpis import Grouping, kpi
from shian.core.models import AuditEntry, DeadlineRule
from shian.regions.models import Region
from shian.surveys import kpis as survey_kpis
from shian.surveys import maths
from shian.surveys.models import Response, Survey
from shian.surveys.selectors import surveys as selectors
from shian.surveys.services import responses, surveys

pytestmark = pytest.mark.django_db
A, B = "370725001", "370725107"  # 宝都街道, 乔官镇
QUESTIONS = [{"text": "总体满意吗", "options": [{"text": s, "score": s} for s in (100, 80, 60, 40)]}]


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


@pytest.fixture
def survey(admin):
    Region.objects.filter(code=A).update(population=6000)
    Region.objects.filter(code=B).update(population=4000)
    s = surveys.create_survey(actor=admin, region_code="370725", kind="satisfaction", title="2026年满意度调查",
                              period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
                              questions=QUESTIONS)  # fmt: skip
    surveys.make_plan(actor=admin, survey=s)
    return surveys.set_status(actor=admin, survey=s, status="open")


def _option(score: int) -> dict:
    return {"1": [100, 80, 60, 40].index(score) + 1}


def _code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1][1]).group(0)


def test_sample_size_against_hand_computation():
    # n0 = 1.96² × 0.5 × 0.5 / 0.05² = 384.16; n = 384.16 / (1 + 383.16 / 10000) = 369.98 → 370
    assert maths.sample_size(10000, 1.96, 0.5, 0.05) == 370
    assert maths.sample_size(10**9, 1.96, 0.5, 0.05) == 385  # no correction left: ⌈384.16⌉
    assert maths.sample_size(100, 1.96, 0.5, 0.05) == 80  # 384.16 / 4.8316 = 79.5 → 80
    assert maths.allocate(370, {A: 6000, B: 4000}) == {A: 222, B: 148}
    assert sum(maths.allocate(7, {"x": 1, "y": 1, "z": 1}).values()) == 7


def test_plan_from_registry_population_and_rules(survey, admin):
    quotas = {s.township_id: (s.population, s.quota) for s in survey.strata.all()}
    assert quotas == {A: (6000, 222), B: (4000, 148)}
    # a wider margin (±10 %): n0 = 96.04, n = 96.04 / (1 + 95.04/10000) = 95.1 → 96, split 58/38
    surveys.make_plan(actor=admin, survey=survey, margin_permille=100)
    assert sorted(survey.strata.values_list("quota", flat=True)) == [38, 58]
    Region.objects.filter(code=B).update(population=None)
    with pytest.raises(ValidationError) as exc:
        surveys.make_plan(actor=admin, survey=survey)
    assert "乔官镇" in str(exc.value) and survey.strata.count() == 2  # nothing replaced
    surveys.make_plan(actor=admin, survey=survey, populations={B: 4000}, margin_permille=50)
    assert survey.strata.get(township_id=B).quota == 148


def test_weighted_mean_and_interval_against_hand_computation(survey, admin):
    for town, scores in ((A, (100, 80, 60)), (B, (100, 100, 40, 60))):
        for s in scores:
            responses.submit_interview(actor=admin, survey=survey, township=town, answers=_option(s))
    out = selectors.results(survey)
    # A: ȳ=80, s²=400, n=3, N=6000; B: ȳ=75, s²=900, n=4, N=4000; W = 0.6 / 0.4
    # ȳ_st = 0.6×80 + 0.4×75 = 78 (unweighted 540/7 = 77.14)
    # var = 0.36×(1−3/6000)×400/3 + 0.16×(1−4/4000)×900/4 = 47.976 + 35.964 = 83.940; ±1.96×√83.940 = ±17.957
    assert out["overall"]["mean"] == 78.0 and out["overall"]["n"] == 7
    assert out["overall"]["low"] == pytest.approx(78 - 17.957, abs=0.01)
    assert out["overall"]["high"] == pytest.approx(78 + 17.957, abs=0.01)
    assert out["overall"]["passed"] is False  # below 80 points: the veto 111 line
    rows = {r["code"]: r for r in out["townships"]}
    assert rows[A]["weight"] == 1.4 and rows[B]["weight"] == 0.7  # (N_h/N)/(n_h/n) = 0.6/(3/7), 0.4/(4/7)
    half_a = 1.96 * math.sqrt((1 - 3 / 6000) * 400 / 3)
    assert rows[A]["mean"] == 80.0 and rows[A]["low"] == pytest.approx(80 - half_a, abs=0.01)
    assert rows[A]["passed"] is True and rows[B]["passed"] is False
    # the KPI registry's county figure is the same post-stratified mean
    parts = survey_kpis.count(prefix="370725", grouping=Grouping(6), as_of=datetime.date(2026, 11, 1))["370725"]
    assert kpi("surveys.satisfaction").value(parts) == 78.0


def test_public_response_needs_a_verified_phone_once_per_survey(survey):
    answers = _option(80)
    with pytest.raises(ValidationError) as exc:
        responses.submit_public(survey=survey, township=A, answers=answers, phone="13800138000", code="")
    assert "未经短信验证" in str(exc.value)
    responses.send_code(survey=survey, phone="13800138000")
    with pytest.raises(ValidationError):
        responses.submit_public(survey=survey, township=A, answers=answers, phone="13800138000", code="000000"
                                if _code() != "000000" else "111111")  # fmt: skip
    assert not Response.objects.exists()
    responses.submit_public(survey=survey, township=A, answers=answers, phone="13800138000", code=_code())
    r = Response.objects.get()
    assert r.mode == "public" and r.interviewer is None and r.score == 80 and len(r.phone_hash) == 64
    assert "13800138000" not in json.dumps(list(Response.objects.values()), default=str) + str(
        list(AuditEntry.objects.values_list("after", flat=True))
    )
    responses.send_code(survey=survey, phone="13800138000")
    with pytest.raises(ValidationError) as exc:
        responses.submit_public(survey=survey, township=A, answers=answers, phone="13800138000", code=_code())
    assert "只能提交一份" in str(exc.value) and Response.objects.count() == 1
    with pytest.raises(ValidationError) as exc:  # a missing answer and a township outside the county
        responses.submit_public(survey=survey, township="370304001", answers={}, phone="13900139000", code="1")
    assert "乡镇" in str(exc.value) and "第 1 题" in str(exc.value)


def test_interviewer_path_and_jurisdiction(survey, make_user):
    cadre = make_user(Role.CADRE, "370725001001")
    r = responses.submit_interview(actor=cadre, survey=survey, township=A, answers=_option(60))
    assert r.mode == "interview" and r.interviewer == cadre and r.phone_hash == ""
    with pytest.raises(ValidationError):  # 乔官镇 is not the cadre's
        responses.submit_interview(actor=cadre, survey=survey, township=B, answers=_option(60))
    with pytest.raises(PermissionDenied):
        responses.submit_interview(actor=make_user(Role.AUDITOR, "370725"), survey=survey, township=A,
                                   answers=_option(60))  # fmt: skip
    outsider = make_user(Role.COUNTY_ADMIN, "370304")
    with pytest.raises(Http404):
        selectors.survey_for(outsider, survey.pk)
    with pytest.raises(Http404):
        surveys.set_status(actor=outsider, survey=survey, status="closed")
    assert selectors.survey_for(make_user(Role.TOWNSHIP_ADMIN, A), survey.pk) == survey
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/api/v1/surveys/surveys/{survey.pk}/results").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/").status_code == 404


def test_public_page_phone_flow_and_no_personal_data(survey, admin):
    responses.submit_interview(actor=admin, survey=survey, township=A, answers=_option(100))
    client = Client()
    page = client.get(f"/surveys/public/{survey.pk}/")
    assert page.status_code == 200 and "宝都街道" in page.content.decode() and "总体满意吗" in page.content.decode()
    refused = client.post(f"/surveys/public/{survey.pk}/", {"township": A, "q1": "2", "phone": "13800138000"})
    assert refused.status_code == 422 and "未经短信验证" in refused.content.decode()
    sent = client.post(f"/surveys/public/{survey.pk}/", {"action": "code", "phone": "13800138000"}, follow=True)
    assert "138****8000" in sent.content.decode()
    done = client.post(f"/surveys/public/{survey.pk}/", {"township": A, "q1": "2", "phone": "13800138000",
                                                          "code": _code()})  # fmt: skip
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    body = client.get(f"/surveys/public/{survey.pk}/").content.decode()
    assert "13800138000" not in body and "138****8000" not in body and admin.username not in body
    assert Response.objects.filter(mode="public").count() == 1
    surveys.set_status(actor=admin, survey=survey, status="closed")
    assert client.get(f"/surveys/public/{survey.pk}/").status_code == 404


def test_staff_pages_and_poster(survey, admin):
    client = Client()
    client.force_login(admin)
    assert "2026年满意度调查" in client.get("/surveys/").content.decode()
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "222" in page and "148" in page and f"/surveys/public/{survey.pk}/" in page
    poster = client.get(f"/surveys/{survey.pk}/poster.pdf")
    assert poster.status_code == 200 and poster.getvalue().startswith(b"%PDF")
    entered = client.post(f"/surveys/{survey.pk}/interview/", {"township": B, "q1": "1"})
    assert entered.status_code == 302 and Response.objects.get().interviewer == admin


def test_api_create_plan_results_and_rate_limited_public_submit(admin, regions):
    Region.objects.filter(code=A).update(population=6000)
    Region.objects.filter(code=B).update(population=4000)
    client = Client()
    client.force_login(admin)
    made = client.post("/api/v1/surveys/surveys", {"region_code": "370725", "kind": "awareness", "title": "知晓率",
                                                   "period_start": "2026-10-01", "period_end": "2026-10-31"},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert len(client.get(f"/api/v1/surveys/surveys/{pk}").json()["questions"]) == 6  # the shipped questionnaire
    plan = client.post(f"/api/v1/surveys/surveys/{pk}/plan", {}, content_type="application/json").json()
    assert {p["township_code"]: p["quota"] for p in plan} == {A: 222, B: 148}
    assert client.post(f"/api/v1/surveys/surveys/{pk}/status", {"status": "open"},
                       content_type="application/json").status_code == 200  # fmt: skip
    answers = {str(i): 1 for i in range(1, 7)}
    got = client.post(f"/api/v1/surveys/surveys/{pk}/responses", {"township_code": A, "answers": answers},
                      content_type="application/json")  # fmt: skip
    assert got.status_code == 201
    assert client.get(f"/api/v1/surveys/surveys/{pk}/results").json()["overall"]["n"] == 1
    bad = client.post("/api/v1/surveys/surveys", {"region_code": "370725", "kind": "awareness", "title": "坏问卷",
                                                  "period_start": "2026-10-01", "period_end": "2026-10-31",
                                                  "questions": [{"text": "题", "options": [{"text": "甲"}, {"text": "乙"}]}]},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "正确选项" in bad.json()["message"]
    DeadlineRule.objects.create(code="surveys.public_per_minute", name="测试", region_prefix="", version=2, unit="n",
                                amount=2, valid_from=datetime.date(2000, 1, 1), source="测试")  # fmt: skip
    cache.clear()
    public = Client()
    url = f"/api/v1/surveys/public/{pk}/responses"
    payload = {"township_code": A, "answers": answers, "phone": "13800138000", "code": ""}
    statuses = [public.post(url, payload, content_type="application/json").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    assert Response.objects.filter(mode="public").count() == 0


def test_load_survey_command(admin, tmp_path, capsys):
    call_command("load_survey", "--region", "370725", "--kind", "satisfaction", "--start", "2026-10-01",
                 "--end", "2026-10-31", "--user", admin.username, "--json")  # fmt: skip
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["kind"] == "satisfaction" and out["questions"] == 5
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "kind": "satisfaction",
                "title": "坏",
                "questions": [{"text": "一", "options": [{"text": "好", "score": 100}, {"text": "差", "score": 120}]}],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="第 1 题第 2 个选项"):
        call_command("load_survey", "--region", "370725", "--file", str(bad), "--start", "2026-10-01",
                     "--end", "2026-10-31", "--user", admin.username)  # fmt: skip
    assert Survey.objects.count() == 1


def test_demo_rounds(admin):
    from shian.demo.surveys import load_surveys

    made = load_surveys(county=Region.objects.get(code="370725"), seed=7, today=datetime.date(2026, 12, 5))
    assert made["satisfaction"] > 1000 and made["awareness"] > 1000  # ±3 % over two townships' synthetic population
    assert set(Survey.objects.values_list("status", flat=True)) == {"closed"}
    for survey in Survey.objects.all():
        out = selectors.results(survey)
        assert out["overall"]["n"] == made[survey.kind] and 50 < out["overall"]["mean"] < 100
        assert out["overall"]["low"] < out["overall"]["mean"] < out["overall"]["high"]
        # one township of the satisfaction round falls below the line, the other passes
        if survey.kind == "satisfaction":
            assert sorted(t["passed"] for t in out["townships"]) == [False, True]
        else:
            assert out["overall"]["passed"]
    assert Response.objects.filter(mode="interview", interviewer=admin).exists()
    assert load_surveys(county=Region.objects.get(code="370725"), seed=7, today=datetime.date(2026, 12, 5)) == {}
