"""Background work for imports: an upload is validated and committed by the task worker, off the request."""

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from .batches import Pipeline, process_batch
from .models import ImportBatchBase


@task()
def run_batch(pipeline_path: str, batch_id: int) -> None:
    pipeline: Pipeline = import_string(pipeline_path)
    process_batch(pipeline, pipeline.batch_model.objects.select_related("created_by").get(pk=batch_id))


def enqueue(pipeline: Pipeline, batch: ImportBatchBase) -> None:
    """Have the task worker process the batch once the current transaction commits; the page polls it."""
    transaction.on_commit(lambda: run_batch.enqueue(pipeline.path, batch.pk))
