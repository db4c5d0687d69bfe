"""A small world for the risk-model tests (docs/riskmodel.md): 40 businesses in 站前社区 and 8 in 乔官村 with two
years of inspections whose 重点项 failures follow a planted signal (catering businesses whose last inspection failed
fail again most of the time; shops rarely fail), a station account, a county administrator, an outsider county
and an enterprise account; `riskmodel.min_positives` lowered to fit the small world."""

import datetime
import random
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.checklists.services import resolve_checklist
from shian.core.models import DeadlineRule
from shian.entities.models import Entity
from shian.inspections.models import Inspection, InspectionKind, Outcome

VILLAGE = "370725001001"
OTHER_VILLAGE = "370725107201"
TODAY = datetime.date(2026, 11, 25)


@dataclass
class RiskWorld:
    station: User
    county: User
    outsider: User
    owner: User
    entities: list[Entity] = field(default_factory=list)
    far: list[Entity] = field(default_factory=list)


def planted_failure(rng: random.Random, catering: bool, last_failed: bool) -> bool:
    """The planted signal: catering with a failed last inspection 80 %, other catering 15 %, shops 3 %."""
    p = (0.8 if last_failed else 0.15) if catering else 0.03
    return rng.random() < p


def add_inspections(entity: Entity, inspector: User, days: list[datetime.date], rng: random.Random) -> int:
    checklist = resolve_checklist(kind=InspectionKind.CATERING, region_code=entity.region_id)
    rows, failed = [], False
    for on in sorted(days):
        failed = planted_failure(rng, entity.business_type == "catering", failed)
        moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
        rows.append(Inspection(
            checklist=checklist, started_at=moment, signed_at=moment, signer_name="周执法", signed_by=inspector,
            entity=entity, region_id=entity.region_id, kind="routine", inspected_on=on,
            outcome=Outcome.NONCONFORM if failed else Outcome.CONFORM, key_failed=1 if failed else 0,
            summary="现场检查意见", entity_signer="李店长",
        ))  # fmt: skip
    Inspection.objects.bulk_create(rows)
    return sum(1 for r in rows if r.key_failed)


def lower_min_positives(amount: int = 10) -> None:
    DeadlineRule.objects.create(code="riskmodel.min_positives", name="测试", region_prefix="", version=2, unit="n",
                                amount=amount, valid_from=datetime.date(2000, 1, 1))  # fmt: skip


@pytest.fixture
def rw(make_user) -> RiskWorld:
    lower_min_positives()
    w = RiskWorld(
        station=make_user(Role.STATION_STAFF, "370725001", username="station"),
        county=make_user(Role.COUNTY_ADMIN, "370725", username="county"),
        outsider=make_user(Role.COUNTY_ADMIN, "370304", username="outsider"),
        owner=None,
    )
    rng = random.Random(7)
    for n in range(48):
        catering = n % 2 == 0
        region = VILLAGE if n < 40 else OTHER_VILLAGE
        entity = Entity.objects.create(
            name=f"{'饭店' if catering else '商店'}{n:02d}", region_id=region, address="经营地址",
            business_type="catering" if catering else "sales", sub_type="small_restaurant" if catering else "",
            diners=80 if catering else None,
        )  # fmt: skip
        (w.entities if n < 40 else w.far).append(entity)
        days = [TODAY - datetime.timedelta(days=rng.randrange(20, 730)) for _ in range(8)]
        add_inspections(entity, w.station, days, rng)
    w.owner = make_user(Role.ENTERPRISE, VILLAGE, entity=w.entities[0], username="boss")
    return w
