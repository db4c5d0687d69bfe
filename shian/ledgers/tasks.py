"""Background work for ledgers: an upload is validated and committed by the task worker, off the request."""

from django_tasks import task

from .models import ImportBatch


@task()
def run_import(batch_id: int) -> None:
    from .services import process_batch

    process_batch(ImportBatch.objects.select_related("created_by").get(pk=batch_id))
