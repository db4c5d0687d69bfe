import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from shian.core.access import access
from shian.core.actionlabels import label
from shian.core.api_types import Id, Pages, RegionCode, ShortText, Text

from . import selectors

router = Router(tags=["审计"])


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor_name: str
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str
    before: dict | None
    after: dict | None
    request_id: str
    ip: str | None

    @staticmethod
    def resolve_action_label(obj) -> str:
        return label(obj.action)


class AuditFilter(Schema):
    region: RegionCode | None = None
    q: Text = ""
    action: ShortText = ""
    actor: ShortText = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@router.get("", response=list[AuditOut], summary="搜索审计记录")
@access(perm="core.view_audit")
@paginate(Pages)
def audit_list(request, filters: Query[AuditFilter]):
    f = filters.dict()
    return selectors.audit_list(user=request.user, region_code=f.pop("region"), **f)


@router.get("/{pk}", response=AuditOut, summary="审计记录详情")
@access(perm="core.view_audit", objects="audit_entry")
def audit_get(request, pk: Id):
    return selectors.audit_get(user=request.user, pk=pk)


operations_router = Router(tags=["运行状态"])


class JobOut(Schema):
    name: str
    label: str
    schedule: str
    last_started_at: datetime.datetime | None
    last_seconds: float | None
    last_outcome: str
    last_message: str
    next_run: datetime.datetime | None


@operations_router.get("/jobs", response=list[JobOut], summary="定时任务及其运行状态")
@access(perm="core.view_operations")
def operation_jobs(request):
    out = []
    for j in selectors.operations(user=request.user):
        last = j["last"]
        out.append({
            "name": j["name"], "label": j["label"], "schedule": j["schedule"], "next_run": j["next_run"],
            "last_started_at": last and last.started_at, "last_seconds": last and last.seconds,
            "last_outcome": last.outcome if last else "", "last_message": last.message if last else "",
        })  # fmt: skip
    return out
