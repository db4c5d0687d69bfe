"""A small world for the stations, plans and draws tests: 昌乐县 with two stations (宝都所 covers 宝都街道 with
three inspectors, 乔官所 covers 乔官镇 with two), and helpers to add entities and past inspections."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.checklists.models import Checklist
from shian.entities.models import Entity
from shian.inspections.models import Inspection, Outcome, Signature, Station

from .grading_world import give_band

BAODU, QIAOGUAN = "370725001001", "370725107201"


@dataclass
class PlanWorld:
    county_admin: User
    baodu: Station
    qiaoguan: Station
    inspectors: dict = field(default_factory=dict)  # "baodu" / "qiaoguan" -> [User]
    n: int = 0

    def entity(self, region=BAODU, grade="", sub_type="", business_type="catering", **fields) -> Entity:
        self.n += 1
        entity = Entity.objects.create(
            name=fields.pop("name", f"主体{self.n}"), region_id=region, sub_type=sub_type,
            business_type=business_type, uscc=fields.pop("uscc", f"91370725MA{self.n:08d}"), address="路1号", **fields,
        )  # fmt: skip
        give_band(entity, grade)
        return entity


def inspected(entity, day: datetime.date, signers=(), outcome=Outcome.CONFORM) -> Inspection:
    """A signed inspection of `entity` on `day` by `signers`."""
    checklist = Checklist.objects.filter(kind="insp_catering").order_by("version").first()
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    signer = signers[0] if signers else User.objects.filter(role=Role.STATION_STAFF).first()
    inspection = Inspection.objects.create(
        checklist=checklist, started_at=at, signed_at=at, signer_name=signer.name or signer.username,
        signed_by=signer, entity=entity, region_id=entity.region_id, kind="routine", inspected_on=day,
        outcome=outcome,
    )  # fmt: skip
    for user in signers:
        Signature.objects.create(inspection=inspection, inspector=user, name=user.username, signed_at=at)
    return inspection


@pytest.fixture
def pw(make_user) -> PlanWorld:
    admin = make_user(Role.COUNTY_ADMIN, "370725", username="county")
    baodu = Station.objects.create(code="S001", name="宝都市场监管所", region_id="370725")
    baodu.townships.set(["370725001"])
    qiaoguan = Station.objects.create(code="S002", name="乔官市场监管所", region_id="370725")
    qiaoguan.townships.set(["370725107"])
    world = PlanWorld(county_admin=admin, baodu=baodu, qiaoguan=qiaoguan)
    for key, station, region, n in (("baodu", baodu, "370725001", 3), ("qiaoguan", qiaoguan, "370725107", 2)):
        people = [make_user(Role.STATION_STAFF, region, username=f"{key}{i}", name=f"{key}执法{i}",
                            phone=f"1390000{i:04d}") for i in range(1, n + 1)]  # fmt: skip
        station.inspectors.set(people)
        world.inspectors[key] = people
    return world
