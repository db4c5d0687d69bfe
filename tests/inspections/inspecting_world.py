"""A small inspection world for the tasks/inspections/rectification tests: 宝都街道 市场监管所 with two
inspectors, 乔官镇's station with one, a catering entity in 站前社区 with its enterprise account, and an open key
task for the two inspectors."""

import base64
import datetime
import io
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone
from PIL import Image

from shian.accounts.models import Role, User
from shian.checklists.models import Result
from shian.entities.models import Entity
from shian.inspections.checklists import checklist_for
from shian.inspections.models import InspectionTask, Station
from shian.inspections.services import inspecting

VILLAGE = "370725001001"
# positions in the default 餐饮服务监督检查要点表 (shian/inspections/defaults.py)
KEY_POSITIONS = (1, 4, 8, 9, 11, 15)
GENERAL_POSITIONS = (2, 3, 5, 6, 7, 10, 12, 13, 14, 16, 17, 18, 19)


def png_data_url(colour=(0, 0, 0)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass
class World:
    station: Station
    other_station: Station
    entity: Entity
    neighbour: Entity
    a: User  # inspectors of 宝都 station
    b: User
    stranger: User  # an inspector of 乔官 station
    staff: User  # station staff of 宝都, not an inspector of the task
    enterprise: User
    other_enterprise: User
    task: InspectionTask


def make_task(world_or_station, entity, inspectors, kind=InspectionTask.Kind.KEY, due=None) -> InspectionTask:
    station = getattr(world_or_station, "station", world_or_station)
    task = InspectionTask.objects.create(
        entity=entity, region_id=entity.region_id, station=station, kind=kind,
        due_on=due or datetime.date.today(),
    )  # fmt: skip
    task.inspectors.set(inspectors)
    return task


@pytest.fixture(name="iworld")
def iworld_fixture(make_user, regions):
    station = Station.objects.create(code="S001", name="宝都市场监管所", region_id="370725")
    station.townships.set(["370725001"])
    other = Station.objects.create(code="S107", name="乔官市场监管所", region_id="370725")
    other.townships.set(["370725107"])
    a = make_user(Role.STATION_STAFF, "370725001", name="王检查", username="insp-a")
    b = make_user(Role.STATION_STAFF, "370725001", name="李检查", username="insp-b")
    stranger = make_user(Role.STATION_STAFF, "370725107", name="赵外所", username="insp-c")
    staff = make_user(Role.STATION_STAFF, "370725001", name="所长", username="chief")
    station.inspectors.set([a, b, staff])
    other.inspectors.set([stranger])
    entity = Entity.objects.create(name="老张饭店", region_id=VILLAGE, business_type="catering",
                                   sub_type="small_restaurant", address="站前路1号")  # fmt: skip
    neighbour = Entity.objects.create(name="邻家超市", region_id=VILLAGE, business_type="sales", address="站前路2号")
    enterprise = make_user(Role.ENTERPRISE, VILLAGE, entity=entity, username="boss")
    other_enterprise = make_user(Role.ENTERPRISE, VILLAGE, entity=neighbour, username="boss2")
    task = make_task(station, entity, [a, b])
    return World(station, other, entity, neighbour, a, b, stranger, staff, enterprise, other_enterprise, task)


def answers(checklist, fail: dict | None = None, attachments: dict | None = None) -> list[dict]:
    """符合 for every item, 不符合 for the positions in `fail` (position -> note)."""
    fail, attachments = fail or {}, attachments or {}
    return [
        {"item": item.pk, "result": Result.FAIL if item.position in fail else Result.PASS,
         "note": fail.get(item.position, ""), "attachments": attachments.get(item.position, [])}
        for item in checklist.items.order_by("position")
    ]  # fmt: skip


def sign(world, *, task=None, fail=None, key=None, actor=None, signers=None, checklist=None, **extra):
    """Sign the task's inspection by inspector a, both inspectors' signatures drawn."""
    task = task or world.task
    checklist = checklist or checklist_for(task.entity)
    signers = [world.a, world.b] if signers is None else signers
    return inspecting.sign_inspection(
        actor=actor or world.a, task=task, client_key=key or uuid.uuid4(), checklist_id=checklist.pk,
        answers=answers(checklist, fail, extra.pop("attachments", None)),
        signatures=[{"inspector": u.pk, "image": png_data_url()} for u in signers],
        entity_signer=extra.pop("entity_signer", "张老板"),
        started_at=extra.pop("started_at", None) or (timezone.now() - datetime.timedelta(minutes=30)),
        **extra,
    )  # fmt: skip
