"""The demo notices (docs/notices.md §6): a dozen over the year to townships, departments and entities, some replied,
one escalated; idempotent per county."""

import datetime

import pytest
from django.utils import timezone

from shian.accounts.models import Role
from shian.demo.notices import load_notices
from shian.entities.models import Entity
from shian.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions, make_user):
    make_user(Role.COUNTY_ADMIN, "370725", username="county")
    make_user(Role.TOWNSHIP_ADMIN, "370725001")
    make_user(Role.TOWNSHIP_ADMIN, "370725107")
    make_user(Role.DEPARTMENT_STAFF, "370725", department_id="education")
    make_user(Role.DEPARTMENT_STAFF, "370725", department_id="health")
    for n in range(4):
        entity = Entity.objects.create(name=f"演示饭店{n}", region_id="370725001001")
        make_user(Role.ENTERPRISE, "370725001001", entity=entity)
    return regions["370725"]


def test_the_demo_issues_a_dozen_notices_over_the_year_some_replied_one_escalated(county):
    today = timezone.localdate()
    made = load_notices(county=county, seed=7, today=today)
    notices = Notice.objects.all()
    assert made["created"] == notices.count() >= 12
    assert {n.recipient_kind for n in notices} == set(Notice.Recipient.values)
    assert made["escalated"] == 1 and notices.filter(previous__isnull=False).count() == 1
    assert made["replied"] >= 6 and notices.filter(status=Notice.Status.ACCEPTED).count() >= 5
    assert notices.filter(status=Notice.Status.DELIVERED).exists()
    first = min(n.issued_at for n in notices)
    assert timezone.localdate() - timezone.localtime(first).date() > datetime.timedelta(days=250)
    assert all(n.number for n in notices)
    assert load_notices(county=county, seed=7, today=today)["created"] == 0
