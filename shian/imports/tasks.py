"""Background work for imports: an upload is validated and committed by the task worker, off the request."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .batches import Pipeline, process_batch
from .models import ImportBatchBase

logger = logging.getLogger(__name__)


@task()
def run_batch(pipeline_path: str, batch_id: int) -> None:
    pipeline: Pipeline = import_string(pipeline_path)
    model = pipeline.batch_model
    try:
        process_batch(pipeline, model.objects.select_related("created_by").get(pk=batch_id))
    except Exception:
        # the writes were one transaction and rolled back; the page that polls the batch must stop and say so
        logger.exception("import batch %s (%s) crashed", batch_id, pipeline_path)
        model.objects.filter(pk=batch_id, status__in=[model.Status.QUEUED, model.Status.RUNNING]).update(
            status=model.Status.FAILED, finished_at=timezone.now(),
            message=_("导入过程中发生内部错误，未写入任何数据；错误已记录，请联系系统管理员。"),
        )  # fmt: skip
        raise


def enqueue(pipeline: Pipeline, batch: ImportBatchBase) -> None:
    """Have the task worker process the batch once the current transaction commits; the page polls it."""
    transaction.on_commit(lambda: run_batch.enqueue(pipeline.path, batch.pk))
