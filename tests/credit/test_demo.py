"""The demo's credit (shian/demo/credit.py): policies for the priority businesses with lapses, a correction
request by the enterprise account, every business rated; made once."""

import pytest
from django.utils import timezone

from shian.credit.models import CorrectionRequest, CreditRating, InsurancePolicy
from shian.demo.credit import load_credit
from shian.regions.models import Region

from .credit_world import make_entity, penalty

pytestmark = pytest.mark.django_db


def test_the_demo_insures_most_priority_businesses_rates_every_one_and_runs_once(cw):
    for n in range(20):
        make_entity(f"聚餐点{n}", sub_type="rural_dinner")
        make_entity(f"学校{n}", business_type="canteen", sub_type="school_canteen")
    penalty(cw.shop)
    county, today = Region.objects.get(code="370725"), timezone.localdate()
    made = load_credit(county=county, seed=3, today=today)
    assert made["policies"] == InsurancePolicy.objects.count() > 20
    assert InsurancePolicy.objects.filter(ends_on__lt=today).count() == made["lapsed"]
    assert not InsurancePolicy.objects.filter(entity__sub_type="small_restaurant").exists()
    assert made["corrections"] == 1 and CorrectionRequest.objects.get().entity_id == cw.owner.entity_id
    assert made["ratings"] == CreditRating.objects.count() == 43
    assert [e["kind"] for e in CreditRating.objects.get(entity=cw.shop).events] == ["penalty"]
    assert load_credit(county=county, seed=3, today=today) == {}
