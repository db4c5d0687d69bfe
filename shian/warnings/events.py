"""Rules run on the events that can trigger them (docs/warnings.md §3): a sample reported failed runs the kinds
listening for samples in its county, a new complaint naming an entity those listening for complaints; after the
transaction commits, so a rolled-back write raises nothing. The scheduled run catches whatever an event missed."""

from django.db import transaction
from django.db.models.signals import post_save

from shian.complaints.models import Complaint
from shian.core.regioncodes import COUNTY, ancestor
from shian.sampling.models import Sample

from . import signals


def _kinds(event: str) -> set[str]:
    return {kind for kind, spec in signals.KINDS.items() if event in spec.events}


def _schedule(event: str, region_code: str) -> None:
    county = ancestor(region_code, COUNTY)
    if not county:
        return

    def go():
        from .services.run import run

        run(prefix=county, kinds=_kinds(event), escalate=False)

    transaction.on_commit(go)


def _sample_saved(sender, instance: Sample, **kwargs):
    if instance.conclusion == Sample.Conclusion.FAIL:
        _schedule("sample", instance.region_id)


def _complaint_saved(sender, instance: Complaint, created: bool, **kwargs):
    if created and instance.entity_id:
        _schedule("complaint", instance.region_id)


def connect() -> None:
    post_save.connect(_sample_saved, sender=Sample, dispatch_uid="warnings.sample")
    post_save.connect(_complaint_saved, sender=Complaint, dispatch_uid="warnings.complaint")
