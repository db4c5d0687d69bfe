"""The rule store (shian.core.rules): a registered default, national, province and county rows, the most
specific region winning, a newer version from its valid_from date, one resolver for rule rows and policy
tables, and a deadline that keeps the rule it was computed with."""

import datetime as dt

import pytest
from django.db.models import Value
from django.utils import timezone

from shian.core import rules, workdays
from shian.core.models import DeadlineRule
from shian.duties.models import StaffingPolicy
from shian.entities.models import Entity

D = dt.date
CODE = "entities.licence_expiry_days"  # registered by entities/ruledefs.py, no row seeded


def row(region_prefix="", version=1, amount=45, valid_from=None, code=CODE):
    return DeadlineRule.objects.create(
        code=code, name="到期提醒", region_prefix=region_prefix, version=version, unit="CD", amount=amount,
        valid_from=valid_from or D(2024, 1, 1), source="测试",
    )  # fmt: skip


@pytest.mark.django_db
def test_every_app_declares_its_rules_with_default_unit_and_source():
    declared = rules.registered()
    for code in (
        "baobao.visits_per_quarter",
        "baobao.status_report",
        "problem.rectify_key",
        "visits.short_visit_minutes",
        "visits.far_visit_metres",
        "duties.training_hours",
        "duties.backfill_days",
        "entities.licence_expiry_days",
        "accounts.invitation_valid_days",
        "sampling.disposal",
    ):
        assert code in declared and declared[code].source and declared[code].unit
    assert declared["baobao.visits_per_quarter"].default == 1
    assert declared["duties.training_hours"].default == 40


@pytest.mark.django_db
def test_default_applies_when_no_row_does():
    rule = rules.rule(CODE, "370725001", D(2026, 3, 1))
    assert (rule.value, rule.is_default, rule.version, rule.region_prefix) == (30, True, 0, "")
    assert rule.source and rules.value(CODE) == 30


@pytest.mark.django_db
def test_national_row_overrides_the_default():
    row(amount=20)
    rule = rules.rule(CODE, "370725001", D(2026, 3, 1))
    assert (rule.value, rule.is_default, rule.region_prefix) == (20, False, "")


@pytest.mark.django_db
def test_province_override_and_county_override_wins():
    row(amount=20)
    row("37", amount=40)
    row("370725", amount=60)
    assert rules.value(CODE, "370725001001", D(2026, 3, 1)) == 60  # the county's own, below the province's
    assert rules.value(CODE, "370725", D(2026, 3, 1)) == 60
    assert rules.value(CODE, "370304", D(2026, 3, 1)) == 40  # another county of the province
    assert rules.value(CODE, "37", D(2026, 3, 1)) == 40
    assert rules.value(CODE, "110105", D(2026, 3, 1)) == 20  # another province: the national row
    assert rules.value(CODE, "", D(2026, 3, 1)) == 20
    # the most specific region wins even over a newer version above it
    row("37", version=5, amount=50)
    assert rules.value(CODE, "370725001", D(2026, 3, 1)) == 60


@pytest.mark.django_db
def test_newer_version_applies_from_its_valid_from_date():
    row("370725", version=1, amount=60, valid_from=D(2024, 1, 1))
    row("370725", version=2, amount=90, valid_from=D(2026, 7, 1))
    row("3707", version=1, amount=10, valid_from=D(2027, 1, 1))  # not yet in force anywhere
    assert rules.value(CODE, "370725001", D(2026, 6, 30)) == 60
    assert rules.value(CODE, "370725001", D(2026, 7, 1)) == 90
    assert rules.value(CODE, "370725001", D(2023, 12, 31)) == 30  # before any row: the default
    assert rules.value(CODE, "370702", D(2026, 7, 1)) == 30


@pytest.mark.django_db
def test_a_deadline_keeps_the_rule_it_was_computed_with():
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    before = workdays.compute_due(rule_code="problem.rectify_key", start=start, region_code="370725001")
    row("370725", amount=2, code="problem.rectify_key")
    after = workdays.compute_due(rule_code="problem.rectify_key", start=start, region_code="370725001")
    assert before.rule["amount"] == 5 and before.rule["region_prefix"] == ""
    assert after.rule["amount"] == 2 and after.rule["region_prefix"] == "370725"
    assert before.due_at > after.due_at


@pytest.mark.django_db
def test_unknown_rule_is_an_error_and_a_rule_has_one_definition():
    with pytest.raises(ValueError, match="没有适用的时限规则"):
        rules.rule("no.such_rule", "37")
    definition = rules.registered()[CODE]
    assert rules.register_rule(CODE, default=30, unit="CD", name=definition.name, source=definition.source)
    with pytest.raises(ValueError):
        rules.register_rule(CODE, default=31, unit="CD", name=definition.name, source=definition.source)


@pytest.mark.django_db
def test_by_region_gives_each_row_its_region_value_in_one_query(regions, django_assert_max_num_queries):
    names = {"370725001001": "站前", "370725107201": "乔官", "370304001": "城东"}
    for code, name in names.items():
        Entity.objects.create(name=name, region_id=code, business_type="sales")
    assert isinstance(rules.by_region(CODE, "region", within="37"), Value)  # no override: a constant
    row("37", amount=40)
    row("370725107", amount=70)
    row("370725107", version=2, amount=75)
    with django_assert_max_num_queries(3):
        expr = rules.by_region(CODE, "region", within="37", on=D(2026, 3, 1))
        got = dict(Entity.objects.annotate(days=expr).values_list("name", "days"))
    assert got == {"站前": 40, "乔官": 75, "城东": 40}


@pytest.mark.django_db
def test_the_resolver_answers_as_rule_does_from_one_query(django_assert_max_num_queries):
    row("37", amount=40)
    row("370725107", amount=70)
    row("370725107", version=2, amount=75, valid_from=D(2026, 7, 1))
    asked = [(region, day) for region in ("370725107201", "370725001001", "370304001", "")
             for day in (D(2026, 3, 1), D(2026, 8, 1), D(2023, 6, 1))]  # fmt: skip
    expected = {key: rules.rule(CODE, *key) for key in asked}
    with django_assert_max_num_queries(1):
        resolve = rules.resolver(CODE)
        got = {key: resolve(*key) for key in asked + asked}
    assert got == expected
    assert got[("370725107201", D(2026, 8, 1))].value == 75 and got[("370725107201", D(2026, 3, 1))].value == 70
    assert got[("370725001001", D(2023, 6, 1))].is_default


@pytest.mark.django_db
def test_policy_tables_use_the_same_resolver(regions):
    StaffingPolicy.objects.create(region_id="37", version=1, director_rules=[], note="省")
    county = StaffingPolicy.objects.create(region_id="370725", version=1, director_rules=[], note="县")
    newer = StaffingPolicy.objects.create(
        region_id="370725", version=2, director_rules=[], note="县新版", valid_from=D(2026, 7, 1)
    )
    qs = StaffingPolicy.objects.all()
    assert rules.most_specific(qs, "370725001", D(2026, 6, 30)) == county
    assert rules.most_specific(qs, "370725001", D(2026, 7, 1)) == newer
    assert rules.most_specific(qs, "370304", D(2026, 7, 1)).note == "省"
    assert rules.most_specific(qs, "110105", D(2026, 7, 1)).region_id is None  # the seeded defaults
