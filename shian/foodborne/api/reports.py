"""Foodborne-disease reports and clusters over /api/v1/foodborne (docs/foodborne.md §4): the institution's report
(patient identity masked in every answer), the clusters with their rule, "open an incident" in one call."""

import datetime
from typing import Annotated

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText
from shian.core.pii import mask_id_number, mask_phone

from ..selectors import reports as selectors
from ..services import clusters as cluster_services
from ..services import reports as services

router = Router()
REPORTERS = frozenset(services.REPORTERS)
READERS = STATION | {Role.DEPARTMENT_STAFF, Role.AUDITOR}
CLUSTER_READERS = STATION | {Role.AUDITOR}
NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class ReportIn(Schema):
    region_code: RegionCode | None = Field(None, description="可疑场所所在区划；不填则按市场主体所在区划")
    institution: _text(100, True)
    patient_name: _text(50, True)
    id_number: _text(18) = ""
    phone: _text(20) = ""
    patient_count: int = Field(1, ge=1, le=services.MAX_PATIENTS)
    symptoms: _text(500, True)
    suspected_food: _text(100) = ""
    suspected_place: _text(200) = ""
    entity_id: IdField | None = None
    onset_at: AwareDatetime


class ReportOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    institution: str
    patient_name: str
    id_number: str
    phone: str
    patient_count: int
    symptoms: str
    suspected_food: str
    suspected_place: str
    entity_id: int | None
    onset_at: datetime.datetime
    reported_at: datetime.datetime
    cluster_ids: list[int]

    @staticmethod
    def resolve_patient_name(obj):
        return selectors.masked_name(obj.patient_name)

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_cluster_ids(obj):
        return sorted(c.pk for c in obj.clusters.all())  # prefetched by the list


class ReportFilter(Schema):
    region: RegionCode | None = None
    q: ShortText = ""


@router.get("/reports", response=list[ReportOut], summary="食源性疾病病例报告（患者信息脱敏）")
@access(READERS)
@paginate(Pages)
def report_list(request, filters: Query[ReportFilter]):
    return selectors.report_list(user=request.user, region_code=filters.region, q=filters.q).prefetch_related(
        "clusters"
    )


@router.get("/reports/{pk}", response=ReportOut, summary="病例报告详情（患者信息脱敏）")
@access(READERS, objects="foodborne_report")
def report_get(request, pk: Id):
    return selectors.report_get(user=request.user, pk=pk)


@router.post("/reports", response={201: ReportOut}, summary="报告食源性疾病病例（即时判定聚集性）")
@access(REPORTERS)
def report_create(request, payload: ReportIn):
    data = payload.dict()
    data["region_code"] = data["region_code"] or ""
    report = services.report_case(actor=request.user, **data)
    return Status(201, report)


class ClusterOut(Schema):
    id: int
    region_code: str = Field(..., alias="region_id")
    kind: str
    label: str
    entity_id: int | None
    cases: int
    first_onset: datetime.datetime
    last_onset: datetime.datetime
    warned_at: datetime.datetime
    rule: dict
    incident_id: int | None
    incident_number: str | None

    @staticmethod
    def resolve_incident_number(obj):
        return obj.incident.number if obj.incident_id else None


class ClusterFilter(Schema):
    region: RegionCode | None = None
    open: bool = False


@router.get("/clusters", response=list[ClusterOut], summary="聚集性病例预警（管辖范围内）")
@access(CLUSTER_READERS)
@paginate(Pages)
def cluster_list(request, filters: Query[ClusterFilter]):
    return selectors.cluster_list(user=request.user, region_code=filters.region, open_only=filters.open)


@router.get("/clusters/{pk}", response=ClusterOut, summary="聚集性病例详情")
@access(CLUSTER_READERS, objects="foodborne_cluster")
def cluster_get(request, pk: Id):
    return selectors.cluster_get(user=request.user, pk=pk)


@router.post("/clusters/{pk}/incident", response={201: ClusterOut}, summary="由聚集性病例开立事故（2 小时首报时限）")
@access(STATION, objects="foodborne_cluster")
def cluster_incident(request, pk: Id):
    cluster = selectors.cluster_get(user=request.user, pk=pk)
    cluster_services.open_incident(actor=request.user, cluster=cluster)
    return Status(201, selectors.cluster_get(user=request.user, pk=pk))
