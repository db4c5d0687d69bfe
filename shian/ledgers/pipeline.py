"""How ledgers plug into the import engine: the four ledger kinds, their batch tables, their audit actions
and the rollback check only ledgers need (a published assignment run that re-arranged the batch's guarantees)."""

from django.utils.translation import gettext as _

from shian.baobao.models import Guarantee
from shian.imports.batches import Pipeline

from .importers import IMPORTERS
from .models import ImportBatch, ImportRow


def _guarantees_republished(batch: ImportBatch, rows: list[ImportRow]) -> list[str]:
    guarantees = [r.object_id for r in rows if r.object_type == "baobao.guarantee"]
    if guarantees and Guarantee.objects.filter(pk__in=guarantees, run__published_at__gt=batch.finished_at).exists():
        return [_("之后发布的包保匹配方案已调整了本批次的包保关系")]
    return []


PIPELINE = Pipeline(
    path="shian.ledgers.pipeline.PIPELINE",
    importers=IMPORTERS,
    batch_model=ImportBatch,
    row_model=ImportRow,
    audit_prefix="ledger",
    rollback_check=_guarantees_republished,
)
