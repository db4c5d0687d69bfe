"""What the public side may ask of credit (docs/credit.md §3): which records are under correction review, so the
portal leaves them out while a correction request on them is pending.

    under_review(entity_ids) -> set[(kind, id)]

`kind` is an `ItemKind` value naming the module's record: "license" (entities.License), "problem"
(visits.Problem), "inspection" (inspections.Inspection), "sample" (sampling.Sample), "complaint"
(complaints.Complaint), "penalty" (cases.Case), "listing" (lists.DishonestyEntry), "list_line"
(lists.EditionLine), "insurance" (credit.InsurancePolicy), "rating" (the entity's credit class; id = entity id)."""

from ..models import CorrectionRequest


def under_review(entity_ids) -> set[tuple[str, int]]:
    ids = [int(pk) for pk in entity_ids]
    if not ids:
        return set()
    rows = CorrectionRequest.objects.filter(entity_id__in=ids, status=CorrectionRequest.Status.PENDING)
    return set(rows.values_list("kind", "record_id"))
