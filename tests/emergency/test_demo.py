"""The demo's emergency records (docs/emergency.md §6): a grade IV incident reported on time and closed, opinion
items with one fed back late, plans, trainings and drills that meet every readiness rule; once per county."""

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.demo.emergency import load_emergency
from shian.emergency.models import Grade, Incident, Opinion
from shian.emergency.selectors import readiness
from shian.entities.models import Entity
from shian.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_county_gets_an_incident_on_time_opinions_one_late_and_a_live_drill(make_user):
    make_user(Role.COUNTY_ADMIN, "370725")
    Entity.objects.create(name="宝都小学食堂", region_id="370725001001", business_type="canteen",
                          sub_type="school_canteen")  # fmt: skip
    today = timezone.localdate()
    made = load_emergency(county=Region.objects.get(code="370725"), seed=7, today=today)
    assert made["incidents"] == 1 and made["reports"] == 3 and made["opinions"] == 4
    incident = Incident.objects.get()
    assert incident.grade == Grade.IV and incident.status == Incident.Status.CLOSED
    assert incident.first_reported_at <= incident.first_report_due and not incident.first_report_late
    assert incident.entity.name == "宝都小学食堂"
    assert Opinion.objects.filter(feedback_late=True).count() == made["opinions_late"] == 1
    status = readiness("370725", today)
    assert status["trainings_ok"] and status["drills_ok"] and status["live_ok"] and not status["veto"]
    assert load_emergency(county=Region.objects.get(code="370725"), seed=7, today=today) == {}
