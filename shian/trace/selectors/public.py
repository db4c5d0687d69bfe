"""What a scan of a code shows the public (docs/trace.md §2): the product, its producer (a business: public), the
batch, the producer's latest published inspection and its published sampling results, and any recall of the batch.
Never a person, never a holder's name. A forged code is unknown (404); a revoked one is answered as revoked (410)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from shian.inspections.models import Inspection
from shian.sampling.models import Sample

from .. import codes
from ..models import Recall, TraceCode


@dataclass
class Scan:
    status: int  # 200, 404 (forged or unknown) or 410 (revoked)
    page: dict


def scan(code: str) -> Scan:
    token = codes.unsign(code)
    if token is None:
        return Scan(404, {})
    found = (TraceCode.objects.select_related("batch__product__category", "batch__producer__region")
             .filter(token=token).first())  # fmt: skip
    if found is None:
        return Scan(404, {})
    if found.revoked_at is not None:
        return Scan(410, {"revoked_at": found.revoked_at})
    batch = found.batch
    producer = batch.producer
    inspection = (Inspection.objects.filter(entity_id=producer.pk, published_at__isnull=False)
                  .order_by("-inspected_on", "-pk").only("inspected_on", "outcome").first())  # fmt: skip
    samples = (
        Sample.objects.filter(published_at__isnull=False)
        .filter(Q(entity_id=producer.pk) | (Q(producer_uscc=producer.uscc) if producer.uscc else Q(pk__in=[])))
        .aggregate(n=Count("pk"), failed=Count("pk", filter=Q(conclusion=Sample.Conclusion.FAIL)))
    )
    recalls = list(Recall.objects.filter(batches=batch).order_by("-announced_at")
                   .values("number", "level", "kind", "status", "announced_at", "reason"))  # fmt: skip
    return Scan(200, {"batch": batch, "product": batch.product, "producer": producer, "inspection": inspection,
                      "samples": samples, "recalls": recalls, "code": codes.sign(token)})  # fmt: skip
