"""The lists world (docs/lists.md): 昌乐县 with a drafter (county station staff), a reviewer and an approver (two
county administrators), 博山区's administrator outside; a restaurant with a decided penalty case (its legal
representative with an ID number), a second business, a shop with a failed sample and a restaurant graded A."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.cases.models import Case
from shian.cases.services import cases as case_services
from shian.entities.models import Entity, KeyPerson
from shian.inspections.models import CateringYearGrade
from shian.sampling.models import Lab, Sample

VILLAGE = "370725001001"
OTHER_VILLAGE = "370725107201"
LEGAL_REP_ID = "11010519491231002X"
USCC = "91370725MA3C8XXX0A"


@dataclass
class ListsWorld:
    drafter: User
    reviewer: User
    approver: User
    outsider: User
    enterprise: User
    bad: Entity
    second: Entity
    shop: Entity
    good: Entity
    case: Case
    sample: Sample
    grade: CateringYearGrade


def decided_case(actor, entity, *, number="AJ2026370725-00001", penalties=("fine",), fine="5000") -> Case:
    """A case against `entity` decided through the cases service (facts, legal basis, penalty)."""
    now = timezone.now()
    case = Case.objects.create(
        number=number, region_id=entity.region_id, entity=entity, title="经营超过保质期的食品", opened_at=now
        - datetime.timedelta(days=20), created_by=actor, facts="后厨查见过期原料", decision_due=now + datetime.timedelta(days=70),
        legal_basis="《中华人民共和国食品安全法》第一百二十四条",
    )  # fmt: skip
    fine_amount = fine if "fine" in penalties else None
    return case_services.decide(actor=actor, case=case, penalties=list(penalties), decision_number="昌市监罚〔2026〕1号",
                                fine_amount=fine_amount)  # fmt: skip


@pytest.fixture
def lw(make_user) -> ListsWorld:
    bad = Entity.objects.create(name="宝都老王饭店", uscc=USCC, region_id=VILLAGE, business_type="catering",
                                sub_type="small_restaurant", address="宝都街道1号")  # fmt: skip
    KeyPerson.objects.create(
        entity=bad, role=KeyPerson.Role.LEGAL_REPRESENTATIVE, name="王大明", id_number=LEGAL_REP_ID
    )
    second = Entity.objects.create(name="乔官新开饭店", region_id=OTHER_VILLAGE, business_type="catering",
                                   sub_type="small_restaurant", address="乔官镇2号")  # fmt: skip
    shop = Entity.objects.create(name="站前便利店", region_id=VILLAGE, business_type="retail", address="站前路3号")
    good = Entity.objects.create(name="宝都放心餐厅", region_id=VILLAGE, business_type="catering",
                                 sub_type="small_restaurant", address="宝都街道8号")  # fmt: skip
    drafter = make_user(Role.STATION_STAFF, "370725", username="drafter")
    reviewer = make_user(Role.COUNTY_ADMIN, "370725", username="reviewer")
    approver = make_user(Role.COUNTY_ADMIN, "370725", username="approver")
    outsider = make_user(Role.COUNTY_ADMIN, "370304", username="outsider")
    enterprise = make_user(Role.ENTERPRISE, VILLAGE, entity=bad, username="boss")
    case = decided_case(reviewer, bad)
    lab = Lab.objects.create(name="县检验所", code="LAB-L", region_id="370725")
    now = timezone.now()
    sample = Sample.objects.create(
        number="CJ2026370725-07001", entity=shop, region_id=VILLAGE, category="condiment", product="辣椒酱",
        quantity="6瓶", lab=lab, sampled_at=now - datetime.timedelta(days=30), to_lab_due=now, created_by=drafter,
        conclusion=Sample.Conclusion.FAIL, report_date=timezone.localdate() - datetime.timedelta(days=5),
    )  # fmt: skip
    grade = CateringYearGrade.objects.create(entity=good, year=timezone.localdate().year, grade="A")
    return ListsWorld(drafter, reviewer, approver, outsider, enterprise, bad, second, shop, good, case, sample, grade)
