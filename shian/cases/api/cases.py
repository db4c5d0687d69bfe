"""Cases over /api/v1/cases (docs/cases.md §5): the scoped list and one case with its clock, opening a case from a
source, the decision, the extension (with its approval), the closure, 挂牌督办 and its report requests. Party ID and
phone numbers are always masked here. Every write goes through services, every read through selectors."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import ADMINS, STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText

from ..models import Case, CaseParty
from ..selectors import cases as selectors
from ..services import cases as services
from ..services import supervision as supervision_services

router = Router(tags=["案件"])
READERS = STATION | {Role.AUDITOR}
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class PartyIn(Schema):
    kind: Literal[tuple(CaseParty.Kind.values)] = CaseParty.Kind.PERSON.value
    name: _text(100, True)
    id_number: _text(30) = ""
    phone: _text(20) = ""
    address: _text(200) = ""


class OpenIn(Schema):
    source: Literal["referral", "disposal", "problem", "report"]
    source_id: IdField
    title: _text(200) = ""
    facts: _text(5000) = ""
    parties: list[PartyIn] = Field([], max_length=20)


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    id_number: str = Field(description="已脱敏")
    phone: str = Field(description="已脱敏")


class SupervisionOut(Schema):
    level_code: str = Field(..., alias="level_id")
    reason: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None


class ReportOut(Schema):
    id: int
    question: str
    requested_at: datetime.datetime
    due_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class CaseOut(Schema):
    id: int
    number: str
    title: str
    source: str
    status: str
    status_label: str
    entity_id: int | None
    region_code: str = Field(..., alias="region_id")
    opened_at: datetime.datetime
    decision_due: datetime.datetime
    overdue: bool
    supervised: bool
    decided_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(datetime.datetime.now(datetime.UTC))

    @staticmethod
    def resolve_supervised(obj):
        return hasattr(obj, "supervision")


class CaseDetail(CaseOut):
    facts: str
    legal_basis: str
    article_codes: list[str]
    due_rules: dict
    extension_approval: str
    penalties: list[str]
    fine_amount: Decimal
    confiscated_amount: Decimal
    decision_number: str
    closure_note: str
    parties: list[PartyOut]
    supervision: SupervisionOut | None
    reports: list[ReportOut]

    @staticmethod
    def resolve_article_codes(obj):
        return list(obj.articles.values_list("code", flat=True))

    @staticmethod
    def resolve_parties(obj):
        return selectors.masked_parties(obj)

    @staticmethod
    def resolve_supervision(obj):
        return selectors.supervision_of(obj)

    @staticmethod
    def resolve_reports(obj):
        sup = selectors.supervision_of(obj)
        return list(sup.requests.order_by("due_at", "pk")) if sup else []


class CaseFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(Case.Status.values)] | None = None
    source: Literal[tuple(Case.Source.values)] | None = None
    overdue: bool = False
    supervised: bool = False
    entity_id: IdField | None = None
    q: ShortText = ""


class DecisionIn(Schema):
    penalties: list[Literal[tuple(Case.Penalty.values)]] = Field(min_length=1, max_length=8)
    decision_number: _text(60, True)
    decision_text: _text(5000) = ""
    fine_amount: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    confiscated_amount: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    legal_basis: _text(5000) | None = None
    article_codes: list[_text(40)] | None = Field(None, max_length=20)
    decided_at: AwareDatetime | None = None


class ExtensionIn(Schema):
    approver_id: IdField | None = Field(None, description="批准人（承办区划的负责人，管理员账号）；不填则拒绝")
    approval_ref: _text(60) = ""
    reason: _text(300) = ""


class ClosureIn(Schema):
    note: _text(5000, True)


class SuperviseIn(Schema):
    reason: _text(300, True)


class ReportRequestIn(Schema):
    question: _text(500, True)
    due_on: datetime.date | None = Field(None, description="不填则按 cases.supervision_report 工作日计算")


class AnswerIn(Schema):
    answer: _text(5000, True)


@router.get("/cases", response=list[CaseOut], summary="案件（管辖范围内）")
@access(READERS)
@paginate(Pages)
def case_list(request, filters: Query[CaseFilter]):
    return selectors.case_list(
        user=request.user, region_code=filters.region, status=filters.status or "", source=filters.source or "",
        overdue=filters.overdue, supervised=filters.supervised, entity_id=filters.entity_id, q=filters.q,
    )  # fmt: skip


@router.get("/cases/{pk}", response=CaseDetail, summary="案件详情：期限及其规则、当事人（脱敏）、处理决定、督办")
@access(READERS, objects="case")
def case_get(request, pk: Id):
    return selectors.case_get(user=request.user, pk=pk)


@router.post("/cases", response={201: CaseDetail}, summary="从线索立案（举报、检查移送、核查处置、逾期包保问题）")
@access(STATION)
def case_open(request, payload: OpenIn):
    source = selectors.source_get(user=request.user, kind=payload.source, pk=payload.source_id)
    opener = {"referral": services.open_from_referral, "disposal": services.open_from_disposal,
              "problem": services.open_from_problem, "report": services.open_from_report}[payload.source]  # fmt: skip
    arg = "complaint" if payload.source == "report" else payload.source
    case = opener(actor=request.user, **{arg: source}, title=payload.title, facts=payload.facts,
                  parties=[p.dict() for p in payload.parties])  # fmt: skip
    return Status(201, selectors.case_get(user=request.user, pk=case.pk))


@router.post("/cases/{pk}/decision", response=CaseDetail, summary="登记处理决定（处罚种类、金额、文号、法律依据）")
@access(STATION, objects="case")
def case_decide(request, pk: Id, payload: DecisionIn):
    case = selectors.case_get(user=request.user, pk=pk)
    article_ids = None
    if payload.article_codes is not None:
        found = dict(selectors.articles().filter(code__in=payload.article_codes).values_list("code", "pk"))
        article_ids = [found.get(code, 0) for code in payload.article_codes]
    services.decide(
        actor=request.user, case=case, penalties=payload.penalties, decision_number=payload.decision_number,
        decision_text=payload.decision_text, fine_amount=payload.fine_amount,
        confiscated_amount=payload.confiscated_amount, legal_basis=payload.legal_basis, article_ids=article_ids,
        decided_at=payload.decided_at,
    )  # fmt: skip
    return selectors.case_get(user=request.user, pk=pk)


@router.post("/cases/{pk}/extension", response=CaseDetail, summary="经批准延长处理期限（无批准则拒绝）")
@access(STATION, objects="case")
def case_extend(request, pk: Id, payload: ExtensionIn):
    case = selectors.case_get(user=request.user, pk=pk)
    approver = get_user_model().objects.filter(pk=payload.approver_id).first() if payload.approver_id else None
    services.extend(actor=request.user, case=case, approver=approver, approval_ref=payload.approval_ref,
                    reason=payload.reason)  # fmt: skip
    return selectors.case_get(user=request.user, pk=pk)


@router.post("/cases/{pk}/closure", response=CaseDetail, summary="结案（须已作出处理决定）")
@access(STATION, objects="case")
def case_close(request, pk: Id, payload: ClosureIn):
    case = selectors.case_get(user=request.user, pk=pk)
    services.close(actor=request.user, case=case, note=payload.note)
    return selectors.case_get(user=request.user, pk=pk)


@router.post("/cases/{pk}/supervision", response={201: CaseDetail}, summary="挂牌督办（上级）")
@access(ADMINS, objects="case")
def case_supervise(request, pk: Id, payload: SuperviseIn):
    case = selectors.case_get(user=request.user, pk=pk)
    supervision_services.supervise(actor=request.user, case=case, reason=payload.reason)
    return Status(201, selectors.case_get(user=request.user, pk=pk))


@router.post("/cases/{pk}/supervision/reports", response={201: ReportOut}, summary="督办单位要求报送报告")
@access(ADMINS, objects="case")
def case_report_request(request, pk: Id, payload: ReportRequestIn):
    case = selectors.case_get(user=request.user, pk=pk)
    req = supervision_services.request_report(actor=request.user, case=case, question=payload.question,
                                              due_on=payload.due_on)  # fmt: skip
    return Status(201, req)


@router.post("/reports/{pk}/answer", response=ReportOut, summary="承办单位报送督办报告")
@access(STATION, objects="case_report")
def report_answer(request, pk: Id, payload: AnswerIn):
    req = selectors.report_request_get(user=request.user, pk=pk)
    return supervision_services.answer_report(actor=request.user, request=req, answer=payload.answer)
