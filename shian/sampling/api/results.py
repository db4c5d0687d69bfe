"""Lab results and disposal over /api/v1/sampling (docs/sampling.md §3, §4): a lab file imported in the
foreground by the same service as the page and the command, one sample's results by hand, the disposal cases
with their 五到位 steps, the re-test and closing. Every write goes through services, every read through
selectors."""

import datetime
from typing import Annotated, Literal

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field, StringConstraints

from shian.accounts.access import SIGNED_IN, STATION
from shian.core.access import access
from shian.core.api_types import Id, IdField, Pages

from ..models import Disposal, LabResultBatch, Sample, SampleResult
from ..selectors import results as selectors
from ..selectors import samples as sample_selectors
from ..services import disposal as disposal_services
from ..services import results as services

router = Router(tags=["抽检监测"])

NoNul = r"^[^\x00]*$"


def _text(n: int, required: bool = False):
    return Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=n, pattern=NoNul)]


class CellErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportOut(Schema):
    batch_id: int
    status: str
    rows: int
    created: int
    failed_samples: int
    errors: list[CellErrorOut]


@router.post("/lab-results", response={200: ImportOut, 422: ImportOut}, summary="导入检验结果文件（全部正确才写入）")
@access(STATION)
def lab_import(request, file: File[UploadedFile], dry_run: bool = False):
    mode = LabResultBatch.Mode.DRY_RUN if dry_run else LabResultBatch.Mode.COMMIT
    batch = services.create_batch(actor=request.user, name=file.name or "lab.xlsx", data=file.read(), mode=mode)
    batch = services.process_batch(batch)
    errors = [{k: e[k] for k in ("row", "column", "code", "message")} for e in batch.errors]
    if batch.status == LabResultBatch.Status.FAILED:
        errors = [{"row": 0, "column": "", "code": "file", "message": batch.message}]
    counts = batch.counts or {}
    out = {"batch_id": batch.pk, "status": batch.status, "rows": counts.get("rows", 0),
           "created": counts.get("created", 0), "failed_samples": services.failed_samples(batch), "errors": errors}  # fmt: skip
    return Status(422 if errors else 200, out)


class ItemIn(Schema):
    item: _text(100, True)
    value: _text(50, True)
    limit: _text(100) = Field("", description="标准值/限量（必填，缺少时返回 422 并指明项目）")
    verdict: Literal[tuple(SampleResult.Verdict.values)]


class ResultsIn(Schema):
    items: list[ItemIn] = Field(min_length=1, max_length=100)
    conclusion: Literal[tuple(Sample.Conclusion.values)]
    report_number: _text(50, True)
    report_date: datetime.date


class DisposalOut(Schema):
    id: int
    sample_id: int
    sample_number: str = Field(alias="sample.number")
    product: str = Field(alias="sample.product")
    entity_id: int
    status: str
    opened_at: datetime.datetime
    due_at: datetime.datetime
    retest_due: datetime.datetime
    retest_applied_at: datetime.datetime | None
    retest_passed: bool | None
    steps: dict
    closed_at: datetime.datetime | None
    on_time: bool | None


@router.post("/samples/{pk}/results", response={200: DisposalOut | None}, summary="录入一个样品的检验结果")
@access(STATION, objects="sample")
def sample_results(request, pk: Id, payload: ResultsIn):
    """Returns the disposal case a failed conclusion opened (null when the sample passed)."""
    sample = sample_selectors.sample_get(user=request.user, pk=pk)
    services.record_results(actor=request.user, sample=sample, items=[i.dict() for i in payload.items],
                            conclusion=payload.conclusion, report_number=payload.report_number,
                            report_date=payload.report_date)  # fmt: skip
    return Disposal.objects.filter(sample_id=sample.pk).select_related("sample").first()


class DisposalFilter(Schema):
    status: Literal[tuple(Disposal.Status.values)] | None = None
    overdue: bool = False


@router.get("/disposals", response=list[DisposalOut], summary="核查处置（管辖范围内；企业账号为本主体）")
@access(SIGNED_IN)
@paginate(Pages)
def disposal_list(request, filters: Query[DisposalFilter]):
    return selectors.disposal_list(
        user=request.user, status=filters.status or "", overdue="1" if filters.overdue else ""
    )


@router.get("/disposals/{pk}", response=DisposalOut, summary="核查处置详情")
@access(SIGNED_IN, objects="disposal")
def disposal_get(request, pk: Id):
    return selectors.disposal_get(user=request.user, pk=pk)


class StepIn(Schema):
    step: Literal[tuple(disposal_services.STEP_CODES)]
    note: _text(500, True)
    file_ids: list[IdField] = Field([], max_length=20, description="先上传证明材料取得的编号")


class ActionIn(Schema):
    action: Literal["retest_apply", "retest_result", "close"]
    applied_at: AwareDatetime | None = None
    passed: bool | None = None


@router.post("/disposals/{pk}/steps", response=DisposalOut, summary="登记“五到位”一个环节及证明材料")
@access(STATION, objects="disposal")
def disposal_step(request, pk: Id, payload: StepIn):
    disposal = selectors.disposal_get(user=request.user, pk=pk)
    return disposal_services.record_step(actor=request.user, disposal=disposal, step=payload.step,
                                         note=payload.note, file_ids=payload.file_ids)  # fmt: skip


@router.post("/disposals/{pk}/actions", response=DisposalOut, summary="复检申请、复检结论、办结")
@access(STATION, objects="disposal")
def disposal_action(request, pk: Id, payload: ActionIn):
    disposal = selectors.disposal_get(user=request.user, pk=pk)
    if payload.action == "retest_apply":
        return disposal_services.apply_retest(actor=request.user, disposal=disposal, applied_at=payload.applied_at)
    if payload.action == "retest_result":
        return disposal_services.retest_result(actor=request.user, disposal=disposal, passed=bool(payload.passed))
    return disposal_services.close(actor=request.user, disposal=disposal)


class FileOut(Schema):
    id: int
    name: str


@router.post("/disposal-files", response={201: FileOut}, summary="上传核查处置证明材料（照片或 PDF）")
@access(STATION)
def disposal_file_upload(request, file: File[UploadedFile]):
    return Status(201, disposal_services.store_file(actor=request.user, upload=file))
