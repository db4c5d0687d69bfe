"""The commission's coordination over /api/v1/commission (docs/commission.md §5): decision tasks and their progress,
the key-work ledger, assessment scores with their traced lines, volunteers per township (no names or phones)."""

import datetime
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.access import access
from shian.core.api_types import Id, Pages

from . import selectors
from .services import meetings, volunteers

router = Router()
READERS = ADMIN_ROLES | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
OFFICE = ADMIN_ROLES | {Role.AUDITOR}


class DecisionOut(Schema):
    id: int
    meeting: str
    held_on: datetime.date
    text: str
    lead: str
    deadline: datetime.date
    status: str
    completed_on: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting.title

    @staticmethod
    def resolve_held_on(obj):
        return obj.meeting.held_on

    @staticmethod
    def resolve_lead(obj):
        return obj.lead_name

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue_at is not None and obj.status != "done"


class ProgressIn(Schema):
    status: Annotated[str, StringConstraints(max_length=10)]
    note: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")] = ""


@router.get("/decisions", response=list[DecisionOut], summary="会议议定事项（部门用户只见本部门牵头的）")
@access(READERS)
@paginate(Pages)
def decision_list(request):
    return selectors.decisions_for(request.user).order_by("deadline", "id")


@router.post("/decisions/{pk}/progress", response=DecisionOut, summary="牵头单位填报议定事项进展或办结")
@access(READERS, objects="commission_decision")
def decision_progress(request, pk: Id, payload: ProgressIn):
    decision = selectors.decisions_for(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404(_("未找到该议定事项，或不在您的管辖范围内。"))
    return meetings.update_decision(actor=request.user, decision=decision, status=payload.status, note=payload.note)


class KeyWorkOut(Schema):
    id: int
    year: int
    project: str
    lead_department: str
    supporting: list[str]
    deadline: datetime.date
    status: str
    progress: str
    completed_on: datetime.date | None

    @staticmethod
    def resolve_lead_department(obj):
        return obj.lead_department.name

    @staticmethod
    def resolve_supporting(obj):
        return [d.name for d in obj.supporting.all()]


@router.get("/keywork", response=list[KeyWorkOut], summary="重点工作台账（部门用户只见本部门牵头的）")
@access(READERS)
@paginate(Pages)
def keywork_list(request):
    return selectors.keywork_for(request.user)


class ScoreOut(Schema):
    name: str
    township: str | None
    department: str | None
    total: float
    rank: int | None
    lines: list[dict]

    @staticmethod
    def resolve_township(obj):
        return obj.township_id

    @staticmethod
    def resolve_department(obj):
        return obj.department_id


@router.get("/assessments/{pk}/scores", response=list[ScoreOut], summary="评议考核结果（每项得分及其依据）")
@access(OFFICE, objects="commission_round")
def assessment_scores(request, pk: Id):
    round_ = selectors.rounds_for(request.user).filter(pk=pk).first()
    if round_ is None:
        raise Http404(_("未找到该评议考核，或不在您的管辖范围内。"))
    return list(round_.scores.all())


class VolunteerCount(Schema):
    township: str
    name: str
    volunteers: int
    reports: int
    activities: int


@router.get("/volunteers/summary", response=list[VolunteerCount], summary="各乡镇志愿者人数及完成任务数")
@access(OFFICE)
def volunteer_summary(request):
    rows = volunteers.counts_by_township(selectors.volunteers_for(request.user))
    return [{"township": r["township_id"], "name": r["township__name"], "volunteers": r["volunteers"],
             "reports": r["reports"], "activities": r["activities"]} for r in rows]  # fmt: skip
