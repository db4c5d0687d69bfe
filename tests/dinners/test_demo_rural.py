"""The demo's dinners and foodborne records (shian/demo/rural.py): chefs with some certificates expiring, dinners
mostly insured with the guided ones visited and the next ones open, and a cluster that opened an incident; once."""

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.demo.rural import load_rural
from shian.dinners.models import Chef, Dinner, GuidanceTask
from shian.emergency.models import Incident
from shian.entities.models import Entity
from shian.foodborne.models import Cluster
from shian.regions.models import Grid, Region

pytestmark = pytest.mark.django_db


def test_the_demo_county_gets_chefs_dinners_with_guidance_and_a_cluster_incident(make_user):
    make_user(Role.COUNTY_ADMIN, "370725")
    worker = make_user(Role.GRID_WORKER, "370725001001")
    Grid.objects.create(code="G1", name="站前网格", kind="community", region_id="370725001001", worker=worker)
    Entity.objects.create(name="宝都饭店", region_id="370725001001", business_type="catering")
    county = Region.objects.get(code="370725")
    today = timezone.localdate()
    made = load_rural(county=county, seed=7, today=today)
    assert made["chefs"] == Chef.objects.count() == 8 and made["expiring"] == 2
    assert made["dinners"] == Dinner.objects.count() == 24
    assert made["insured"] / made["dinners"] >= 0.6
    done = GuidanceTask.objects.filter(status="done")
    assert (
        done.count() == made["guided"] > 0 and made["open_tasks"] == GuidanceTask.objects.filter(status="open").count()
    )
    assert done.filter(assignee=worker).exists()
    cluster = Cluster.objects.get(kind="place")
    assert cluster.incident is not None and Incident.objects.get().suspected
    assert load_rural(county=county, seed=7, today=today) == {}
