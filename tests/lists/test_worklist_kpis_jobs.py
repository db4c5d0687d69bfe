"""The lists' work-list items, dashboard figures and jobs (docs/lists.md §4-§5)."""

import datetime

import pytest
from django.utils import timezone

from shian.core import schedule
from shian.core.kpis import Grouping, kpi
from shian.lists import kpis
from shian.lists.models import DishonestyEntry, Edition
from shian.lists.selectors import candidates
from shian.lists.services import dishonesty
from shian.lists.services import editions as services
from shian.lists.worklist import items

pytestmark = pytest.mark.django_db


def _reviewed(lw) -> Edition:
    edition = services.create(actor=lw.drafter, region_code="370725")
    for c in candidates.propose(edition)["black"]:
        services.add_line(actor=lw.drafter, edition=edition, source_kind=c.source_kind, source_id=c.source_id,
                          reason=c.reason)  # fmt: skip
    return services.review(actor=lw.reviewer, edition=edition)


def _counts(user) -> dict:
    return {i.key: i.count for i in items(user=user, region_code=None, today=timezone.localdate())}


def test_an_edition_waits_for_an_approver_who_neither_drafted_nor_reviewed_it(lw):
    _reviewed(lw)
    assert _counts(lw.approver)["lists.approve"] == 1
    assert _counts(lw.reviewer)["lists.approve"] == 0
    assert "lists.approve" not in _counts(lw.drafter)  # station staff do not approve
    assert _counts(lw.outsider)["lists.approve"] == 0
    assert items(user=lw.enterprise, region_code=None, today=timezone.localdate()) == []


def test_editions_published_this_month_count_against_the_rule(lw):
    edition = services.approve(actor=lw.approver, edition=_reviewed(lw))
    parts = kpis.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate())
    assert parts.get("370725", {}).get("editions_month", 0) == 0
    services.publish(actor=lw.drafter, edition=edition)
    parts = kpis.count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate(), series=True)["370725"]
    assert parts["editions_month"] == 1
    assert kpi("lists.editions_month").value(parts) == 1
    assert kpis.TARGETS["lists.editions_month"] == "lists.editions_per_month"
    month = timezone.localdate().replace(day=1).isoformat()
    assert parts[f"editions_m:{month}"] == 1


def test_the_expiry_job_is_registered_and_removes_ended_entries(lw):
    entry = dishonesty.list_from_case(actor=lw.reviewer, case=lw.case)
    DishonestyEntry.objects.filter(pk=entry.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    job = schedule._jobs["lists.expire"]
    assert job.run(timezone.now()) == "expired=1"
    assert DishonestyEntry.objects.get().status == DishonestyEntry.Status.EXPIRED
    assert "lists.joint_sweep" in schedule._jobs
