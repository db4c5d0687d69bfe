"""A small visit world: a catering entity in 站前社区 guaranteed by a village cadre with a login, the entity's
own enterprise account, and the township's station and administrator who receive escalations."""

import datetime
import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shian.accounts.models import Role, User
from shian.baobao.models import AssignmentRun, Cadre, Guarantee
from shian.entities.models import Entity
from shian.visits import services
from shian.visits.models import Answer

VILLAGE = "370725001001"


@dataclass
class World:
    entity: Entity
    cadre: Cadre
    cadre_user: User
    enterprise: User
    station: User
    township_admin: User
    county_admin: User
    outsider: User  # a county administrator elsewhere (博山区)


def guarantee(entity, cadre, since=datetime.date(2026, 1, 1)):
    run = AssignmentRun.objects.create(region_id=entity.region_id[:6], status=AssignmentRun.Status.PUBLISHED)
    return Guarantee.objects.create(entity=entity, cadre=cadre, run=run, since=since)


@pytest.fixture
def world(make_user):
    entity = Entity.objects.create(
        name="乔官镇老张饭店", region_id=VILLAGE, business_type="catering", sub_type="small_restaurant",
        declared_grade="D", latitude="36.700000", longitude="118.800000",
    )  # fmt: skip
    cadre_user = make_user(Role.CADRE, VILLAGE, name="张建国", username="cadre1")
    cadre = Cadre.objects.create(name="张建国", level="village", region_id=VILLAGE, user=cadre_user)
    guarantee(entity, cadre)
    return World(
        entity=entity,
        cadre=cadre,
        cadre_user=cadre_user,
        enterprise=make_user(Role.ENTERPRISE, VILLAGE, entity=entity, username="boss"),
        station=make_user(Role.STATION_STAFF, "370725001", username="station"),
        township_admin=make_user(Role.TOWNSHIP_ADMIN, "370725001", username="township"),
        county_admin=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
    )


def jpeg_bytes(size=(2400, 1800), gps=True) -> bytes:
    """A camera-like JPEG, larger than the display size, with a GPS block in its EXIF when `gps`."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (36.0, 42.0, 0.0), 3: "E", 4: (118.0, 48.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def photo(name="kitchen.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def answers_for(checklist, fail: dict | None = None, attachments: dict | None = None) -> list[dict]:
    """符合 for every item, except the positions in `fail` (position -> note) marked 不符合."""
    fail, attachments = fail or {}, attachments or {}
    rows = []
    for item in checklist.items.order_by("position"):
        failed = item.position in fail
        rows.append({
            "item": item.pk,
            "result": Answer.Result.FAIL if failed else Answer.Result.PASS,
            "note": fail.get(item.position, ""),
            "attachments": attachments.get(item.position, []),
        })  # fmt: skip
    return rows


def sign(world, *, fail=None, minutes=20, key=None, **extra):
    """Sign a visit by the world's cadre, started `minutes` ago."""
    checklist = services.current_checklist(world.entity)
    return services.sign_visit(
        actor=world.cadre_user, entity=world.entity, client_key=key or uuid.uuid4(),
        checklist_id=checklist.pk, answers=answers_for(checklist, fail), signer_name=world.cadre.name,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes), **extra,
    )  # fmt: skip
