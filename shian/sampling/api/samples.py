"""Samples over /api/v1/sampling (docs/sampling.md §3), for the phone apps: the scoped list and one sample with
its deadlines and results, the sample itself (idempotent by client key: 201 new, 200 the one already stored),
photos, and sending to / receipt by the lab. Every write goes through services, every read through selectors."""

import datetime
import mimetypes
import uuid
from typing import Annotated, Literal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import SIGNED_IN, STATION
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages, RegionCode, ShortText
from shian.core.uploads import stored_file_response

from ..models import Sample, SamplingKind
from ..selectors import samples as selectors
from ..services import samples as services

router = Router(tags=["抽检监测"])

NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class SampleIn(Schema):
    entity_id: IdField
    client_key: uuid.UUID = Field(description="手机端生成的提交编号；重复提交返回同一条记录")
    task_id: IdField | None = Field(None, description="抽样任务（给出时食品类别与类型按任务）")
    category: _text(30) = Field("", description="食品类别编码（现行抽检食品类别表）")
    kind: Literal[tuple(SamplingKind.values)] = SamplingKind.SUPERVISION.value
    product: _text(200, True)
    brand: _text(100) = ""
    spec: _text(100) = ""
    batch_number: _text(100) = ""
    quantity: _text(50, True)
    backup_quantity: _text(50) = ""
    producer_name: _text(200) = ""
    producer_address: _text(300) = ""
    producer_uscc: _text(18) = ""
    producer_region_code: RegionCode | None = Field(None, description="不填则按信用代码第3–8位或地址识别")
    lab_id: IdField
    sampler_ids: list[IdField] = Field(max_length=5, description="另一名（或几名）本所执法人员；提交人自动计入")
    sampled_at: AwareDatetime = Field(description="抽样时间，须带时区")
    entity_signer: _text(50) = ""
    photo_ids: list[IdField] = Field([], max_length=20, description="先上传照片取得的编号")


class SamplerOut(Schema):
    id: int
    name: str


class ResultOut(Schema):
    item: str
    value: str
    limit: str
    unit: str
    verdict: str


class SampleOut(Schema):
    id: int
    number: str
    client_key: uuid.UUID | None
    entity_id: int
    entity_name: str = Field(..., alias="entity.name")
    region_code: str = Field(..., alias="region_id")
    task_id: int | None
    kind: str
    category: str
    product: str
    status: str
    status_label: str
    sampled_at: datetime.datetime
    to_lab_due: datetime.datetime
    sent_at: datetime.datetime | None
    received_at: datetime.datetime | None
    report_due: datetime.datetime | None
    conclusion: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class SampleDetail(SampleOut):
    brand: str
    spec: str
    batch_number: str
    quantity: str
    backup_quantity: str
    producer_name: str
    producer_address: str
    producer_uscc: str
    producer_region_code: str | None = Field(None, alias="producer_region_id")
    lab_id: int | None
    entity_signer: str
    due_rules: dict
    report_number: str | None
    report_date: datetime.date | None
    samplers: list[SamplerOut]
    results: list[ResultOut]
    photo_ids: list[int]

    @staticmethod
    def resolve_samplers(obj):
        return [{"id": u.pk, "name": u.name or u.username} for u in selectors.sample_samplers(obj)]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.order_by("pk"))

    @staticmethod
    def resolve_photo_ids(obj):
        return list(selectors.sample_photos(obj).values_list("pk", flat=True))


class SampleFilter(Schema):
    region: RegionCode | None = None
    status: Literal[tuple(Sample.Status.values)] | None = None
    category: ShortText = ""
    kind: Literal[tuple(SamplingKind.values)] | None = None
    overdue: Literal[selectors.OVERDUE_FILTERS] | None = None
    conclusion: Literal[(*Sample.Conclusion.values, "none")] | None = None
    entity_id: IdField | None = None
    q: ShortText = ""


class SentIn(Schema):
    sent_at: AwareDatetime


class ReceivedIn(Schema):
    received_at: AwareDatetime


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


@router.get("/samples", response=list[SampleOut], summary="样品（管辖范围内；企业账号为本主体）")
@access(SIGNED_IN)
@paginate(Pages)
def sample_list(request, filters: Query[SampleFilter]):
    return selectors.sample_list(
        user=request.user, region_code=filters.region, status=filters.status or "", category=filters.category,
        kind=filters.kind or "", overdue=filters.overdue or "", conclusion=filters.conclusion or "",
        entity_id=filters.entity_id, q=filters.q,
    )  # fmt: skip


@router.get("/samples/{pk}", response=SampleDetail, summary="样品详情：期限及其规则、检验结果、照片")
@access(SIGNED_IN, objects="sample")
def sample_get(request, pk: Id):
    return selectors.sample_get(user=request.user, pk=pk)


@router.post(
    "/samples",
    response={200: SampleDetail, 201: SampleDetail},
    summary="登记抽样（201 新建；同一提交编号重复提交返回 200 和原记录）",
)
@access(STATION)
def sample_create(request, payload: SampleIn):
    data = payload.dict()
    entity = selectors.entity_for_sampling(user=request.user, pk=data.pop("entity_id"))
    task_id = data.pop("task_id")
    task = selectors.task_get(user=request.user, pk=task_id) if task_id else None
    data["producer_region_code"] = data["producer_region_code"] or ""
    sample, created = services.create_sample(actor=request.user, entity=entity, task=task, **data)
    return Status(201 if created else 200, selectors.sample_get(user=request.user, pk=sample.pk))


@router.post("/photos", response={201: PhotoOut}, summary="上传样品照片，登记抽样时引用其编号")
@access(STATION)
def photo_upload(request, file: File[UploadedFile]):
    return Status(201, services.store_photo(actor=request.user, upload=file))


@router.get("/photos/{pk}", summary="下载样品照片（original=true：原始文件，仅监管人员）")
@access(SIGNED_IN, objects="sample_photo")
def photo_download(request, pk: Id, original: bool = False):
    photo = selectors.photo_get(user=request.user, pk=pk, original=original)
    stored = photo.original if original else photo.file
    content_type = photo.content_type
    if original:
        content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    return stored_file_response(stored, name=photo.name, content_type=content_type, inline=not original)


@router.post("/samples/{pk}/sent", response=SampleDetail, summary="登记送检")
@access(STATION, objects="sample")
def sample_sent(request, pk: Id, payload: SentIn):
    sample = selectors.sample_get(user=request.user, pk=pk)
    services.mark_sent(actor=request.user, sample=sample, sent_at=payload.sent_at)
    return selectors.sample_get(user=request.user, pk=pk)


@router.post("/samples/{pk}/received", response=SampleDetail, summary="登记检验机构接收（计算报告期限）")
@access(STATION, objects="sample")
def sample_received(request, pk: Id, payload: ReceivedIn):
    sample = selectors.sample_get(user=request.user, pk=pk)
    services.mark_received(actor=request.user, sample=sample, received_at=payload.received_at)
    return selectors.sample_get(user=request.user, pk=pk)
