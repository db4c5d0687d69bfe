"""Ledger imports: upload, validate, commit all-or-nothing (or skip bad rows on request), report, roll back.

Each upload is an ImportBatch. The work runs in a background task (`tasks.run_import`) so a clerk sees a
progress bar while 50,000 rows are checked; the CLI runs the same `process_batch` in the foreground.
Writes happen in one transaction after validation, so a refused file leaves nothing behind, and the batch
keeps each row's outcome and the values it replaced, which is what `rollback_batch` restores.
"""

import hashlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.baobao.models import Guarantee
from shian.core import audit
from shian.core.bulk import insert_many
from shian.core.jurisdiction import require_in_scope
from shian.core.models import AuditEntry
from shian.core.permissions import require_perm

from . import exports, importers
from .models import ImportBatch, ImportRow
from .reading import LedgerFileError, read_ledger
from .workbook import error_report_xlsx

MAX_UPLOAD_BYTES = 50 << 20  # 50 MiB: far above a 100,000-row ledger
PROGRESS_EVERY = 2000  # rows between progress saves


def create_batch(*, actor, kind: str, name: str, data: bytes, mode: str = ImportBatch.Mode.COMMIT) -> ImportBatch:
    """Store an upload as a queued batch (the caller enqueues or runs it). Refuses kinds, modes and sizes
    it does not take, before anything is stored."""
    require_perm(actor, "ledgers.import_ledger")
    require_in_scope(actor, actor.region_id or "")
    if kind not in importers.IMPORTERS:
        raise ValidationError({"kind": [_("未知的台账类型：%(kind)s") % {"kind": kind}]})
    if mode not in ImportBatch.Mode.values:
        raise ValidationError({"mode": [_("未知的导入方式：%(mode)s") % {"mode": mode}]})
    if not data:
        raise ValidationError({"file": [_("文件是空的。")]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("文件超过 50 MB，请拆分后分批导入。")]})
    batch = ImportBatch(
        kind=kind,
        mode=mode,
        file_name=name[:255],
        file_hash=hashlib.sha256(data).hexdigest(),
        region_id=actor.region_id or None,
        created_by=actor,
    )
    batch.file.save(name[-100:] or "ledger", ContentFile(data), save=False)
    batch.save()
    return batch


def start_import(*, actor, kind: str, name: str, data: bytes, mode: str = ImportBatch.Mode.COMMIT) -> ImportBatch:
    """Queue an upload for the task worker; the page polls the batch for progress."""
    from .tasks import run_import

    batch = create_batch(actor=actor, kind=kind, name=name, data=data, mode=mode)
    transaction.on_commit(lambda: run_import.enqueue(batch.pk))
    return batch


def _save_progress(batch: ImportBatch, done: int) -> None:
    batch.rows_done = done
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done)


def process_batch(batch: ImportBatch) -> ImportBatch:
    """Read, validate and (unless a dry run or refused) commit a queued batch; the batch records the outcome."""
    actor = batch.created_by
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    with batch.file.open("rb") as handle:
        data = handle.read()
    try:
        sheet = read_ledger(data, batch.file_name, batch.kind)
    except LedgerFileError as exc:
        return _finish(batch, ImportBatch.Status.FAILED, message=exc.message)
    batch.rows_total = len(sheet.rows)
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=batch.rows_total)
    importer = importers.IMPORTERS[batch.kind](sheet, actor)
    plan = importer.plan(progress=lambda n: _save_progress(batch, n) if n % PROGRESS_EVERY == 0 else None)
    bad = plan.bad_rows
    actions = plan.row_actions(skip=bad)
    counts = {"rows": plan.rows, "created": actions["created"], "updated": actions["updated"]}
    counts.update(unchanged=len(plan.unchanged), skipped=0, errors=len(plan.errors))
    if plan.errors:
        name = f"{batch.file_name.rsplit('.', 1)[0]}_错误报告.xlsx"
        batch.report.save(name, ContentFile(error_report_xlsx(sheet, plan.errors)), save=False)
    errors = [e.as_dict() for e in plan.errors]
    if batch.mode == ImportBatch.Mode.DRY_RUN or (plan.errors and batch.mode == ImportBatch.Mode.COMMIT):
        status = ImportBatch.Status.VALIDATED if batch.mode == ImportBatch.Mode.DRY_RUN else ImportBatch.Status.REJECTED
        return _finish(batch, status, counts=counts, errors=errors)
    changes = [c for c in plan.changes if c.row not in bad]
    counts["skipped"] = len(bad)
    with transaction.atomic():
        written = importers.Importer.apply(changes)
        insert_many(
            ImportRow,
            [
                ImportRow(
                    batch=batch,
                    row=w.row,
                    action=w.action,
                    object_type=w.object_type,
                    object_id=w.object_id,
                    before=w.before,
                )
                for w in written
            ],
        )
        batch = _finish(batch, ImportBatch.Status.COMMITTED, counts=counts, errors=errors)
        audit.record(
            actor=actor,
            action="ledger.import",
            obj=batch,
            region_code=batch.region_id or "",
            after={"kind": batch.kind, "file": batch.file_name, "sha256": batch.file_hash, "counts": counts},
        )
    return batch


def _finish(batch: ImportBatch, status: str, *, counts=None, errors=None, message: str = "") -> ImportBatch:
    batch.status, batch.message, batch.finished_at = status, message, timezone.now()
    batch.counts, batch.errors = counts or batch.counts, errors if errors is not None else batch.errors
    batch.rows_done = batch.rows_total
    batch.save()
    return batch


def _touched_later(batch: ImportBatch) -> list[str]:
    """Records of the batch that something changed after it: a later import, an audited edit, or (for models
    that keep one) a newer `updated_at`. Any of these makes the rollback unsafe."""
    reasons = []
    rows = list(batch.rows.all())
    keys = {(r.object_type, r.object_id) for r in rows}
    guarantees = [r.object_id for r in rows if r.object_type == "baobao.guarantee"]
    if guarantees and Guarantee.objects.filter(pk__in=guarantees, run__published_at__gt=batch.finished_at).exists():
        reasons.append(_("之后发布的包保匹配方案已调整了本批次的包保关系"))
    later = ImportRow.objects.filter(batch__created_at__gt=batch.created_at).exclude(
        batch__status=ImportBatch.Status.ROLLED_BACK
    )
    for object_type, object_id in later.values_list("object_type", "object_id").distinct():
        if (object_type, object_id) in keys:
            reasons.append(_("%(type)s #%(id)s 已被之后的导入修改") % {"type": object_type, "id": object_id})
    edits = AuditEntry.objects.filter(at__gt=batch.finished_at).exclude(action="ledger.import")
    for object_type, object_id in edits.values_list("object_type", "object_id").distinct():
        if (object_type, object_id) in keys:
            reasons.append(_("%(type)s #%(id)s 已在导入后被修改") % {"type": object_type, "id": object_id})
    by_type = {}
    for r in rows:
        by_type.setdefault(r.object_type, []).append(r.object_id)
    for object_type, ids in by_type.items():
        model = apps.get_model(object_type)
        if any(f.name == "updated_at" for f in model._meta.fields):
            changed = model.objects.filter(pk__in=ids, updated_at__gt=batch.finished_at)
            reasons += [
                _("%(type)s #%(id)s 已在导入后被修改") % {"type": object_type, "id": pk}
                for pk in changed.values_list("pk", flat=True)[:20]
            ]
    return reasons


@transaction.atomic
def rollback_batch(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a committed batch while nothing has touched its records since: created records are deleted,
    updated fields get their old values back."""
    require_perm(actor, "ledgers.import_ledger")
    require_in_scope(actor, batch.region_id or "")
    if batch.status != ImportBatch.Status.COMMITTED:
        raise ValidationError(_("只能撤销已导入的批次。"))
    reasons = _touched_later(batch)
    if reasons:
        raise ValidationError(_("无法撤销：%(why)s") % {"why": "；".join(reasons[:5])})
    rows = list(batch.rows.order_by("-pk"))  # children (licences, guarantees) before their parents (runs)
    for row in rows:
        model = apps.get_model(row.object_type)
        if row.action == ImportRow.Action.CREATED:
            model.objects.filter(pk=row.object_id).delete()
        else:
            model.objects.filter(pk=row.object_id).update(**row.before)
    batch.status, batch.rolled_back_at, batch.rolled_back_by = ImportBatch.Status.ROLLED_BACK, timezone.now(), actor
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    audit.record(
        actor=actor, action="ledger.rollback", obj=batch, region_code=batch.region_id or "", after={"rows": len(rows)}
    )
    return batch


def export_ledger(*, actor, kind: str, output, region_code: str | None = None) -> int:
    """Write a ledger in its template's columns, identifiers in full so the file imports back unchanged;
    allowed to those who may import it, and audited (it carries ID and phone numbers)."""
    require_perm(actor, "ledgers.import_ledger")
    prefix = region_code or actor.region_id or ""
    require_in_scope(actor, prefix)
    if kind not in exports.ROWS:
        raise ValidationError({"kind": [_("该台账暂不支持导出：%(kind)s") % {"kind": kind}]})
    count = exports.write_ledger(output, user=actor, kind=kind, region_code=region_code)
    audit.record(
        actor=actor, action="ledger.export", object_type=f"ledgers.{kind}", region_code=prefix, after={"rows": count}
    )
    return count
