"""The demo year of complaints and reports (shian/demo/complaints.py): items in every state, on the clock, once."""

import datetime

import pytest
from django.utils import timezone

from shian.complaints.models import Complaint
from shian.demo.complaints import load_complaints
from shian.regions.models import Region

from .complaints_world import county_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_items_in_every_state_and_is_made_once(county):
    made = load_complaints(county=Region.objects.get(code="370725"), seed=7, today=timezone.localdate())
    assert made["items"] == Complaint.objects.count() >= 60
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {"closed", "received"} <= statuses
    assert Complaint.objects.filter(duplicate_of__isnull=False).count() == made["linked_duplicates"] > 0
    assert all(c.due_rules for c in Complaint.objects.exclude(status="duplicate"))
    open_items = Complaint.objects.filter(due_at__isnull=False)
    assert not open_items.filter(closed_at__isnull=False).exists()
    assert load_complaints(county=Region.objects.get(code="370725"), seed=7, today=timezone.localdate()) == {}
    a_year_ago = timezone.now() - datetime.timedelta(days=366)
    assert not Complaint.objects.filter(received_at__lt=a_year_ago).exists()
