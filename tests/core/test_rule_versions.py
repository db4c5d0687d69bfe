"""Editing the rule store (shian.core.ruleversions, issue 18 item 7): a county or province administrator adds a
version of a rule for its region with an effective date and a reason; earlier versions stay and are shown; the
new one takes effect from its date; bad versions are refused with a message naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.core import rules, ruleversions, workdays
from shian.core.models import AuditEntry, DeadlineRule

CODE = "problem.rectify_key"  # 5 working days, seeded nationally by migration 0003


def later(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def add(actor, **fields):
    values = {"code": CODE, "region_code": "370725", "amount": 10, "valid_from": later(30), "reason": "县局文件调整"}
    return ruleversions.add_rule_version(actor=actor, **{**values, **fields})


@pytest.mark.django_db
def test_a_new_deadline_rule_version_takes_effect_from_its_date(make_user):
    """compute_due before the effective date uses the old rule, from that date the new one; the deadline keeps
    the version it was computed with."""
    county = make_user(Role.COUNTY_ADMIN, "370725")
    row = add(county)
    assert (row.version, row.amount, row.unit, row.reason, row.created_by) == (1, 10, "WD", "县局文件调整", county)
    noon = dt.time(10, 0)
    before = workdays.compute_due(rule_code=CODE, start=dt.datetime.combine(later(29), noon), region_code="370725001")
    after = workdays.compute_due(rule_code=CODE, start=dt.datetime.combine(later(30), noon), region_code="370725001")
    assert before.rule["amount"] == 5 and before.rule["region_prefix"] == ""
    assert after.rule["amount"] == 10 and (after.rule["region_prefix"], after.rule["version"]) == ("370725", 1)
    assert workdays.working_days_between(later(30), after.due_at.date()) == 10
    # another county keeps the national rule
    assert rules.value(CODE, "370304001", later(31)) == 5


@pytest.mark.django_db
def test_versions_are_kept_numbered_and_audited(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    add(county, amount=8, valid_from=later(10))
    add(county, amount=9, valid_from=later(20), reason="再次调整")
    versions = DeadlineRule.objects.filter(code=CODE, region_prefix="370725").order_by("version")
    assert [(v.version, v.amount) for v in versions] == [(1, 8), (2, 9)]
    assert rules.value(CODE, "370725", later(15)) == 8 and rules.value(CODE, "370725", later(25)) == 9
    entry = AuditEntry.objects.filter(action="rule.version").latest("at")
    assert entry.region_code == "370725" and entry.before["in_force"]["value"] == 8
    assert entry.after["amount"] == 9 and entry.after["reason"] == "再次调整" and entry.after["retroactive"] is False
    line = ruleversions.rule_history(user=county, code=CODE, region_code="370725")
    assert [(v.region_prefix, v.version) for v in line.versions] == [("", 1), ("370725", 2), ("370725", 1)]


@pytest.mark.django_db
def test_bad_versions_are_refused_with_a_message_naming_the_field(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    add(county, valid_from=later(10))
    cases = [
        ({"code": "no.such_rule"}, "code", "未知的规则编码"),
        ({"amount": 0}, "amount", "超出合理范围"),
        ({"amount": 400}, "amount", "1 至 250"),
        ({"reason": "  "}, "reason", "修订理由"),
        ({"valid_from": later(10)}, "valid_from", "不能重叠"),
        ({"valid_from": later(5)}, "valid_from", "不得早于"),
        ({"region_code": "370799"}, "region_code", "区划代码不存在"),
    ]
    for fields, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            add(county, **fields)
        assert text in " ".join(exc.value.message_dict[field]), fields
    assert DeadlineRule.objects.filter(code=CODE, region_prefix="370725").count() == 1


@pytest.mark.django_db
def test_a_past_effective_date_is_refused_unless_confirmed(make_user):
    """Stored deadlines keep their rule, but a past date changes what is computed for past days: it must be
    confirmed explicitly, and the audit entry says it was retroactive."""
    county = make_user(Role.COUNTY_ADMIN, "370725")
    with pytest.raises(ValidationError) as exc:
        add(county, valid_from=later(-3))
    assert "追溯生效" in exc.value.message_dict["valid_from"][0]
    assert not DeadlineRule.objects.filter(region_prefix="370725").exists()
    add(county, valid_from=later(-3), confirm_past=True)
    assert AuditEntry.objects.get(action="rule.version").after["retroactive"] is True


@pytest.mark.django_db
def test_only_the_administrators_who_own_the_region_may_add_a_version(make_user, superuser):
    province = make_user(Role.PROVINCE_ADMIN, "37")
    county = make_user(Role.COUNTY_ADMIN, "370725")
    assert add(province, region_code="37").region_prefix == "37"
    assert add(county, region_code="370725001").region_prefix == "370725001"  # a township inside the county
    with pytest.raises(Http404):
        add(county, region_code="370304")  # another county
    with pytest.raises(Http404):
        add(county, region_code="37")  # the province above it
    with pytest.raises(PermissionDenied):
        add(make_user(Role.TOWNSHIP_ADMIN, "370725001"), region_code="370725001")
    with pytest.raises(PermissionDenied):
        add(make_user(Role.STATION_STAFF, "370725"))
    with pytest.raises(PermissionDenied):
        add(province, region_code="")  # the national defaults are the system administrator's
    assert add(superuser, region_code="").region_prefix == ""


@pytest.mark.django_db
def test_rules_page_lists_every_registered_rule_with_its_value_in_force(client, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    DeadlineRule.objects.create(code="duties.training_hours", name="培训", region_prefix="370725", version=1,
                                unit="ch", amount=48, valid_from=dt.date(2024, 1, 1), reason="县规")  # fmt: skip
    client.force_login(county)
    page = client.get(reverse("core:rules")).content.decode()
    for code in rules.registered():
        assert code in page
    assert "48 学时" in page and "370725 第 1 版" in page


@pytest.mark.django_db
def test_rule_page_adds_a_version_and_shows_the_history(client, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    client.force_login(county)
    url = reverse("core:rule_detail", args=[CODE])
    bad = client.post(url, {"region_code": "370725", "amount": 0, "valid_from": later(3), "reason": "x"})
    assert bad.status_code == 200 and "超出合理范围" in bad.content.decode()
    ok = client.post(url, {"region_code": "370725", "amount": 7, "valid_from": later(3), "reason": "县局文件"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "县局文件" in page and "v1" in page
    assert client.get(reverse("core:rule_detail", args=["no.such_rule"])).status_code == 404


@pytest.mark.django_db
def test_rule_api_adds_a_version(client, make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    client.force_login(county)
    body = {"region_code": "370725", "amount": 6, "valid_from": str(later(4)), "reason": "接口调整"}
    created = client.post(f"/api/v1/rules/{CODE}/versions", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 1
    refused = client.post(f"/api/v1/rules/{CODE}/versions", body, content_type="application/json")
    assert refused.status_code == 422
    outside = client.post(f"/api/v1/rules/{CODE}/versions", {**body, "region_code": "370304"},
                          content_type="application/json")  # fmt: skip
    assert outside.status_code == 404
    one = client.get(f"/api/v1/rules/{CODE}?region=370725").json()
    assert one["in_force"]["value"] == 5 and [v["amount"] for v in one["versions"] if v["region_prefix"]] == [6]
    assert any(r["code"] == CODE for r in client.get("/api/v1/rules").json())
