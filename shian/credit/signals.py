"""Recompute an entity's credit class on each event (docs/credit.md §2): receivers on the models of the modules below
credit, connected from CreditConfig.ready(). A save of a record that feeds the class (a sample, a case, a report, an
inspection, a 包保 problem, a licence, a dishonesty entry, a published 红黑榜 edition) queues its entity; once the
writing transaction commits, the queued entities are recomputed together (`recompute_entities`), so the other
module's write is never slowed by credit inside its transaction nor undone by a failure here (logged). Writes that
bypass model saves (bulk inserts, queryset updates) and time decay are caught by the nightly job."""

from django.db.models.signals import post_save

from .services.recompute import queue


def _on_entity_record(sender, instance, raw=False, **kwargs):
    if not raw:
        queue([getattr(instance, "entity_id", None)])


def _on_edition(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from shian.lists.models import EditionLine

    queue(EditionLine.objects.filter(edition_id=instance.pk).values_list("entity_id", flat=True))


def connect() -> None:
    from shian.cases.models import Case
    from shian.complaints.models import Complaint
    from shian.entities.models import License
    from shian.inspections.models import Inspection
    from shian.lists.models import DishonestyEntry, Edition
    from shian.sampling.models import Sample
    from shian.visits.models import Problem

    from .models import InsurancePolicy

    for model in (Sample, Case, Complaint, Inspection, Problem, License, DishonestyEntry, InsurancePolicy):
        post_save.connect(_on_entity_record, sender=model, dispatch_uid=f"credit-{model._meta.label_lower}")
    post_save.connect(_on_edition, sender=Edition, dispatch_uid="credit-lists.edition")
