from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from shian.accounts.access import ADMINS, REGULATORS
from shian.core.access import access
from shian.core.api_types import Id

from . import selectors, services
from .models import ImportBatch

router = Router(tags=["台账"])


class CellErrorOut(Schema):
    row: int
    column: str
    value: str = ""
    code: str
    message: str


class BatchOut(Schema):
    id: int
    kind: str
    mode: str
    status: str
    file_name: str
    file_hash: str
    rows_total: int
    rows_done: int
    counts: dict
    message: str
    errors: list[CellErrorOut]


@router.post(
    "/imports", response={202: BatchOut}, summary="上传台账：后台校验并导入（mode: dry_run / commit / skip_invalid）"
)
@access(ADMINS)
def import_create(
    request,
    kind: Form[ImportBatch.Kind],
    file: File[UploadedFile],
    mode: Form[ImportBatch.Mode] = ImportBatch.Mode.COMMIT,
):
    batch = services.start_import(
        actor=request.user, kind=kind, name=file.name or "ledger", data=file.read(), mode=mode
    )
    return Status(202, batch)


@router.get("/imports/{pk}", response=BatchOut, summary="导入批次的进度、统计和逐格错误")
@access(REGULATORS, objects="batch")
def import_get(request, pk: Id):
    return selectors.batch_get(user=request.user, pk=pk)


@router.post("/imports/{pk}/rollback", response=BatchOut, summary="撤销已导入的批次（导入后未被修改时）")
@access(ADMINS, objects="batch")
def import_rollback(request, pk: Id):
    return services.rollback_batch(actor=request.user, batch=selectors.batch_get(user=request.user, pk=pk))
