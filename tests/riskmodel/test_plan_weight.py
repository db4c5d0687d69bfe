# ruff: noqa: F811  (the `pw` fixture is imported from the inspections' planning world)
"""The model's score as the plan's weight within a band (docs/riskmodel.md §5, inspections.priority): at a station
short of inspectors, the items with the higher probability get the lead inspectors first; how many inspections each
entity gets (the band's legal minimum) does not change."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from shian.core.models import DeadlineRule
from shian.inspections.models import PlannedInspection
from shian.inspections.services.planning import plan_year
from shian.riskmodel.features import CODES
from shian.riskmodel.models import EntityScore, ModelVersion
from tests.inspections.planning_world import QIAOGUAN, pw  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2027


def test_higher_scores_get_the_scarce_inspectors_and_no_entity_loses_an_inspection(pw):
    DeadlineRule.objects.create(code="inspections.inspector_monthly_capacity", name="cap", unit="n", amount=2,
                                region_prefix="370725", version=2, valid_from=datetime.date(2020, 1, 1))  # fmt: skip
    entities = [pw.entity(region=QIAOGUAN, grade="B") for _ in range(48)]
    before = plan_year(region_code="370725", year=YEAR)
    counts = Counter(PlannedInspection.objects.filter(plan=before).values_list("entity_id", flat=True))
    n = len(CODES)
    model = ModelVersion.objects.create(
        version="v1", cutoff=datetime.date(2026, 12, 1), features=list(CODES), means=[0.0] * n, scales=[1.0] * n,
        coefficients=[0.0] * n, intercept=0.0, rows=1, positives=1, auc=0.5, baseline_auc=0.5,
        trained_at=timezone.now(), in_use=True,
    )  # fmt: skip
    risky = set(e.pk for e in entities[1::2])
    for e in entities:
        EntityScore.objects.create(model=model, entity=e, region_id=e.region_id, scored_at=timezone.now(),
                                   probability=0.9 if e.pk in risky else 0.05)  # fmt: skip
    plan = plan_year(region_code="370725", year=YEAR)
    items = PlannedInspection.objects.filter(plan=plan)
    assert Counter(items.values_list("entity_id", flat=True)) == counts  # the band minimum is untouched
    assert items.filter(inspector__isnull=True).exists()  # the station is short: the order matters
    for month in range(1, 13):
        here = items.filter(month=month)
        led_plain = here.filter(inspector__isnull=False).exclude(entity_id__in=risky).exists()
        unled_risky = here.filter(inspector__isnull=True, entity_id__in=risky).exists()
        assert not (led_plain and unled_risky), f"month {month}: a lower score was led before a higher one"
