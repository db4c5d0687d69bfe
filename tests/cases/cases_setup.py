"""A small case world (docs/cases.md): the visit world of tests/visits (a catering entity in 站前社区, its cadre,
the township's station staff, the county's administrator), a city administrator above the county and a second
county administrator who approves extensions, and one source of each kind: an overdue 包保 problem from a signed
visit, an inspections referral, a failed sample's disposal and a report."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.complaints.models import Complaint
from shian.inspections.models import CaseReferral
from shian.sampling.models import Disposal, Lab, Sample
from shian.visits.models import Problem
from tests.visits.conftest import sign

VILLAGE = "370725001001"


def overdue_problem(world, days=3) -> Problem:
    """A problem found on a signed visit whose rectification deadline passed `days` ago, still open."""
    visit, _created = sign(world, fail={1: "后厨地面积水，未设防鼠设施"})
    problem = Problem.objects.filter(visit=visit).order_by("pk").first()
    Problem.objects.filter(pk=problem.pk).update(due_at=timezone.now() - datetime.timedelta(days=days))
    problem.refresh_from_db()
    return problem


def referral(world) -> CaseReferral:
    return CaseReferral.objects.create(entity=world.entity, region_id=VILLAGE, source="inspection",
                                       reason="监督检查不符合：使用超过保质期的食品原料")  # fmt: skip


def disposal(world, make_user) -> Disposal:
    lab = Lab.objects.create(name="县检验所", code="LAB-C", region_id="370725")
    now = timezone.now()
    sample = Sample.objects.create(
        number="CJ2026370725-09001", entity=world.entity, region_id=VILLAGE, category="condiment", product="辣椒酱",
        quantity="6瓶", lab=lab, sampled_at=now - datetime.timedelta(days=40), to_lab_due=now,
        created_by=world.station, conclusion=Sample.Conclusion.FAIL,
    )  # fmt: skip
    return Disposal.objects.create(sample=sample, entity=world.entity, region_id=VILLAGE, opened_at=now,
                                   due_at=now + datetime.timedelta(days=90), retest_due=now)  # fmt: skip


def report(world, number="JB2026-0001", kind=Complaint.Kind.REPORT) -> Complaint:
    return Complaint.objects.create(number=number, kind=kind, channel="hotline", region_id=VILLAGE,
                                    entity=world.entity, facts="饭店使用地沟油", received_at=timezone.now())  # fmt: skip


@pytest.fixture(name="people")
def people_fixture(world, make_user):  # noqa: ARG001 - the world's regions and users first
    return {
        "city": make_user(Role.CITY_ADMIN, "3707", username="city"),
        "deputy": make_user(Role.COUNTY_ADMIN, "370725", username="deputy", name="李局长"),
        "other_station": make_user(Role.STATION_STAFF, "370725107", username="qiaoguan"),
    }
