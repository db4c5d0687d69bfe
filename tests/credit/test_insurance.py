"""Liability insurance (docs/credit.md §4): a policy entered, an insurer's list imported all or nothing with the
cells at fault named, coverage of the priority categories as dashboard parts, expiry reminders once per policy, and
the work list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from shian.core.kpis import Grouping
from shian.core.models import AuditEntry, Notification
from shian.credit import kpis
from shian.credit.models import InsurancePolicy
from shian.credit.services.insurance import ImportRefused, add_policy, import_policies, remind_expiring
from shian.credit.worklist import items

from .credit_world import make_entity

pytestmark = pytest.mark.django_db
HEADER = "统一社会信用代码,许可证编号,投保单位,保险公司,保单号,保险起期,保险止期,累计赔偿限额（元）\n"


def _csv(*lines) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def _policy(cw, **over):
    today = timezone.localdate()
    args = {"actor": cw.station, "entity_id": cw.shop.pk, "insurer": "人保财险", "number": "PZAA2026001",
            "starts_on": today, "ends_on": today + datetime.timedelta(days=364), "cover": "500000"}  # fmt: skip
    return add_policy(**{**args, **over})


def test_the_station_enters_a_policy_and_it_is_audited(cw):
    policy = _policy(cw)
    assert policy.region_id == cw.shop.region_id and policy.cover == 500000
    assert AuditEntry.objects.filter(action="credit.policy_add", object_id=str(policy.pk)).exists()


def test_a_policy_ending_before_it_starts_or_without_cover_is_refused_by_field(cw):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _policy(cw, ends_on=today - datetime.timedelta(days=1), cover="0")
    assert set(exc.value.message_dict) == {"ends_on", "cover"}
    _policy(cw)
    with pytest.raises(ValidationError) as exc:
        _policy(cw)
    assert "number" in exc.value.message_dict


def test_only_the_station_enters_policies_and_only_in_its_reach(cw):
    with pytest.raises(PermissionDenied):
        _policy(cw, actor=cw.owner)
    with pytest.raises(Http404):
        _policy(cw, entity_id=cw.far.pk)  # 乔官 lies outside the 宝都 station


def test_an_insurers_list_is_imported_by_licence_or_uscc(cw):
    cw.neighbour.uscc = "91370725MA3C4XYZ1K"
    cw.neighbour.save(update_fields=["uscc"])
    data = _csv(
        ",JY13707250000001,老张饭店,人保财险,P-001,2026-01-01,2026-12-31,300000",
        "91370725MA3C4XYZ1K,,老李饭店,平安财险,P-002,2026/3/1,2027/2/28,200000",
    )
    outcome = import_policies(actor=cw.county, data=data, filename="保单.csv")
    assert (outcome.rows, outcome.created) == (2, 2)
    assert InsurancePolicy.objects.get(number="P-001").entity == cw.shop
    assert InsurancePolicy.objects.get(number="P-002").ends_on == datetime.date(2027, 2, 28)
    again = import_policies(actor=cw.county, data=data.replace(b"300000", b"350000"), filename="保单.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert AuditEntry.objects.filter(action="credit.policy_import").count() == 2


def test_one_bad_row_refuses_the_whole_file_naming_each_cell(cw):
    data = _csv(
        ",JY13707250000001,老张饭店,人保财险,P-001,2026-01-01,2026-12-31,300000",
        ",JY13707250000003,乔官小吃,人保财险,P-003,2026-01-01,2026-12-31,300000",
        ",JY13707250000002,老李饭店,人保财险,P-004,2026-05-01,2026-04-01,-5",
    )
    with pytest.raises(ImportRefused) as exc:
        import_policies(actor=cw.station, data=data, filename="保单.csv")  # 乔官 is outside the station
    cells = {(c["row"], c["column"]) for c in exc.value.cells}
    assert (3, "许可证编号") in cells
    assert {(4, "保险止期"), (4, "累计赔偿限额（元）")} <= cells
    assert any("第 3 行" in m for m in exc.value.messages)
    assert exc.value.report.startswith(b"PK")  # the marked workbook
    assert not InsurancePolicy.objects.exists()


def test_an_unreadable_file_is_refused_with_a_message(cw):
    with pytest.raises(ValidationError) as exc:
        import_policies(actor=cw.station, data=b"\x00\x01garbage", filename="保单.xlsx")
    assert exc.value.message_dict["file"]


def test_coverage_of_the_priority_categories_counts_insured_businesses(cw):
    today = timezone.localdate()
    dinners = [make_entity(f"聚餐点{n}", sub_type="rural_dinner") for n in range(4)]
    dairy = make_entity("乳业公司", business_type="production", sub_type="food_producer")
    make_entity("面粉厂", business_type="production", sub_type="food_producer")
    for entity in dinners[:3] + [dairy]:
        InsurancePolicy.objects.create(entity=entity, region_id=entity.region_id, insurer="人保", created_by=cw.station,
                                       number=f"N{entity.pk}", starts_on=today, ends_on=today, cover=1)  # fmt: skip
    InsurancePolicy.objects.create(entity=dinners[3], region_id=dinners[3].region_id, insurer="人保", cover=1,
                                   number="OLD", starts_on=today - datetime.timedelta(days=400),
                                   ends_on=today - datetime.timedelta(days=35), created_by=cw.station)  # fmt: skip
    parts = kpis.count(prefix="370725", grouping=Grouping(6), as_of=today)["370725"]
    assert (parts["ins_due_rural_dinner"], parts["ins_covered_rural_dinner"]) == (4, 3)
    assert (parts["ins_due_milk"], parts["ins_covered_milk"]) == (1, 1)
    assert (parts["ins_due_priority"], parts["ins_covered_priority"]) == (5, 4)  # the flour mill is not a priority
    assert kpis.TARGETS["credit.insured_rural_dinner"] == "credit.insurance_rural_dinner_target_pct"


def test_a_policy_about_to_end_is_reminded_once_and_listed_as_work(cw):
    today = timezone.localdate()
    _policy(cw, ends_on=today + datetime.timedelta(days=5), starts_on=today - datetime.timedelta(days=300))
    assert remind_expiring() == 1
    assert Notification.objects.filter(user=cw.owner).count() == 1
    assert Notification.objects.filter(user=cw.station).count() == 1
    assert remind_expiring() == 0
    staff = {i.key: i.count for i in items(user=cw.station, region_code=None, today=today)}
    assert staff["credit.policies"] == 1 and staff["credit.corrections"] == 0
    own = {i.key: i.count for i in items(user=cw.owner, region_code=None, today=today)}
    assert own["credit.own_policy"] == 1
    other = {i.key: i.count for i in items(user=cw.neighbour_owner, region_code=None, today=today)}
    assert other["credit.own_policy"] == 0


def test_a_renewed_policy_is_not_about_to_end(cw):
    today = timezone.localdate()
    _policy(cw, ends_on=today + datetime.timedelta(days=5), starts_on=today - datetime.timedelta(days=300))
    _policy(cw, number="PZAA2027001", starts_on=today + datetime.timedelta(days=6),
            ends_on=today + datetime.timedelta(days=370))  # fmt: skip
    assert remind_expiring() == 0
