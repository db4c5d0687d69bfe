"""Fixtures of the risk-grading, grid and 明厨亮灶 tests (docs/inspections.md §1, §2, §6): entities in 站前社区,
the township's station staff, a county administrator, an outsider in 博山区 and an enterprise account."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shian.accounts.models import Role, User
from shian.checklists.models import Checklist
from shian.entities.models import Entity
from shian.inspections.models import Inspection, RiskFactorSet, RiskGrade, RiskScheme

VILLAGE = "370725001001"
OTHER_VILLAGE = "370725107201"


@dataclass
class GradingWorld:
    station: User
    county_admin: User
    outsider: User
    cadre: User
    enterprise: User


def give_band(entity, band: str) -> RiskGrade | None:
    """A current grade of `band` for `entity` (none for ""): the band lives on the current grade alone."""
    if not band:
        return None
    scheme = RiskScheme.objects.filter(region__isnull=True, variant="2016").order_by("version").first()
    factors = RiskFactorSet.objects.get_or_create(sha256=RiskFactorSet.digest([]), defaults={"factors": []})[0]
    return RiskGrade.objects.create(
        entity=entity, scheme=scheme, static_score=0, dynamic_score=0, total=0, computed_band=band, band=band,
        factor_set=factors, graded_at=timezone.now(),
    )  # fmt: skip


def band_of(entity) -> str | None:
    """The entity's current band (None: ungraded)."""
    return RiskGrade.objects.filter(entity=entity, is_current=True).values_list("band", flat=True).first()


def make_entity(name="老张饭店", region=VILLAGE, business_type="catering", sub_type="small_restaurant", **fields):
    return Entity.objects.create(
        name=name, region_id=region, business_type=business_type, sub_type=sub_type, address="经营地址", **fields
    )


def inspect(entity, outcome, *, days_ago=10, inspector=None):
    """A signed inspection of `entity` with `outcome`, `days_ago` days ago."""
    checklist = Checklist.objects.filter(kind="insp_catering").order_by("version").first()
    when = timezone.now() - datetime.timedelta(days=days_ago)
    inspector = inspector or User.objects.filter(role=Role.STATION_STAFF).first()
    return Inspection.objects.create(
        entity=entity, region_id=entity.region_id, kind="routine", inspected_on=when.date(), outcome=outcome,
        checklist=checklist, started_at=when, signed_at=when, signer_name="检查员", signed_by=inspector,
    )  # fmt: skip


def grading_world(make_user) -> GradingWorld:
    """The accounts of these tests; each test module's `gw` fixture returns it."""
    entity_owner = make_entity(name="企业自己的饭店")
    return GradingWorld(
        station=make_user(Role.STATION_STAFF, "370725001", username="station", name="所里老王"),
        county_admin=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        cadre=make_user(Role.CADRE, VILLAGE, username="cadre"),
        enterprise=make_user(Role.ENTERPRISE, VILLAGE, entity=entity_owner, username="boss"),
    )
