"""Surveys over /api/v1/surveys (docs/surveys.md §5): staff create surveys with their questions, open and close them,
draw the plan, read the results and enter door-to-door responses; the public reads an open survey, asks for a code
and submits one response per phone — the two public operations limited per client address (core.ratelimit)."""

import datetime
from typing import Annotated, Literal

from django.http import JsonResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from shian.accounts.access import ADMINS, ANYONE, REGULATORS
from shian.core import phonecodes
from shian.core.access import access
from shian.core.api_types import Id, RegionCode
from shian.core.ratelimit import over_limit

from ..ruledefs import PUBLIC_PER_MINUTE
from ..selectors import surveys as selectors
from ..services import responses as response_services
from ..services import surveys as services
from ..services.responses import INTERVIEWERS

router = Router()
Text = Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*$")]


class OptionIO(Schema):
    text: Text
    score: int | None = Field(None, ge=0, le=100, description="满意度选项分值 0–100")
    correct: bool = Field(False, description="知晓率题目的正确选项")


class QuestionIO(Schema):
    text: Text
    options: list[OptionIO]


class SurveyIn(Schema):
    region_code: RegionCode
    kind: Literal["satisfaction", "awareness"]
    title: Text
    period_start: datetime.date
    period_end: datetime.date
    margin_permille: int | None = Field(None, ge=1, le=500)
    questions: list[QuestionIO] | None = Field(None, description="不填则使用该类型的默认问卷")


class SurveyOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    kind: str
    title: str
    period_start: datetime.date
    period_end: datetime.date
    status: str
    margin_permille: int | None


class StatusIn(Schema):
    status: Literal["open", "closed"]


class PlanIn(Schema):
    populations: dict[str, int] = Field(default_factory=dict, description="乡镇代码 → 常住人口（覆盖区划库）")
    margin_permille: int | None = Field(None, ge=1, le=500)


class StratumOut(Schema):
    township_code: str = Field(..., alias="township_id")
    population: int
    quota: int


class AnswersIn(Schema):
    township_code: Annotated[str, StringConstraints(max_length=12)]
    answers: dict[str, int] = Field(..., description="题目序号 → 选项序号")


class PublicIn(AnswersIn):
    phone: Annotated[str, StringConstraints(max_length=20)]
    code: Annotated[str, StringConstraints(max_length=10)] = ""


class PhoneIn(Schema):
    phone: Annotated[str, StringConstraints(max_length=20)]


def _questions(survey) -> list[dict]:
    return [{"order": q.order, "text": q.text, "options": [{"order": o.order, "text": o.text}
                                                           for o in q.options.all()]}
            for q in selectors.questionnaire(survey)]  # fmt: skip


def _limited(request):
    wait = over_limit(request, rule=PUBLIC_PER_MINUTE.code, bucket="survey-public")
    if wait:
        response = JsonResponse({"detail": "请求过于频繁，请稍后再试。"}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return None


@router.get("/surveys", response=list[SurveyOut], summary="调查列表（管辖范围内）")
@access(REGULATORS)
def survey_list(request):
    return list(selectors.surveys_for(request.user)[:200])


@router.post("/surveys", response={201: SurveyOut}, summary="创建调查（问卷随附或用默认问卷）")
@access(ADMINS)
def survey_create(request, payload: SurveyIn):
    questions = ([q.dict() for q in payload.questions] if payload.questions is not None
                 else services.default_questionnaire(payload.kind)["questions"])  # fmt: skip
    survey = services.create_survey(actor=request.user, region_code=payload.region_code, kind=payload.kind,
                                    title=payload.title, period_start=payload.period_start,
                                    period_end=payload.period_end, questions=questions,
                                    margin_permille=payload.margin_permille)  # fmt: skip
    return Status(201, survey)


@router.get("/surveys/{pk}", response=dict, summary="调查详情与问卷")
@access(REGULATORS, objects="survey")
def survey_get(request, pk: Id):
    survey = selectors.survey_for(request.user, pk)
    return {**SurveyOut.from_orm(survey).dict(), "questions": _questions(survey)}


@router.post("/surveys/{pk}/status", response=SurveyOut, summary="开始或结束调查")
@access(ADMINS, objects="survey")
def survey_status(request, pk: Id, payload: StatusIn):
    survey = selectors.survey_for(request.user, pk)
    return services.set_status(actor=request.user, survey=survey, status=payload.status)


@router.get("/surveys/{pk}/plan", response=list[StratumOut], summary="抽样方案：各乡镇人口与配额")
@access(REGULATORS, objects="survey")
def plan_get(request, pk: Id):
    return list(selectors.survey_for(request.user, pk).strata.all())


@router.post("/surveys/{pk}/plan", response=list[StratumOut], summary="编制抽样方案（按乡镇人口分层、按比例分配）")
@access(ADMINS, objects="survey")
def plan_make(request, pk: Id, payload: PlanIn):
    survey = selectors.survey_for(request.user, pk)
    return services.make_plan(actor=request.user, survey=survey, populations=payload.populations,
                              margin_permille=payload.margin_permille)  # fmt: skip


@router.get("/surveys/{pk}/results", response=dict, summary="加权结果与 95% 置信区间（各乡镇与总体）")
@access(REGULATORS, objects="survey")
def results(request, pk: Id):
    return selectors.results(selectors.survey_for(request.user, pk))


@router.post("/surveys/{pk}/responses", response={201: dict}, summary="录入入户调查答卷（调查员）")
@access(frozenset(INTERVIEWERS), objects="survey")
def interview(request, pk: Id, payload: AnswersIn):
    survey = selectors.survey_for(request.user, pk)
    r = response_services.submit_interview(actor=request.user, survey=survey, township=payload.township_code,
                                           answers=payload.answers)  # fmt: skip
    return Status(201, {"id": r.id, "score": r.score})


@router.get("/public/{pk}", response=dict, auth=None, summary="公开问卷（进行中的调查，无需登录）")
@access(ANYONE, objects="survey")
def public_get(request, pk: Id):
    survey = selectors.public_survey(pk)
    towns = [{"code": t.code, "name": t.name} for t in response_services.townships(survey)]
    return {"id": survey.pk, "title": survey.title, "kind": survey.kind, "townships": towns,
            "questions": _questions(survey)}  # fmt: skip


@router.post("/public/{pk}/code", response=dict, auth=None, summary="获取短信验证码（同一号码、同一地址限次）")
@access(ANYONE, objects="survey")
def public_code(request, pk: Id, payload: PhoneIn):
    limited = _limited(request)
    if limited:
        return limited
    survey = selectors.public_survey(pk)
    try:
        minutes = response_services.send_code(survey=survey, phone=payload.phone)
    except phonecodes.TooManyCodes as exc:
        raise HttpError(429, exc.messages[0]) from exc
    return {"minutes": minutes}


@router.post("/public/{pk}/responses", response={201: dict}, auth=None,
             summary="提交答卷（须短信验证；每个手机号每次调查一份；同一地址限次）")  # fmt: skip
@access(ANYONE, objects="survey")
def public_submit(request, pk: Id, payload: PublicIn):
    limited = _limited(request)
    if limited:
        return limited
    survey = selectors.public_survey(pk)
    response_services.submit_public(survey=survey, township=payload.township_code, answers=payload.answers,
                                    phone=payload.phone, code=payload.code)  # fmt: skip
    return Status(201, {"detail": "提交成功，感谢参与。"})
