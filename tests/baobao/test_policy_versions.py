"""A new version of the 包保 policy (issue 18 item 7): added by the region's administrators with an effective date
and a reason, the earlier versions kept and shown, picked by the one resolver from its date, bad parts refused."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from shian.accounts.models import Role
from shian.baobao import grading, services
from shian.baobao.models import Policy
from shian.core.models import AuditEntry


def later(days):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.mark.django_db
def test_a_county_policy_version_applies_from_its_date_and_keeps_the_rest(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    default = Policy.objects.get(region__isnull=True)
    new = services.add_policy_version(
        actor=county, region_code="370725", valid_from=later(10), reason="县局调整上限",
        capacity={"city": 10, "county": 12, "township": 40, "village": 30},
    )  # fmt: skip
    assert (new.version, new.note, new.grade_rules) == (1, "县局调整上限", default.grade_rules)
    assert grading.most_specific(Policy.objects.all(), "370725001", on=later(9)) == default
    assert grading.most_specific(Policy.objects.all(), "370725001", on=later(10)) == new
    assert grading.most_specific(Policy.objects.all(), "370304001", on=later(10)) == default
    entry = AuditEntry.objects.get(action="baobao.policy_version")
    assert entry.before["version"] == default.version and entry.after["capacity"]["township"] == 40


@pytest.mark.django_db
def test_bad_policy_versions_are_refused_naming_the_part(make_user):
    county = make_user(Role.COUNTY_ADMIN, "370725")
    base = {"actor": county, "region_code": "370725", "valid_from": later(5), "reason": "调整"}
    cases = [
        ({"grade_rules": [{"grade": "E", "label": "x"}]}, "grade_rules", "A、B、C、D"),
        ({"grade_rules": [{"grade": "A", "label": "x", "sub_types": ["spaceship"]}]}, "grade_rules", "spaceship"),
        ({"level_for_grade": {"A": "city"}}, "level_for_grade", "每个等级"),
        ({"capacity": {"village": 0}}, "capacity", "1 至 1000"),
        ({"department_match": {"school_canteen": "nowhere"}}, "department_match", "nowhere"),
        ({"reason": ""}, "reason", "修订理由"),
        ({"valid_from": later(-1)}, "valid_from", "追溯生效"),
    ]
    for fields, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            services.add_policy_version(**{**base, **fields})
        assert text in " ".join(exc.value.message_dict[field]), fields
    services.add_policy_version(**base)
    with pytest.raises(ValidationError) as exc:
        services.add_policy_version(**base)
    assert "不能重叠" in exc.value.message_dict["valid_from"][0]
    assert Policy.objects.filter(region_id="370725").count() == 1


@pytest.mark.django_db
def test_only_the_owners_of_the_region_add_policy_versions(make_user):
    base = {"valid_from": later(5), "reason": "调整"}
    with pytest.raises(Http404):
        services.add_policy_version(actor=make_user(Role.COUNTY_ADMIN, "370725"), region_code="370304", **base)
    with pytest.raises(PermissionDenied):
        services.add_policy_version(actor=make_user(Role.TOWNSHIP_ADMIN, "370725001"), region_code="370725001", **base)
    with pytest.raises(PermissionDenied):
        services.add_policy_version(actor=make_user(Role.PROVINCE_ADMIN, "37"), region_code="", **base)
    assert (
        services.add_policy_version(actor=make_user(Role.PROVINCE_ADMIN, "37"), region_code="37", **base).version == 1
    )


@pytest.mark.django_db
def test_policy_page_shows_the_versions_and_adds_one(client, make_user):
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    url = reverse("baobao:policy")
    page = client.get(url).content.decode()
    assert "省级默认" in page and "v1" in page
    form = {"region_code": "370725", "valid_from": later(3), "reason": "县规则", "grade_rules": "[]",
            "level_for_grade": '{"A": "city", "B": "county", "C": "township", "D": "village"}',
            "capacity": '{"village": 20}', "department_match": "{}"}  # fmt: skip
    bad = client.post(url, {**form, "capacity": '{"village": 0}'})
    assert bad.status_code == 200 and "1 至 1000" in bad.content.decode()
    assert client.post(url, form).status_code == 302
    assert "县规则" in client.get(url).content.decode()
    api = client.get("/api/v1/baobao/policy?region=370725").json()
    assert api["in_force"]["region_id"] is None and "县规则" in [v["note"] for v in api["versions"]]


@pytest.mark.django_db
def test_policy_api_adds_a_version(client, make_user):
    client.force_login(make_user(Role.COUNTY_ADMIN, "370725"))
    body = {"region_code": "370725", "valid_from": str(later(3)), "reason": "接口", "capacity": {"village": 25}}
    created = client.post("/api/v1/baobao/policy/versions", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["capacity"] == {"village": 25}
    again = client.post("/api/v1/baobao/policy/versions", body, content_type="application/json")
    assert again.status_code == 422
