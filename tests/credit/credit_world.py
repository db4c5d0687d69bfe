"""Fixtures of the credit tests (docs/credit.md): two businesses in 站前社区 and one in 乔官村, the township's station
staff, a county administrator, an outsider in 博山区, and an enterprise account of the first business; helpers that
write the records a credit file is built from."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.cases.models import Case
from shian.complaints.models import Complaint
from shian.entities.models import Entity, License
from shian.sampling.models import Sample

VILLAGE = "370725001001"
OTHER_VILLAGE = "370725107201"


@dataclass
class CreditWorld:
    shop: Entity
    neighbour: Entity
    far: Entity
    station: User
    county: User
    outsider: User
    owner: User
    neighbour_owner: User


def make_entity(name, region=VILLAGE, business_type="catering", sub_type="small_restaurant", **fields) -> Entity:
    return Entity.objects.create(name=name, region_id=region, business_type=business_type, sub_type=sub_type,
                                 address="经营地址", **fields)  # fmt: skip


@pytest.fixture
def cw(make_user) -> CreditWorld:
    shop, neighbour = make_entity("老张饭店"), make_entity("老李饭店")
    far = make_entity("乔官小吃", OTHER_VILLAGE)
    today = timezone.localdate()
    for n, entity in enumerate((shop, neighbour, far), 1):
        License.objects.create(entity=entity, kind=License.Kind.BUSINESS, number=f"JY137072500{n:05d}",
                               expires_on=today + datetime.timedelta(days=400))  # fmt: skip
    return CreditWorld(
        shop=shop, neighbour=neighbour, far=far,
        station=make_user(Role.STATION_STAFF, "370725001", username="station"),
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        owner=make_user(Role.ENTERPRISE, VILLAGE, entity=shop, username="boss"),
        neighbour_owner=make_user(Role.ENTERPRISE, VILLAGE, entity=neighbour, username="neighbour"),
    )  # fmt: skip


def failed_sample(entity, *, days_ago=0, by=None, number=None) -> Sample:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    by = by or User.objects.filter(role=Role.STATION_STAFF).first()
    return Sample.objects.create(
        number=number or f"CJ-{entity.pk}-{days_ago}-{Sample.objects.count()}", entity=entity,
        region_id=entity.region_id, category="condiment", product="辣椒酱", quantity="6瓶", sampled_at=when,
        to_lab_due=when, created_by=by, conclusion=Sample.Conclusion.FAIL,
    )  # fmt: skip


def penalty(entity, *, days_ago=0, by=None) -> Case:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    by = by or User.objects.filter(role=Role.STATION_STAFF).first()
    return Case.objects.create(
        number=f"AJ-{entity.pk}-{Case.objects.count()}", region_id=entity.region_id, entity=entity, title="使用过期原料",
        opened_at=when - datetime.timedelta(days=10), created_by=by, source=Case.Source.OTHER, facts="违法事实",
        decision_due=when + datetime.timedelta(days=80), status=Case.Status.DECIDED, decided_at=when,
        penalties=[Case.Penalty.FINE], fine_amount=5000, decision_number=f"昌市监罚〔2026〕{Case.objects.count()}号",
    )  # fmt: skip


def upheld_report(entity, *, days_ago=0) -> Complaint:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Complaint.objects.create(
        number=f"JB-{entity.pk}-{Complaint.objects.count()}", kind=Complaint.Kind.REPORT, channel="hotline",
        region_id=entity.region_id, entity=entity, facts="使用地沟油", received_at=when, decided_at=when, filed=True,
        status=Complaint.Status.DECIDED, informant_name="王小明", phone="13812345678",
    )  # fmt: skip
