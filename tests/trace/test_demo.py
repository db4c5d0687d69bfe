"""The demo's traceability (shian/demo/trace.py): a year of batches handed on to retail holders, a completed recall and
one in progress; idempotent per county."""

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.demo.trace import MONTHS, PRODUCTS, load_trace
from shian.entities.models import Entity
from shian.trace.models import Batch, ChainEvent, Recall
from shian.trace.selectors.trace import downstream

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions, make_user):
    make_user(Role.COUNTY_ADMIN, "370725", username="county")
    for n in range(3):
        Entity.objects.create(name=f"演示食品厂{n}", region_id="370725001001", business_type="production")
    Entity.objects.create(name="演示批发部", region_id="370725001001", business_type="sales")
    for n in range(4):
        Entity.objects.create(name=f"演示摊位{n}", region_id="370725107201", business_type="market")
    return regions["370725"]


def test_the_demo_chain_and_recalls(county):
    made = load_trace(county=county, seed=3, today=timezone.localdate())
    assert made["batches"] == Batch.objects.count() == MONTHS * len(PRODUCTS)
    pork = ChainEvent.objects.filter(batch__product__category__code="pork", kind="stall_received").first()
    assert pork.attributes["quarantine_certificate"]
    assert Recall.objects.filter(status=Recall.Status.COMPLETED).count() == 1
    open_ = Recall.objects.get(status=Recall.Status.OPEN)
    assert open_.notices.filter(confirmed_at__isnull=True).exists()
    assert len(downstream([open_.batches.get().pk])) == 5  # producer, wholesaler, three retail holders
    assert load_trace(county=county, seed=3, today=timezone.localdate())["created"] == 0
