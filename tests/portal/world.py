"""A small public world for the portal tests (docs/portal.md): a restaurant with key persons, staff accounts,
licences, published and unpublished inspections and samples, a published and a draft 红黑榜 edition; a shop
elsewhere; a deregistered business."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from shian.accounts.models import Role
from shian.checklists.services import resolve_checklist
from shian.entities.models import Entity, KeyPerson, License
from shian.inspections.models import CateringLevel, Inspection, InspectionKind, Outcome
from shian.lists.models import Edition, EditionLine
from shian.sampling.models import Lab, Sample, SampleResult

PEOPLE = ("王法人", "李店长", "赵安全员", "钱员工")
PHONES = ("13911112222", "13933334444", "13955556666")
ID_NUMBER = "370725199001011234"
USCC = "91370725MA3C8XYZ1K"


def inspection(entity, inspector, *, on, outcome=Outcome.CONFORM, level="", published=True, summary=""):
    checklist = resolve_checklist(kind=InspectionKind.CATERING, region_code=entity.region_id)
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    return Inspection.objects.create(
        checklist=checklist, started_at=moment, signed_at=moment, signer_name="周执法", signed_by=inspector,
        entity=entity, region_id=entity.region_id, kind="routine", inspected_on=on, outcome=outcome,
        catering_level=level, summary=summary or "现场检查意见", entity_signer=PEOPLE[1],
        published_at=moment + datetime.timedelta(days=1) if published else None,
    )  # fmt: skip


def sample(entity, sampler, lab, *, product, conclusion="pass", published=True, n=[0]):  # noqa: B006
    n[0] += 1
    now = timezone.now()
    s = Sample.objects.create(
        number=f"PORTAL-{n[0]:05d}", entity=entity, region_id=entity.region_id, category="condiment",
        product=product, quantity="6瓶", producer_name="某某食品有限公司", lab=lab,
        sampled_at=now - datetime.timedelta(days=30), to_lab_due=now - datetime.timedelta(days=25),
        status=Sample.Status.REPORTED, conclusion=conclusion, report_number=f"PR-{n[0]:05d}",
        report_date=timezone.localdate(), entity_signer=PEOPLE[1], created_by=sampler,
        published_at=now - datetime.timedelta(days=n[0]) if published else None,
    )  # fmt: skip
    s.samplers.set([sampler])
    if conclusion == "fail":
        SampleResult.objects.create(sample=s, item="菌落总数", value="5.2×10⁵", limit="≤10⁴", unit="CFU/g",
                                    verdict="fail")  # fmt: skip
    return s


@pytest.fixture
def portal_world(regions, make_user):
    cache.clear()
    staff = make_user(Role.STATION_STAFF, "370725001", name="周执法", phone="13800001111")
    restaurant = Entity.objects.create(
        name="昌乐县福满楼酒店", uscc=USCC, business_type="catering", sub_type="medium_restaurant",
        address="昌乐县宝都街道新昌路88号", region_id="370725001001", longitude="118.83", latitude="36.70",
    )  # fmt: skip
    for role, name, phone in zip(("legal_rep", "principal", "safety_officer"), PEOPLE, PHONES, strict=False):
        KeyPerson.objects.create(entity=restaurant, role=role, name=name, phone=phone, id_number=ID_NUMBER)
    make_user(Role.ENTERPRISE, "370725001001", entity=restaurant, name=PEOPLE[3], phone="13977778888")
    License.objects.create(entity=restaurant, kind="JY", number="JY23707250012345",
                           issued_on=datetime.date(2022, 1, 1), expires_on=datetime.date(2027, 1, 1))  # fmt: skip
    today = timezone.localdate()
    old = inspection(restaurant, staff, on=today - datetime.timedelta(days=90), outcome=Outcome.BASIC,
                     level=CateringLevel.GOOD)  # fmt: skip
    new = inspection(restaurant, staff, on=today - datetime.timedelta(days=10), level=CateringLevel.EXCELLENT)
    hidden = inspection(restaurant, staff, on=today - datetime.timedelta(days=2), outcome=Outcome.NONCONFORM,
                        level=CateringLevel.AVERAGE, published=False)  # fmt: skip
    lab = Lab.objects.create(name="昌乐县检验所", code="PORTAL-LAB", region_id="370725")
    passed = sample(restaurant, staff, lab, product="自制辣椒酱")
    failed = sample(restaurant, staff, lab, product="凉拌黄瓜", conclusion="fail")
    unpublished = sample(restaurant, staff, lab, product="未公布的馒头", published=False)
    shop = Entity.objects.create(name="乔官镇便民超市", business_type="sales", address="乔官镇政府街3号",
                                 region_id="370725107201", uscc="92370725MA3D1ABC2X")  # fmt: skip
    gone = Entity.objects.create(name="已注销饭店", business_type="catering", address="宝都街道旧街1号",
                                 region_id="370725001001", status=Entity.Status.DEREGISTERED)  # fmt: skip
    published = Edition.objects.create(region_id="370725", number="2026-11-1", title="昌乐县2026年11月第1期红黑榜",
                                       status=Edition.Status.PUBLISHED, drafted_by=staff,
                                       published_at=timezone.now())  # fmt: skip
    EditionLine.objects.create(edition=published, board="red", entity=restaurant, reason="量化等级优秀",
                               source_kind="inspections.inspection", source_id=new.pk)  # fmt: skip
    EditionLine.objects.create(edition=published, board="black", entity=shop, reason="抽检不合格",
                               source_kind="sampling.sample", source_id=failed.pk)  # fmt: skip
    draft = Edition.objects.create(region_id="370725", number="2026-11-2", title="昌乐县2026年11月第2期草稿",
                                   drafted_by=staff)  # fmt: skip
    EditionLine.objects.create(edition=draft, board="black", entity=restaurant, reason="草稿中的黑榜理由",
                               source_kind="sampling.sample", source_id=failed.pk)  # fmt: skip
    return {"staff": staff, "restaurant": restaurant, "shop": shop, "gone": gone, "old": old, "new": new,
            "hidden": hidden, "passed": passed, "failed": failed, "unpublished": unpublished,
            "published": published, "draft": draft}  # fmt: skip
