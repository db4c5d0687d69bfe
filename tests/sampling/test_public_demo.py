"""The demo of disclosure, 你点我检 and rapid tests (shian.demo.sampling_public): a closed campaign and an open one
with votes, a room per station with months of tests; idempotent."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from shian.accounts.models import Role
from shian.demo.sampling_public import load_sampling_public
from shian.regions.models import Region
from shian.sampling.models import Campaign, RapidTest, RapidTestRoom, Vote

from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_demo_makes_campaigns_votes_rooms_and_tests_once(station_world, make_user):
    make_user(Role.COUNTY_ADMIN, "370725")
    county = Region.objects.get(code="370725")
    today = datetime.date(2026, 11, 20)
    made = load_sampling_public(county=county, seed=1, today=today)
    assert made["campaigns"] == 2 and made["plan_lines_waiting"] == 1  # no sampling plan in this world
    statuses = set(Campaign.objects.values_list("status", flat=True))
    assert statuses == {Campaign.Status.CLOSED, Campaign.Status.VOTING}
    assert Vote.objects.count() == made["votes"] > 0
    assert RapidTestRoom.objects.count() == 2  # one per station with inspectors
    tests = RapidTest.objects.all()
    assert tests.count() == made["rapid_tests"] > 100
    assert tests.filter(result="positive").exists() and tests.order_by("day").first().day < datetime.date(2026, 8, 1)
    assert load_sampling_public(county=county, seed=1, today=today) == {}
    open_campaign = Campaign.objects.get(status=Campaign.Status.VOTING)
    assert Client().get(reverse("sampling:public_campaign", args=[open_campaign.pk])).status_code == 200
