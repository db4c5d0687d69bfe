"""Ledger imports: upload, validate, commit all-or-nothing (or skip bad rows on request), report, roll back.

The import engine (:mod:`shian.imports.batches`) does the work on the ledgers' pipeline
(:mod:`shian.ledgers.pipeline`); these services add who may import and where. Each upload is an ImportBatch.
The work runs in a background task so a clerk sees a progress bar while 50,000 rows are checked; the CLI runs
the same `process_batch` in the foreground. Writes happen in one transaction after validation, so a refused
file leaves nothing behind, and the batch keeps each row's outcome and the values it replaced, which is what
`rollback_batch` restores.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.permissions import require_perm
from shian.imports import batches
from shian.imports.tasks import enqueue

from . import exports
from .models import ImportBatch
from .pipeline import PIPELINE


def create_batch(*, actor, kind: str, name: str, data: bytes, mode: str = ImportBatch.Mode.COMMIT) -> ImportBatch:
    """Store an upload as a queued batch (the caller enqueues or runs it). Refuses kinds, modes and sizes
    it does not take, before anything is stored."""
    require_perm(actor, "ledgers.import_ledger")
    require_in_scope(actor, actor.region_id or "")
    return batches.create_batch(
        PIPELINE, actor=actor, kind=kind, name=name, data=data, mode=mode, region_id=actor.region_id or None
    )


def start_import(*, actor, kind: str, name: str, data: bytes, mode: str = ImportBatch.Mode.COMMIT) -> ImportBatch:
    """Queue an upload for the task worker; the page polls the batch for progress."""
    batch = create_batch(actor=actor, kind=kind, name=name, data=data, mode=mode)
    enqueue(PIPELINE, batch)
    return batch


def process_batch(batch: ImportBatch) -> ImportBatch:
    """Read, validate and (unless a dry run or refused) commit a queued batch; the batch records the outcome."""
    return batches.process_batch(PIPELINE, batch)


def rollback_batch(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a committed batch while nothing has touched its records since: created records are deleted,
    updated fields get their old values back."""
    require_perm(actor, "ledgers.import_ledger")
    require_in_scope(actor, batch.region_id or "")
    return batches.rollback_batch(PIPELINE, actor=actor, batch=batch)


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
