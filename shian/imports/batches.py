"""Batches: upload, validate, commit all-or-nothing (or skip bad rows on request), report, roll back.

A module describes how it imports with a :class:`Pipeline` (its importers by kind, its batch and row models,
its audit action prefix, an optional rollback check) and calls these functions from its own services, after
its own permission and jurisdiction checks. Each upload is a batch: :func:`create_batch` stores it,
:func:`shian.imports.tasks.enqueue` has the task worker run :func:`process_batch` on it (a clerk sees a
progress bar while 50,000 rows are checked; a CLI runs ``process_batch`` in the foreground). Writes happen in one transaction after
validation, so a refused file leaves nothing behind, and the batch keeps each row's outcome and the values it
replaced, which is what :func:`rollback_batch` restores.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.bulk import insert_rows, sqlite_write_cache, write_behind
from shian.core.models import AuditEntry

from .cells import ImportFileError
from .importer import Change, Importer, Written
from .models import ImportBatchBase, ImportRowBase
from .reading import read_sheet
from .workbooks import error_report_xlsx

__all__ = ["MAX_UPLOAD_BYTES", "Pipeline", "create_batch", "live_progress", "process_batch", "rollback_batch"]

MAX_UPLOAD_BYTES = 50 << 20  # 50 MiB: far above a 100,000-row table
PROGRESS_EVERY = 2000  # rows between progress saves
PROGRESS_SECONDS = 3600  # how long a running batch's progress stays in the progress cache


@dataclass(frozen=True)
class Pipeline:
    """How a module imports its files. ``importers`` maps each kind to its importer class (whose ``spec`` is
    the table read); ``audit_prefix`` names the audit actions ("<prefix>.import", "<prefix>.rollback");
    ``rollback_check(batch, rows)`` returns the module's own reasons not to roll a batch back; ``path`` is the
    dotted path of this pipeline, by which the background task finds it again."""

    path: str
    importers: Mapping[str, type[Importer]]
    batch_model: type[ImportBatchBase]
    row_model: type[ImportRowBase]
    audit_prefix: str
    rollback_check: Callable[[ImportBatchBase, list[ImportRowBase]], list[str]] | None = None


def create_batch(pipeline: Pipeline, *, actor, kind: str, name: str, data: bytes, mode: str, **fields):
    """Store an upload as a queued batch (the caller enqueues or runs it). Refuses kinds, modes and sizes
    it does not take, before anything is stored. ``fields`` are the module's own batch fields (its region)."""
    model = pipeline.batch_model
    if kind not in pipeline.importers:
        raise ValidationError({"kind": [_("未知的台账类型：%(kind)s") % {"kind": kind}]})
    if mode not in model.Mode.values:
        raise ValidationError({"mode": [_("未知的导入方式：%(mode)s") % {"mode": mode}]})
    if not data:
        raise ValidationError({"file": [_("文件是空的。")]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("文件超过 50 MB，请拆分后分批导入。")]})
    batch = model(
        kind=kind,
        mode=mode,
        file_name=name[:255],
        file_hash=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        **fields,
    )
    batch.file.save(name[-100:] or pipeline.audit_prefix, ContentFile(data), save=False)
    batch.save()
    return batch


def _save_progress(batch: ImportBatchBase, done: int, writes: _Commit) -> None:
    """Rows checked so far, for the page that polls the batch: in the batch row, or, once early writes hold the
    commit's transaction open (where the row's update would stay unseen until the end), in the progress cache
    (`live_progress`)."""
    batch.rows_done = done
    if writes.open:
        caches["progress"].set(_progress_key(batch), done, PROGRESS_SECONDS)
    else:
        type(batch).objects.filter(pk=batch.pk).update(rows_done=done)


def _progress_key(batch: ImportBatchBase) -> str:
    database = connection.settings_dict["NAME"]  # two databases on one host (tests in parallel) share the cache
    return f"import-progress:{database}:{batch._meta.label_lower}:{batch.pk}"


def live_progress(batch: ImportBatchBase) -> ImportBatchBase:
    """The batch with the rows checked so far while it runs (see `_save_progress`): what a page that polls it
    shows."""
    if batch.status == batch.Status.RUNNING:
        batch.rows_done = max(batch.rows_done, caches["progress"].get(_progress_key(batch)) or 0)
    return batch


@contextmanager
def _gc_paused():
    """Python's cyclic garbage collector paused while a file is read, planned and written. The rows, their parsed
    values and the planned instances are hundreds of thousands of long-lived objects that every collection walks
    again (a third of a 100,000-row import's time); they form no cycles, so reference counting frees them as
    before, and anything cyclic left behind is collected once the collector runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Commit:
    """The commit's transaction, begun at its first write. An all-or-nothing commit on SQLite begins it while the
    file is still being checked: every `EARLY_ROWS` clean rows are written (behind the checks, by
    `core.bulk.write_behind`) while the next are checked, so SQLite's work and Python's share the two cores. A
    later error rolls all of it back, as if nothing had been written; any other commit writes after the checks."""

    def __init__(self, pipeline: Pipeline, batch: ImportBatchBase, importer_class: type[Importer]):
        self.pipeline, self.batch, self.importer_class = pipeline, batch, importer_class
        self.stack = ExitStack()
        self.open = False
        self.early = (
            batch.mode == type(batch).Mode.COMMIT and importer_class.early_writes and connection.vendor == "sqlite"
        )

    def begin(self) -> None:
        if not self.open:
            self.stack.enter_context(sqlite_write_cache())  # restored once the transaction ended, whatever way
            self.stack.enter_context(transaction.atomic())
            self.stack.enter_context(write_behind())
            self.open = True

    def write(self, changes: list[Change]) -> None:
        self.begin()
        _write_rows(self.pipeline, self.batch, self.importer_class.apply(changes))

    def discard(self) -> None:
        """Undo what was written early (the file turned out to have errors): the transaction rolls back and the
        statements still queued are dropped."""
        if self.open:
            self.close(_Discarded, _Discarded(), None)

    def close(self, *exc_info) -> None:
        self.open = False
        self.stack.__exit__(*(exc_info or (None, None, None)))


class _Discarded(Exception):
    """Passed through the commit's contexts to roll back what was written early."""


def process_batch(pipeline: Pipeline, batch: ImportBatchBase) -> ImportBatchBase:
    """Read, validate and (unless a dry run or refused) commit a queued batch; the batch records the outcome."""
    with _gc_paused():
        return _process(pipeline, batch)


def _process(pipeline: Pipeline, batch: ImportBatchBase) -> ImportBatchBase:
    model, actor = type(batch), batch.created_by
    model.objects.filter(pk=batch.pk).update(status=model.Status.RUNNING)
    importer_class = pipeline.importers[batch.kind]
    with batch.file.open("rb") as handle:
        data = handle.read()
    try:
        sheet = read_sheet(data, batch.file_name, importer_class.spec)
    except ImportFileError as exc:
        return _finish(batch, model.Status.FAILED, message=exc.message)
    del data
    batch.rows_total = len(sheet.rows)
    model.objects.filter(pk=batch.pk).update(rows_total=batch.rows_total)
    writes = _Commit(pipeline, batch, importer_class)
    if writes.early:  # only early writes keep progress in the cache: drop a key left by an earlier database (tests)
        caches["progress"].delete(_progress_key(batch))
    try:
        return _check_and_commit(pipeline, batch, importer_class(sheet, actor), writes)
    except BaseException:
        if writes.open:
            writes.close(*sys.exc_info())
        raise


def _check_and_commit(pipeline: Pipeline, batch: ImportBatchBase, importer: Importer, writes: _Commit):
    model, sheet = type(batch), importer.sheet
    plan = importer.plan(
        progress=lambda n: _save_progress(batch, n, writes) if n % PROGRESS_EVERY == 0 else None,
        early=writes.write if writes.early else None,
    )
    bad = plan.bad_rows
    actions = plan.row_actions(skip=bad)
    counts = {"rows": plan.rows, "created": actions["created"], "updated": actions["updated"]}
    counts.update(unchanged=len(plan.unchanged), skipped=0, errors=len(plan.errors))
    if plan.errors:
        name = f"{batch.file_name.rsplit('.', 1)[0]}_错误报告.xlsx"
        batch.report.save(name, ContentFile(error_report_xlsx(sheet, plan.errors)), save=False)
    errors = [e.as_dict() for e in plan.errors]
    if batch.mode == model.Mode.DRY_RUN or (plan.errors and batch.mode == model.Mode.COMMIT):
        writes.discard()
        status = model.Status.VALIDATED if batch.mode == model.Mode.DRY_RUN else model.Status.REJECTED
        return _finish(batch, status, counts=counts, errors=errors)
    changes = [c for c in plan.changes if c.row not in bad]
    counts["skipped"] = len(bad)
    # The read rows are not needed past the report: freed before the writes, which need memory of their own.
    sheet.rows, plan.changes = [], []
    writes.write(changes)
    batch = _finish(batch, model.Status.COMMITTED, counts=counts, errors=errors)
    audit.record(
        actor=batch.created_by,
        action=f"{pipeline.audit_prefix}.import",
        obj=batch,
        region_code=batch.audit_region,
        after={"kind": batch.kind, "file": batch.file_name, "sha256": batch.file_hash, "counts": counts},
    )
    writes.close()
    return batch


_ROW_COLUMNS = ["batch_id", "row", "action", "object_type", "object_id", "before"]


def _write_rows(pipeline: Pipeline, batch: ImportBatchBase, written: list[Written]) -> None:
    """Each row's outcome as plain rows (no model instance per row: at 100,000 rows building and preparing
    them cost more than writing them); the values before as their JSON text, as the field stores it."""
    dumps = json.dumps
    rows = [
        (batch.pk, w.row, w.action, w.object_type, w.object_id, None if w.before is None else dumps(w.before))
        for w in written
    ]
    insert_rows(pipeline.row_model, _ROW_COLUMNS, rows)


def _finish(batch: ImportBatchBase, status: str, *, counts=None, errors=None, message: str = ""):
    batch.status, batch.message, batch.finished_at = status, message, timezone.now()
    batch.counts, batch.errors = counts or batch.counts, errors if errors is not None else batch.errors
    batch.rows_done = batch.rows_total
    batch.save()
    return batch


def _touched_later(pipeline: Pipeline, batch: ImportBatchBase, rows: list[ImportRowBase]) -> list[str]:
    """Records of the batch that something changed after it: the module's own check, a later import, an
    audited edit, or (for models that keep one) a newer `updated_at`. Any of these makes the rollback unsafe."""
    reasons = list(pipeline.rollback_check(batch, rows)) if pipeline.rollback_check else []
    keys = {(r.object_type, r.object_id) for r in rows}
    later = pipeline.row_model.objects.filter(batch__created_at__gt=batch.created_at).exclude(
        batch__status=pipeline.batch_model.Status.ROLLED_BACK
    )
    for object_type, object_id in later.values_list("object_type", "object_id").distinct():
        if (object_type, object_id) in keys:
            reasons.append(_("%(type)s #%(id)s 已被之后的导入修改") % {"type": object_type, "id": object_id})
    edits = AuditEntry.objects.filter(at__gt=batch.finished_at).exclude(action=f"{pipeline.audit_prefix}.import")
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
def rollback_batch(pipeline: Pipeline, *, actor, batch: ImportBatchBase) -> ImportBatchBase:
    """Undo a committed batch while nothing has touched its records since: created records are deleted,
    updated fields get their old values back."""
    model = type(batch)
    if batch.status != model.Status.COMMITTED:
        raise ValidationError(_("只能撤销已导入的批次。"))
    reasons = _touched_later(pipeline, batch, list(batch.rows.all()))
    if reasons:
        raise ValidationError(_("无法撤销：%(why)s") % {"why": "；".join(reasons[:5])})
    rows = list(batch.rows.order_by("-pk"))  # children (licences, guarantees) before their parents (runs)
    for row in rows:
        target = apps.get_model(row.object_type)
        if row.action == ImportRowBase.Action.CREATED:
            target.objects.filter(pk=row.object_id).delete()
        else:
            target.objects.filter(pk=row.object_id).update(**row.before)
    batch.status, batch.rolled_back_at, batch.rolled_back_by = model.Status.ROLLED_BACK, timezone.now(), actor
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    audit.record(
        actor=actor,
        action=f"{pipeline.audit_prefix}.rollback",
        obj=batch,
        region_code=batch.audit_region,
        after={"rows": len(rows)},
    )
    return batch


def report_response(batch, message: str):
    """The batch's error report (its upload with the bad cells marked) as an xlsx download; 404 with `message`
    when the batch has none (it was clean)."""
    from django.http import FileResponse, Http404

    if not batch.report:
        raise Http404(message)
    name = batch.report.name.rsplit("/", 1)[-1]
    return FileResponse(batch.report.open("rb"), as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
