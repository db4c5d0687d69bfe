"""Recomputing credit classes (docs/credit.md §2): from the records of every module, set-based, writing only what
changed; on each event (after the commit), by the command, and as the risk score's credit factor."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from shian.core.models import AuditEntry
from shian.credit.models import CreditRating, InsurancePolicy
from shian.credit.selectors.files import credit_classes
from shian.credit.services.recompute import recompute_entities, recompute_region
from shian.entities.models import License
from shian.inspections.defaults import SCHEMES
from shian.inspections.models import Outcome
from shian.inspections.services.grading import score as risk_score
from shian.lists.models import DishonestyEntry
from tests.inspections.grading_world import inspect

from .credit_world import failed_sample, penalty, upheld_report

pytestmark = pytest.mark.django_db


def _rating(entity) -> CreditRating:
    return CreditRating.objects.get(entity=entity)


def test_a_business_with_a_clean_record_is_class_a_and_one_with_penalties_falls(cw):
    penalty(cw.shop)
    failed_sample(cw.shop, days_ago=5)
    upheld_report(cw.shop, days_ago=3)
    run = recompute_region(region_code="370725")
    assert run.entities == 3 and run.changed == 3
    assert _rating(cw.neighbour).band == "A" and _rating(cw.neighbour).events == []
    shop = _rating(cw.shop)
    assert shop.points < _rating(cw.neighbour).points
    assert {e["kind"] for e in shop.events} == {"penalty", "sample_fail", "complaint"}
    assert all(e["points"] < 0 and e["label"] for e in shop.events)
    assert sum(run.bands.values()) == 3


def test_a_second_run_with_nothing_new_writes_nothing(cw):
    penalty(cw.shop)
    recompute_region(region_code="370725")
    again = recompute_region(region_code="370725")
    assert again.changed == 0 and again.entities == 3
    assert AuditEntry.objects.filter(action="credit.recompute").count() == 2


def test_the_region_narrows_the_run_and_an_actor_outside_it_is_refused(cw):
    from django.http import Http404

    run = recompute_region(region_code="370725107")
    assert run.entities == 1
    assert set(CreditRating.objects.values_list("entity_id", flat=True)) == {cw.far.pk}
    with pytest.raises(Http404):
        recompute_region(actor=cw.outsider, region_code="370725")


def test_states_count_while_they_last(cw):
    today = timezone.localdate()
    License.objects.filter(entity=cw.shop).update(expires_on=today - datetime.timedelta(days=1))
    case = penalty(cw.neighbour, days_ago=400)
    DishonestyEntry.objects.create(entity=cw.neighbour, case=case, legal_basis="《食品安全法》第一百二十三条",
                                   listed_on=today - datetime.timedelta(days=10),
                                   ends_on=today + datetime.timedelta(days=1000), created_by=cw.station)  # fmt: skip
    InsurancePolicy.objects.create(entity=cw.far, region_id=cw.far.region_id, insurer="人保财险", number="P1",
                                   starts_on=today, ends_on=today + datetime.timedelta(days=365), cover=500000,
                                   created_by=cw.station)  # fmt: skip
    recompute_region(region_code="370725")
    assert [e["kind"] for e in _rating(cw.shop).events] == ["license_expired"]
    assert "dishonesty" in {e["kind"] for e in _rating(cw.neighbour).events}
    assert _rating(cw.neighbour).band in ("C", "D")
    far = _rating(cw.far)
    assert far.band == "A" and [e["kind"] for e in far.events] == ["insured"]


def test_an_inspection_not_conforming_counts_against_the_business(cw):
    inspect(cw.shop, Outcome.NONCONFORM, days_ago=1, inspector=cw.station)
    recompute_region(region_code="370725")
    assert [e["kind"] for e in _rating(cw.shop).events] == ["inspection_fail"]


def test_saving_a_failed_sample_recomputes_its_business_once_the_transaction_commits(
    cw, django_capture_on_commit_callbacks
):
    recompute_region(region_code="370725")
    before = _rating(cw.shop).points
    with django_capture_on_commit_callbacks(execute=True):
        failed_sample(cw.shop)
    assert _rating(cw.shop).points < before
    entry = AuditEntry.objects.filter(action="credit.recompute").order_by("-pk").first()
    assert entry.after["trigger"] == "event" and entry.after["entities"] == [cw.shop.pk]


def test_recomputing_a_few_entities_that_did_not_change_writes_and_audits_nothing(cw):
    recompute_region(region_code="370725")
    count = AuditEntry.objects.count()
    assert recompute_entities([cw.shop.pk, cw.neighbour.pk]) == 0
    assert AuditEntry.objects.count() == count


def test_the_command_prints_the_run_as_json(cw):
    penalty(cw.shop)
    out = io.StringIO()
    call_command("recompute_credit", "--region", "370725", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"entities", "changed", "bands", "seconds"}
    assert result["entities"] == 3 and result["changed"] == 3 and sum(result["bands"].values()) == 3


def test_the_command_refuses_a_malformed_region(cw):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("recompute_credit", "--region", "37x")


def test_the_credit_class_feeds_the_2022_risk_score(cw):
    penalty(cw.shop)
    recompute_region(region_code="370725")
    classes = credit_classes([cw.shop.pk, cw.neighbour.pk], timezone.localdate())
    assert classes == {cw.shop.pk: _rating(cw.shop).band, cw.neighbour.pk: "A"}
    tables = SCHEMES["2022"]["tables"]
    points = tables["credit"][0]["points"]
    values = {"sub_type": "small_restaurant", "business_type": "catering"}
    factors, sums = risk_score(tables, values, {"credit_class": "D"})
    credit = [f for f in factors if f["part"] == "credit"]
    assert credit[0]["value"] == "D" and "note" not in credit[0]
    assert sums["credit"] == points["D"]
    _f, unknown = risk_score(tables, values, {})
    assert unknown["credit"] == points[""]
