"""The complaints figures (shian/complaints/kpis.py): on-time rates from the steps' instants and due instants."""

import datetime

import pytest
from django.utils import timezone

from shian.complaints.kpis import count
from shian.complaints.services import clock, intake
from shian.core.kpis import Grouping, kpi

from .complaints_world import county_fixture, item_values  # noqa: F401

pytestmark = pytest.mark.django_db


def test_acceptance_and_closure_on_time_count_late_steps_against_the_rate(county):
    now = timezone.now()
    late = intake.receive(actor=county["zhang"], **item_values(received_at=now - datetime.timedelta(days=20)))
    clock.accept(actor=county["zhang"], complaint=late)
    quick = intake.receive(actor=county["zhang"], **item_values(facts="面包发霉。"))
    clock.refuse(actor=county["zhang"], complaint=quick, reason="不属于本部门职责")
    intake.receive(
        actor=county["zhang"], **item_values(facts="饮料过期。", received_at=now - datetime.timedelta(days=30))
    )
    parts = count(prefix="370725", grouping=Grouping(6), as_of=timezone.localdate())["370725"]
    if late.received_at.year == now.year:
        assert parts["cmp_accepted"] == 2 and parts["cmp_accepted_on_time"] == 1
        assert kpi("complaints.accept_on_time").value(parts) == 50.0
    assert parts["cmp_closed"] == parts["cmp_closed_on_time"] == 1
    assert parts["cmp_overdue"] == 1
