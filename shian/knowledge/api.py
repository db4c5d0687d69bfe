"""监督抽考 over /api/v1/knowledge, for the app and the mini-program: tests (list, schedule, results per
township), a person's paper (start, save, submit; answers never sent before the test closes) and the bank."""

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ADMINS, ENTERPRISE, RESULT_READERS, SIGNED_IN, STATION
from shian.accounts.models import ENTITY_ROLES
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, Text
from shian.core.permissions import require_perm
from shian.entities.models import BusinessType

from . import selectors, services
from .models import Attempt, QuestionKind, untag

router = Router(tags=["监督抽考"])

RoleCode = Literal[tuple(value for value, _label in ENTITY_ROLES)]
TypeCode = Literal[tuple(BusinessType.values)]
AnswerText = Annotated[str, StringConstraints(max_length=10, pattern=r"^[^\x00]*$")]


# -- tests ----------------------------------------------------------------------------------------------------


class TestOut(Schema):
    id: int
    title: str
    region_code: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    duration_minutes: int
    question_count: int
    pass_mark: int
    target_roles: list[str] = Field(description="空为全部岗位")
    selection: str
    business_types: list[str]
    sample_size: int | None
    state: Literal["upcoming", "open", "closed", "cancelled"]
    cancelled_at: datetime.datetime | None

    @staticmethod
    def resolve_target_roles(obj):
        return obj.role_list

    @staticmethod
    def resolve_business_types(obj):
        return untag(obj.business_types)

    @staticmethod
    def resolve_state(obj):
        return obj.state(timezone.now())


class TestIn(Schema):
    title: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    duration_minutes: int = Field(30, ge=5, le=180)
    question_count: int = Field(10, ge=1, le=100)
    pass_mark: int = Field(80, ge=1, le=100, description="合格线（%）")
    target_roles: list[RoleCode] = Field([], max_length=3, description="空为全部岗位（含未填岗位的企业账号）")
    entity_ids: list[IdField] = Field(
        [], max_length=services.MAX_TARGETS, description="指定主体；与 sample_size 二选一"
    )
    sample_size: int | None = Field(None, ge=1, le=services.MAX_TARGETS, description="随机抽取的在营主体数")
    business_types: list[TypeCode] = Field([], max_length=8, description="随机抽取的业态，空为全部")
    region_code: RegionCode | None = Field(None, description="组织区划，默认本账号的区划")


class Bucket(Schema):
    targeted: int = Field(description="抽考主体数")
    eligible: int = Field(description="应考人数")
    started: int
    taken: int = Field(description="参考（已交卷）人数")
    passed: int
    failed: int
    pass_rate: float | None = Field(description="合格率（%）= 合格 ÷ 参考")
    take_rate: float | None = Field(description="参考率（%）= 参考 ÷ 应考")


class TownshipBucket(Bucket):
    code: str
    name: str


class ResultsOut(Schema):
    test_id: int
    total: Bucket
    townships: list[TownshipBucket]


class TestFilter(Schema):
    region: RegionCode | None = None


@router.get("/tests", response=list[TestOut], summary="抽考列表（监管人员：管辖范围内；企业账号：本人须参加的）")
@access(SIGNED_IN)
@paginate(Pages)
def test_list(request, filters: Query[TestFilter]):
    return selectors.test_list(user=request.user, region_code=filters.region)


@router.post("/tests", response={201: TestOut}, summary="安排抽考：指定主体或随机抽取，通知应考人员")
@access(STATION)
def test_create(request, payload: TestIn):
    data = payload.dict()
    test = services.schedule_test(actor=request.user, **{**data, "entity_ids": data["entity_ids"] or None})
    return Status(201, selectors.test_get(user=request.user, pk=test.pk))


@router.get("/tests/{pk}", response=TestOut, summary="抽考详情")
@access(SIGNED_IN, objects="knowledge_test")
def test_get(request, pk: Id):
    return selectors.test_get(user=request.user, pk=pk)


@router.post("/tests/{pk}/cancel", response=TestOut, summary="取消抽考（组织区划的监管人员）")
@access(STATION, objects="knowledge_test")
def test_cancel(request, pk: Id):
    test = selectors.test_get(user=request.user, pk=pk)
    services.cancel_test(actor=request.user, test=test)
    return selectors.test_get(user=request.user, pk=pk)


@router.get("/tests/{pk}/results", response=ResultsOut, summary="抽考结果：按乡镇（街道）统计应考、参考、合格")
@access(RESULT_READERS, objects="knowledge_test")
def test_results(request, pk: Id, filters: Query[TestFilter]):
    require_perm(request.user, "knowledge.view_results")
    test = selectors.test_get(user=request.user, pk=pk)
    if filters.region:
        selectors.region_in_scope(user=request.user, code=filters.region)
    services.close_expired(test=test)
    results = selectors.results_by_township(user=request.user, test=test, region_code=filters.region)
    return {"test_id": test.pk, "total": results["total"], "townships": results["rows"]}


# -- papers ---------------------------------------------------------------------------------------------------


class QuestionOnPaper(Schema):
    id: int
    number: int
    kind: str
    text: str
    options: list[str]
    points: int


class QuestionMarked(QuestionOnPaper):
    given: str
    right: bool
    answer: str | None = Field(description="正确答案；抽考截止后才提供")
    explanation: str | None


class AttemptOut(Schema):
    id: int
    test_id: int
    test_title: str = Field(..., alias="test.title")
    user_id: int
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    region_code: str = Field(..., alias="region_id")
    entity_role: str
    started_at: datetime.datetime
    deadline: datetime.datetime
    submitted_at: datetime.datetime | None
    auto_submitted: bool
    score: int | None
    max_score: int
    percent: float | None
    passed: bool | None


class AttemptDetail(AttemptOut):
    server_time: datetime.datetime
    seconds_left: int
    answers: dict[str, str] = Field(description="已保存的作答：题目编号 -> 选项字母（判断题 T/F）")
    questions: list[QuestionMarked]

    @staticmethod
    def resolve_server_time(obj):
        return timezone.now()

    @staticmethod
    def resolve_seconds_left(obj):
        if obj.submitted_at is not None:
            return 0
        return max(0, int((obj.deadline - timezone.now()).total_seconds()))

    @staticmethod
    def resolve_questions(obj):
        done = obj.submitted_at is not None
        reveal = done and (obj.user_id != obj.viewer_id or selectors.reveal_answers(obj.test))
        rows = []
        for number, q in enumerate(obj.paper, start=1):
            given = obj.answers.get(str(q["id"]), "")
            rows.append(
                {
                    "id": q["id"], "number": number, "kind": q["kind"], "text": q["text"], "options": q["options"],
                    "points": q["points"], "given": given, "right": reveal and given == q["answer"],
                    "answer": q["answer"] if reveal else None, "explanation": q["explanation"] if reveal else None,
                }
            )  # fmt: skip
        return rows


class AnswerIn(Schema):
    question_id: IdField
    answer: AnswerText = Field(description="选项字母，如 A、ABD；判断题 T（对）或 F（错）；空为不作答")


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field([], max_length=100)


class AttemptFilter(Schema):
    test_id: IdField | None = None
    region: RegionCode | None = None


def _detail(request, pk: int) -> Attempt:
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    attempt.viewer_id = request.user.pk
    return attempt


def _answers(payload: AnswersIn) -> dict[str, str]:
    return {str(a.question_id): a.answer for a in payload.answers}


@router.post("/tests/{pk}/attempts", response={201: AttemptDetail, 200: AttemptDetail},
             summary="开始答题：抽取本人试卷并开始计时（已开始的返回原试卷，200）")  # fmt: skip
@access(ENTERPRISE, objects="knowledge_test")
def attempt_start(request, pk: Id):
    test = selectors.test_get(user=request.user, pk=pk)
    attempt, created = services.start_or_resume_attempt(actor=request.user, test=test)
    return Status(201 if created else 200, _detail(request, attempt.pk))


@router.get("/attempts", response=list[AttemptOut], summary="答卷（企业账号：本人的；监管人员：管辖范围内）")
@access(SIGNED_IN)
@paginate(Pages)
def attempt_list(request, filters: Query[AttemptFilter]):
    return selectors.attempt_list(user=request.user, test_id=filters.test_id, region_code=filters.region)


@router.get("/attempts/{pk}", response=AttemptDetail, summary="答卷详情（正确答案在抽考截止后提供）")
@access(SIGNED_IN, objects="attempt")
def attempt_get(request, pk: Id):
    """Reading never writes: a paper whose time ran out unsubmitted reads as handed in with its saved answers
    (selectors.attempt_as_of), as services.close_expired will store it."""
    return selectors.attempt_as_of(_detail(request, pk))


@router.put("/attempts/{pk}/answers", response=AttemptDetail, summary="保存作答（未交卷；超时后不再接受）")
@access(ENTERPRISE, objects="attempt")
def attempt_save(request, pk: Id, payload: AnswersIn):
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    services.save_answers(actor=request.user, attempt=attempt, answers=_answers(payload))
    return _detail(request, pk)


@router.post("/attempts/{pk}/submit", response=AttemptDetail,
             summary="交卷并评分（超时提交的答案不被接受：按截止前保存的答案自动交卷并返回 422）")  # fmt: skip
@access(ENTERPRISE, objects="attempt")
def attempt_submit(request, pk: Id, payload: AnswersIn):
    attempt = selectors.attempt_get(user=request.user, pk=pk)
    services.submit_attempt(actor=request.user, attempt=attempt, answers=_answers(payload))
    return _detail(request, pk)


# -- the bank -------------------------------------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    answer: str
    roles: list[str] = Field(description="空为全部岗位")
    business_types: list[str] = Field(description="空为全部业态")
    points: int
    explanation: str
    active: bool

    @staticmethod
    def resolve_roles(obj):
        return obj.role_list

    @staticmethod
    def resolve_business_types(obj):
        return obj.business_type_list


class QuestionFilter(Schema):
    q: Text = ""
    kind: Literal[tuple(QuestionKind.values)] | None = None
    active: bool | None = None


class CellErrorOut(Schema):
    row: int
    column: str
    value: str
    code: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int


class ImportRejectedOut(Schema):
    message: str
    errors: list[CellErrorOut]


@router.get("/questions", response=list[QuestionOut], summary="题库（管理员、监管所）")
@access(STATION)
@paginate(Pages)
def question_list(request, filters: Query[QuestionFilter]):
    require_perm(request.user, "knowledge.view_bank")
    return selectors.question_list(
        user=request.user, q=filters.q.strip(), kind=filters.kind or "", active=filters.active
    )


@router.post("/questions/import", response={200: ImportOut, 422: ImportRejectedOut},
             summary="导入题库（xlsx）：全部正确才写入，题干相同的更新；dry_run 只校验")  # fmt: skip
@access(ADMINS)
def question_import(request, file: File[UploadedFile], dry_run: bool = False):
    require_perm(request.user, "knowledge.manage_bank")
    if file.size is None or file.size > services.MAX_FILE_BYTES:
        return Status(422, {"message": _("文件超过 20 MB。"), "errors": []})
    try:
        return services.import_questions(actor=request.user, data=file.read(), filename=file.name or "upload.xlsx",
                                         dry_run=dry_run)  # fmt: skip
    except services.ImportRejected as exc:
        return Status(422, {"message": exc.messages[0], "errors": exc.errors})
